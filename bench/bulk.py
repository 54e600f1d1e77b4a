"""Benchmark of the bulk audit (issue 6): records per second, peak memory, and the ratio to a
bare DuckDB scan + join + group-by of the same file, measured in the same run.

    python -m bench.bulk N            # N records: the baseline and both audits
    python -m bench.bulk              # make bench: 1,000,000 records (both audits), then 10,000,000
                                      # (the audit as shipped); IIU_BENCH_RECORDS=N for one size

Each measurement runs in a fresh process. Peak memory is the peak of the summed PSS of that
process and its forked workers (shared pages counted once), sampled every 0.2 s by the parent,
with each process's ru_maxrss beside it. The baseline reads the same CSV with DuckDB, joins it to the catalog's offense table and groups
by offense and disposition: the least any audit of the file must do. The audit is
``iiu audit`` as shipped (DuckDB engine, avoidable-harm analysis included), and again with
``--no-alternatives``. Targets: 1,000,000 records within 10x of the baseline; 10,000,000
records under 8 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_N = 1_000_000
FULL_N = 10_000_000


def _pss_mb(pid: int) -> float:
    """A process's proportional set size from /proc (Linux), else its RSS; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import psutil

    try:
        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except psutil.Error:
        return 0.0


class PssSampler:
    """Samples the summed proportional set size (PSS) of a process and its descendants every
    0.2 s, from another process (the benchmark's parent: a thread inside the measured process could
    be held off while a long DuckDB call holds the GIL, and miss the peak). Pages that forked workers
    share with the main process are split between them, so the sum counts each page once: the peak of
    the sum is the run's real peak (adding up RSS would count every shared page once per process)."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                pids = [root.pid, *(c.pid for c in root.children(recursive=True))]
            except psutil.Error:
                break
            self.peak_mb = max(self.peak_mb, sum(_pss_mb(p) for p in pids))
            self._stop.wait(0.2)

    def start(self) -> PssSampler:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def _child(kind: str, path: str, out: str) -> None:
    """Runs in a fresh process: one measurement, printed as JSON."""
    import resource

    t0 = time.perf_counter()
    info: dict[str, object] = {}
    if kind == "baseline":
        import duckdb
        import pyarrow as pa

        from iiu.law.catalog import get_catalog

        rows: dict[str, list[str]] = {"jurisdiction": [], "citation": [], "title": []}
        for code in ("NY", "CA", "IL"):
            for o in get_catalog(code).offenses:
                rows["jurisdiction"].append(code)
                rows["citation"].append(o.citation)
                rows["title"].append(o.title)
        t0 = time.perf_counter()  # the catalog load is the audit's cost, not the baseline's
        con = duckdb.connect()
        con.register("offenses", pa.table(rows))
        p = path.replace("'", "''")
        n = con.execute(f"""
            SELECT count(*) FROM (
                SELECT r.jurisdiction, r.offense, r.disposition, count(*) AS n, sum(TRY_CAST(r.custody_days AS BIGINT)) AS days,
                       any_value(o.title) AS title
                FROM read_csv('{p}', all_varchar=true, header=true) r
                LEFT JOIN offenses o ON o.jurisdiction = r.jurisdiction AND o.citation = r.offense
                GROUP BY ALL)""").fetchone()
        info["groups"] = n[0] if n else 0
    else:
        import datetime as dt

        from iiu.bulk.audit import audit

        s = audit(Path(path), Path(out), today=dt.date(2026, 1, 1), show_progress=False,
                  alternatives=(kind == "audit"), memory_limit=os.environ.get("IIU_BULK_MEMORY", "3GB"))
        info.update(accepted=s["accepted"], rejected=s["rejected"], timings=s["_timings"], counts=s["_counts"])
    info["seconds"] = time.perf_counter() - t0
    info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Forked workers (stage 1 and 2) share the parent's pages until they write them; the largest
    # worker's peak is reported too, and the sum of the parent and every worker as an upper bound.
    info["peak_rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if kind != "baseline":
        from iiu.bulk.engine import workers

        info["workers"] = workers()
    print(json.dumps(info))


def _measure(kind: str, path: Path, out: Path) -> dict[str, object]:
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        p = subprocess.Popen([sys.executable, "-m", "bench.bulk", "--child", kind, str(path), str(out)],
                             stdout=out_f, stderr=err_f, text=True, cwd=Path(__file__).resolve().parents[1])
        sampler = PssSampler(p.pid).start()
        rc = p.wait()
        peak = sampler.stop()
        out_f.seek(0)
        err_f.seek(0)
        if rc != 0:
            raise RuntimeError(f"{kind} failed: {err_f.read()[-2000:]}")
        info: dict[str, object] = json.loads(out_f.read().strip().splitlines()[-1])
    info["peak_pss_total_mb"] = peak
    return info


def measure(n: int, kinds: tuple[str, ...] = ("audit", "audit_no_alternatives")) -> dict[str, object]:
    """Generate ``n`` records (1% bad rows), then time the baseline and each audit on that file."""
    with tempfile.TemporaryDirectory(prefix="iiu-bench-") as tmp:
        src = Path(tmp) / "records.csv"
        t0 = time.perf_counter()
        # In a process of its own: Linux carries a parent's peak RSS into the ru_maxrss of the children
        # it starts later (fork copies it, exec keeps it), so generating here would inflate theirs.
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from iiu.bulk.demo import write; "
                        "write(Path(sys.argv[1]), int(sys.argv[2]), seed=2021, bad_fraction=0.01)", str(src), str(n)],
                       check=True, capture_output=True)
        gen = time.perf_counter() - t0
        base = _measure("baseline", src, Path(tmp) / "base")
        runs = {kind: _measure(kind, src, Path(tmp) / kind) for kind in kinds}
    report: dict[str, object] = {"records": n, "generate_seconds": round(gen, 2), "baseline_seconds": round(float(base["seconds"]), 3),
                                 "baseline_peak_pss_mb": round(float(base["peak_pss_total_mb"]))}  # type: ignore[arg-type]
    for kind, r in runs.items():
        secs = float(r["seconds"])  # type: ignore[arg-type]
        report[kind] = {
            "seconds": round(secs, 2),
            "records_per_second": round(n / secs),
            "ratio_to_baseline": round(secs / float(base["seconds"]), 1),  # type: ignore[arg-type]
            "peak_rss_mb": round(float(r["peak_rss_mb"])),  # type: ignore[arg-type]
            "peak_rss_worker_mb": round(float(r.get("peak_rss_worker_mb", 0))),  # type: ignore[arg-type]
            # The sum of the processes' PSS, sampled by the parent: shared pages counted once (the real total).
            "peak_pss_total_mb": round(float(r.get("peak_pss_total_mb", 0))),  # type: ignore[arg-type]
            "accepted": r["accepted"], "rejected": r["rejected"],
            "distinct_keys": r["counts"], "timings": {k: round(v, 2) for k, v in r["timings"].items()},  # type: ignore[union-attr]
        }
    audit = report["audit"]
    report["targets"] = {
        "ratio_at_1M": "<= 10x (aim 5x)", "memory_at_10M": "< 8 GB",
        "met_ratio": (audit["ratio_to_baseline"] <= 10.0) if n == DEFAULT_N else None,  # type: ignore[index]
        "met_memory": (audit["peak_pss_total_mb"] < 8192) if n >= FULL_N else None,  # type: ignore[index]
    }
    return report


def main(argv: list[str] | None = None) -> dict[str, object]:
    """``python -m bench.bulk N``: one size, both audits. Without N (``make bench``): 1,000,000
    records (the ratio target, both audits), then 10,000,000 (the memory target, the audit as
    shipped); ``IIU_BENCH_RECORDS=N`` runs that size alone."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2], argv[3])
        return {}
    if argv and argv[0].isdigit():
        report = measure(int(argv[0]))
    elif os.environ.get("IIU_BENCH_RECORDS"):
        report = measure(int(os.environ["IIU_BENCH_RECORDS"]))
    else:
        one = measure(DEFAULT_N)
        print(json.dumps(one, indent=2), flush=True)
        report = {"1M": one, "10M": measure(FULL_N, ("audit",))}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
