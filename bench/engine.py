"""Engine benchmark: analyses per second and p50/p99 latency, in process, over a fixed mix.

Target (issue 2 and 4): p99 <= 1 ms for ``iiu.analyze`` with alternatives, on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import statistics
import sys
import time
from typing import Any

from iiu import analyze

TODAY = dt.date(2026, 11, 28)

# Each request gives its sentence: one without a sentence is read as "unknown" and analysed at both ends.
MIX: list[dict[str, Any]] = [
    {"jurisdiction": "NY", "offense": "PL 155.25", "disposition": "guilty_plea", "disposition_date": "2024-06-01",
     "sentence": {"custody_days": 0, "probation_days": 365}},
    {"jurisdiction": "NY", "offense": "PL 155.30", "disposition": "guilty_plea", "disposition_date": "2018-06-01",
     "sentence": {"custody_days": 365}, "facts": {"loss_usd": 2000}},
    {"jurisdiction": "NY", "offense": "PL 120.00", "subsection": "(1)", "disposition": "guilty_plea", "disposition_date": "2022-03-01",
     "sentence": {"custody_days": 0}, "facts": {"victim_relationship": "spouse"}},
    {"jurisdiction": "NY", "offense": "PL 220.03", "disposition": "guilty_plea", "disposition_date": "2021-01-10",
     "sentence": {"custody_days": 0}, "facts": {"substance": "cocaine"}},
    {"jurisdiction": "NY", "offense": "PL 140.05", "disposition": "acd", "disposition_date": "2023-01-10",
     "sentence": {"custody_days": 0}},
    {"jurisdiction": "NY", "offense": "PL 155.25", "disposition": "guilty_plea", "disposition_date": "2024-06-01",
     "sentence": {"custody_days": 0},
     "history": [{"offense": "PL 155.25", "disposition": "guilty_plea", "disposition_date": "2020-01-01",
                  "sentence": {"custody_days": 0}}]},
    {"jurisdiction": "CA", "offense": "PC 484", "disposition": "guilty_plea", "disposition_date": "2019-06-01",
     "sentence": {"custody_days": 30}},
    {"jurisdiction": "CA", "offense": "HS 11350", "disposition": "guilty_plea", "disposition_date": "2020-06-01",
     "sentence": {"custody_days": 0}, "facts": {"substance": "heroin"}},
    {"jurisdiction": "CA", "offense": "PC 273.5", "disposition": "guilty_plea", "disposition_date": "2021-06-01",
     "sentence": {"custody_days": 90}},
    {"jurisdiction": "IL", "offense": "720 ILCS 5/16-25", "disposition": "deferred_adjudication", "disposition_date": "2019-06-01",
     "sentence": {"probation_days": 365}},
    {"jurisdiction": "IL", "offense": "720 ILCS 570/402", "disposition": "guilty_plea", "disposition_date": "2019-06-01",
     "facts": {"substance": "cocaine"}, "sentence": {"probation_days": 730}},
    {"jurisdiction": "IL", "offense": "720 ILCS 5/24-1.1", "disposition": "guilty_plea", "disposition_date": "2019-06-01",
     "sentence": {"custody_days": 1095}},
]


def _usable(mix: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for req in mix:
        try:
            analyze(req, today=TODAY)
            out.append(req)
        except Exception as e:  # a catalog entry still missing must not stop the benchmark
            print(f"  skipped {req['jurisdiction']} {req['offense']}: {e}", file=sys.stderr)
    return out


def measure(mix: list[dict[str, Any]], rounds: int, cold: bool = False, **kwargs: Any) -> dict[str, float]:
    """Latency of ``analyze``; ``cold`` forgets the memoised rule results before every call."""
    from iiu.engine.evaluate import clear_caches

    lat: list[float] = []
    gc.collect()
    t_all = time.perf_counter()
    for _ in range(rounds):
        for req in mix:
            if cold:
                clear_caches()
            t0 = time.perf_counter()
            analyze(req, today=TODAY, **kwargs)
            lat.append(time.perf_counter() - t0)
    total = time.perf_counter() - t_all
    lat.sort()
    return {
        "analyses": len(lat),
        "per_second": len(lat) / total,
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000,
        "max_ms": lat[-1] * 1000,
    }


def main(rounds: int = 300) -> dict[str, Any]:
    mix = _usable(MIX)
    for req in mix:  # warm the catalog and rule caches, as a long-running service would be
        analyze(req, today=TODAY)
    results = {
        "requests_in_mix": len(mix),
        "with_alternatives": measure(mix, rounds),
        "with_alternatives_cold_caches": measure(mix, max(rounds // 10, 10), cold=True),
        "without_alternatives": measure(mix, rounds, alternatives=False),
        "without_alternatives_or_trace": measure(mix, rounds, alternatives=False, trace=False),
    }
    print("engine:", json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
