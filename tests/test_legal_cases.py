"""Runs every legal test case in tests/cases/**/*.yaml through ``iiu.analyze``.

Each case names the statute, regulation or decision it checks (``source``) and states the
answers the law gives for the request (``expect``), or the field a bad request must name
(``expect_error``). Format: docs/catalog-format.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from iiu import analyze
from iiu.engine.errors import RequestError

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for i, case in enumerate(data):
            rel = path.relative_to(CASES_DIR)
            out.append(pytest.param(case, id=f"{rel}::{i + 1}::{case.get('name', '')[:60]}"))
    return out


CASES = _load()


def _dates_to_str(obj: Any) -> Any:
    import datetime as dt

    if isinstance(obj, dict):
        return {k: _dates_to_str(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_dates_to_str(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _get(report: dict[str, Any], dotted: str) -> Any:
    node: Any = report
    for part in dotted.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("case", CASES)
def test_legal_case(case: dict[str, Any]) -> None:
    assert case.get("source"), "every legal test case names its source"
    request = _dates_to_str(case["request"])
    if "expect_error" in case:
        with pytest.raises(RequestError) as err:
            analyze(request, alternatives=False)
        want = case["expect_error"].get("field")
        if want:
            assert err.value.field == want, f"error named {err.value.field!r}: {err.value.message}"
        return
    report = analyze(request, alternatives=False, trace=False)
    expect = case.get("expect", {})
    failures = []
    if "conviction" in expect and report["conviction"] != str(expect["conviction"]):
        failures.append(f"conviction: got {report['conviction']}, want {expect['conviction']}")
    for section in ("findings", "consequences"):
        for key, want in (expect.get(section) or {}).items():
            got = report[section][key]["result"]
            if got != str(want):
                failures.append(f"{section}.{key}: got {got}, want {want} — {report[section][key]['why']}")
    for dotted, names in (case.get("expect_depends_on") or {}).items():
        got = _get(report, dotted)["depends_on"]
        for n in names:
            if not any(n in g for g in got):
                failures.append(f"{dotted}.depends_on lacks {n!r}: {got}")
    for key, want in (expect.get("status_profiles") or {}).items():
        for cons, val in want.items():
            got = report["status_profiles"][key]["consequences"][cons]
            if got != str(val):
                failures.append(f"status_profiles.{key}.{cons}: got {got}, want {val}")
    assert not failures, f"{case.get('name')} ({case['source']}):\n" + "\n".join(failures)
