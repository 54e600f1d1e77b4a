"""The audit report is the file meant for publication (issue 6): no count from 1 to 9 can be read from it,
directly or by subtraction (a total, another column of the row, another table, the row order)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from iiu.bulk import demo
from iiu.bulk.audit import audit
from iiu.reports.audit import MIN_CELL, _row_safe, bar_chart, pool, suppress

TODAY = dt.date(2026, 11, 28)
HEADER = ("record_id,person_id,case_id,jurisdiction,offense,subsection,disposition,disposition_date,offense_date,"
          "custody_days,suspended_custody_days,probation_days,court,race,ethnicity,sex,birth_year").split(",")


def _row(i: int, **k: str) -> dict[str, str]:
    d = {"record_id": f"R{i:05d}", "person_id": f"P{i:05d}", "case_id": f"C{i:05d}", "jurisdiction": "NY",
         "offense": "PL 155.25", "subsection": "", "disposition": "guilty_plea", "disposition_date": "2021-06-01",
         "offense_date": "2021-01-01", "custody_days": "0", "suspended_custody_days": "0", "probation_days": "0",
         "court": "Court A", "race": "White", "ethnicity": "Not Hispanic or Latino", "sex": "Male", "birth_year": "1980"}
    d.update(k)
    return d


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


def _small(v: int) -> bool:
    return 0 < v < MIN_CELL


def _tables(html: str) -> list[list[list[str]]]:
    out = []
    for t in re.findall(r"<table>(.*?)</table>", html, re.S):
        rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", r, re.S)]
                for r in re.findall(r"<tr>(.*?)</tr>", t, re.S)]
        out.append(rows)
    return out


def _count(cell: str) -> int | None:
    return int(cell.replace(",", "")) if re.fullmatch(r"[\d,]+", cell) else None


def _check_report(html: str) -> None:
    """Every count shown is 0 or at least 10; in a table by group (first column 'records'), every difference
    between two counts of a row is too, and the rows add up to the records analysed (no hidden remainder)."""
    for kpi in re.findall(r"<div><b>([^<]*)</b>", html):
        n = _count(kpi)
        assert n is None or not _small(n), kpi
    for sentence in re.findall(r"<p[^>]*>(.*?)</p>", html, re.S):
        for n in re.findall(r"(?<![\d.,-])(\d[\d,]*)\s+(?:records|such records|of them)", sentence):
            assert not _small(int(n.replace(",", ""))), sentence
    for table in _tables(html):
        head, body = table[0], table[1:]
        count_cols = [i for i, h in enumerate(head) if h in ("records", "convictions", "with a consequence", "deportable",
                                                              "yes", "depends", "no")]
        for r in body:
            vals = [_count(r[i]) for i in count_cols]
            assert not any(v is not None and _small(v) for v in vals), (head, r)
            # Consequences removed overlap (one record can remove several): independent counts, no partition.
            if head[1] == "records" and head[0] != "consequence removed":
                shown = [v for v in vals if v is not None]
                assert len(shown) == len(vals), ("a table by group hides nothing inside a shown row", head, r)
                for a, b in itertools.combinations(shown, 2):
                    assert not _small(abs(a - b)), ("difference of two counts", head, r)


def _audit_html(records: Path, out: Path) -> tuple[str, dict[str, Any]]:
    summary = audit(records, out, today=TODAY, show_progress=False)
    return (out / "report.html").read_text(encoding="utf-8"), summary


def test_pool_adds_small_groups_up_and_keeps_the_total() -> None:
    rows = [{"name": "A", "n": 50}, {"name": "B", "n": 10}, {"name": "C", "n": 10}, {"name": "D", "n": 3}]
    out = pool(rows, ["n"], what="courts")
    assert sum(r["n"] for r in out) == 73  # nothing is hidden: the rows still add up to the total
    assert all(r["n"] == 0 or r["n"] >= MIN_CELL for r in out)
    assert "D" not in {r["name"] for r in out}  # D's 3 is inside a combined row of two or more groups
    combined = [r for r in out if r.get("combined")]
    assert len(combined) == 1 and combined[0]["name"].startswith("2 other courts")


def test_a_row_whose_counts_differ_by_less_than_10_is_pooled() -> None:
    # 20 records and 15 convictions tell that 5 were not convicted.
    assert not _row_safe({"records": 20, "convictions": 15}, ["records", "convictions"])
    assert _row_safe({"records": 20, "convictions": 20}, ["records", "convictions"])
    assert _row_safe({"records": 40, "convictions": 0}, ["records", "convictions"])


def test_a_table_that_cannot_be_made_safe_is_withheld() -> None:
    assert pool([{"name": "A", "n": 4}, {"name": "B", "n": 3}], ["n"]) == []


def test_a_findings_row_with_a_small_cell_is_hidden_whole() -> None:
    # Hiding 5 and its smallest neighbour would leave 945 shown; the 50 may be published elsewhere as a column
    # total (deportable 'yes' in the tables by group), which gives the 5 back.
    row = suppress([{"name": "x", "yes": 50, "depends": 5, "no": 945, "records": 1000}], ["yes", "depends", "no"],
                   row_total="records")[0]
    assert row["yes"] is None and row["depends"] is None and row["no"] is None
    independent = suppress([{"name": "a", "n": 3}, {"name": "b", "n": 40}], ["n"])
    assert independent[0]["n"] is None and independent[1]["n"] == 40
    assert "suppressed" in bar_chart([("a", None), ("b", 12)])


def test_the_reviewers_cases_leak_nothing(tmp_path: Path) -> None:
    """Three tables that leaked before: a paragraph total unlocking a hidden cell, a tie and the row order giving
    a hidden court back, and a visible column of a hidden row pinning a group of one."""
    c1 = [_row(i) for i in range(70)]
    c1 += [_row(100 + i, jurisdiction="IL", offense="720 ILCS 5/16-25", disposition="deferred_adjudication",
                probation_days="365") for i in range(3)]
    c2 = [_row(i, court="Court A") for i in range(50)] + [_row(100 + i, court="Court B") for i in range(10)]
    c2 += [_row(200 + i, court="Court C") for i in range(10)] + [_row(300 + i, court="Court D") for i in range(3)]
    c3 = [_row(i, disposition="guilty_plea" if i < 30 else "dismissed") for i in range(58)]
    c3 += [_row(100 + i, race="Black") for i in range(12)] + [_row(200, race="Asian", disposition="dismissed")]
    for name, rows in (("c1", c1), ("c2", c2), ("c3", c3)):
        html, summary = _audit_html(_write(tmp_path / f"{name}.csv", rows), tmp_path / name)
        _check_report(html)
        assert summary["accepted"] == len(rows)
    html, _ = _audit_html(tmp_path / "c1.csv", tmp_path / "c1b")
    assert "fewer than 10" in html  # the 3 deferred adjudications, in the text


@pytest.mark.parametrize("n", [400, 3000])
def test_a_synthetic_office_report_leaks_nothing(tmp_path: Path, n: int) -> None:
    records = tmp_path / "office.csv"
    demo.write(records, n, seed=7)
    html, summary = _audit_html(records, tmp_path / "out")
    _check_report(html)
    # The tables by group account for every analysed record: their rows add up to it.
    for table in _tables(html):
        if table[0][1] == "records" and table[0][0] in ("group", "year", "court", "disposition"):
            assert sum(_count(r[1]) or 0 for r in table[1:]) in (summary["accepted"], 0), table[0]
