"""Every row accounted for (issue 6): each kind of bad row is rejected with its line and reason,
every valid row is kept, formats agree, and the same input gives byte-identical output."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from iiu.bulk import demo
from iiu.bulk.audit import audit, connect, evaluate_file
from iiu.cli.main import app

TODAY = dt.date(2026, 11, 28)
HEADER = ("record_id,person_id,case_id,jurisdiction,offense,subsection,disposition,disposition_date,offense_date,"
          "custody_days,suspended_custody_days,probation_days,marijuana_grams")
GOOD = "{rid},p1,c1,NY,PL 155.25,,guilty_plea,2019-06-01,2019-03-01,30,0,0,"
# (line content, expected field, words the reason must contain)
BAD = [
    ("b1,p2,c2,NY,,,guilty_plea,2019-06-01,2019-03-01,30,0,0,", "offense", "missing field offense"),
    ("b2,p2,c2,NY,PL 155.25,,guilty_plea,,2019-03-01,30,0,0,", "disposition_date", "missing field disposition_date"),
    (",p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,30,0,0,", "record_id", "missing field record_id"),
    ("b3,p2,c2,NY,PL 155.25,,guilty_plea,2019-02-30,,30,0,0,", "disposition_date", "not a real calendar date"),
    ("b4,p2,c2,NY,PL 155.25,,guilty_plea,06/01/2019,,30,0,0,", "disposition_date", "YYYY-MM-DD"),
    ("b5,p2,c2,NY,PL 999.99,,guilty_plea,2019-06-01,,30,0,0,", "offense", "unknown citation"),
    ("b6,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,-30,0,0,", "custody_days", "cannot be negative"),
    ("b7,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,ten,0,0,", "custody_days", "whole number"),
    ("b8,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,400,0,0,", "sentence.custody_days", "exceeds the maximum"),
    ("b9,p2,c2,NY,PL 155.25,,convicted,2019-06-01,,30,0,0,", "disposition", "unknown disposition"),
    ("b10,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,2019-07-01,30,0,0,", "offense_date", "after disposition_date"),
    ("b11,p2,c2,ZZ,PL 155.25,,guilty_plea,2019-06-01,,30,0,0,", "jurisdiction", "unknown jurisdiction"),
    ("g1,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,30,0,0,", "record_id", "duplicate record_id"),
    ("b12,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,,,,", "custody_days", "sentence"),
    ("b13,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,30,0,0,lots", "marijuana_grams", "must be a number"),
    ("b14,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,30,0,0,,extra,columns", None, "unreadable CSV row"),
    ("b15,p2,c2,NY,PL 155.25,,guilty_plea,2029-06-01,,30,0,0,", "disposition_date", "future"),
    ("b16,p2,c2,NY,PL 155.25,(9),guilty_plea,2019-06-01,,30,0,0,", None, None),  # an unknown part is a warning, kept
    ("b17,p2,c2,NY,PL 155.25,,guilty_plea,2019-06-01,,unknowns,0,0,", "custody_days", "whole number"),
    # "unknown": the record does not give the sentence — kept, answered for every lawful sentence.
    ("b18,p3,c3,NY,PL 155.25,,guilty_plea,2019-06-01,,unknown,,UNKNOWN,", None, None),
    ("b19,p4,c4,NY,PL 155.25,,guilty_plea,2019-06-01,,30,0,unknown,", None, None),
]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """Good rows around every kind of bad row; returns the file and the bad rows' line numbers."""
    lines = [HEADER]
    bad_lines = []
    for i, (text, _field, _why) in enumerate(BAD):
        lines.append(GOOD.format(rid=f"g{i + 1}"))
        lines.append(text)
        if _why is not None:
            bad_lines.append(len(lines))
    lines.append(GOOD.format(rid="g-last"))
    path = tmp_path_factory.mktemp("rows") / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, bad_lines


def test_each_bad_row_is_rejected_with_line_and_reason(mixed: tuple[Path, list[int]]) -> None:
    path, bad_lines = mixed
    con = connect()
    evaluate_file(con, path, today=TODAY, show_progress=False, alternatives=False)
    rejected = {r[0]: (r[1], r[2]) for r in con.execute("SELECT line, field, reason FROM rejected").fetchall()}
    assert sorted(rejected) == bad_lines
    expected = [(f, w) for _t, f, w in BAD if w is not None]
    for line, (field, why) in zip(bad_lines, expected, strict=True):
        got_field, reason = rejected[line]
        assert why.lower() in reason.lower(), (line, reason)
        if field is not None:
            assert got_field == field, (line, got_field, reason)
    accepted = {r[0] for r in con.execute("SELECT record_id FROM results").fetchall()}
    goods = {f"g{i + 1}" for i in range(len(BAD))} | {"g-last", "b16", "b18", "b19"}
    assert accepted == goods  # every valid row kept, the duplicate's first occurrence included
    known = dict(con.execute("SELECT record_id, sentence_known FROM results WHERE record_id IN ('b18', 'b19')").fetchall())
    assert known == {"b18": False, "b19": True}  # probation is read by no rule: its "unknown" leaves the sentence known
    assert con.execute("SELECT probation_days FROM results WHERE record_id = 'b19'").fetchone() == (None,)


def test_generated_bad_rows_are_all_rejected_and_good_rows_all_kept(tmp_path: Path) -> None:
    con = duckdb.connect()
    demo.build(con, 6000, seed=5, bad_fraction=0.05, with_truth=True)
    # A duplicate of a row that is itself rejected is the first valid occurrence of its id: it is kept.
    truth = dict(con.execute("""
        SELECT record_id || '#' || i, CASE WHEN bad_kind = 'duplicate_record_id' AND lag(bad_kind) OVER (ORDER BY i) IS NOT NULL
                                           THEN NULL ELSE bad_kind END FROM demo""").fetchall())
    path = tmp_path / "d.csv"
    con.execute(f"COPY (SELECT {', '.join(demo.RECORD_COLUMNS)} FROM demo ORDER BY i) TO '{path}' (FORMAT csv, HEADER true)")
    kinds = {v for v in truth.values() if v}
    assert len(kinds) == len(demo.BAD_KINDS)
    c2 = connect()
    evaluate_file(c2, path, today=TODAY, show_progress=False, alternatives=False)
    rejected_lines = {r[0] for r in c2.execute("SELECT line FROM rejected").fetchall()}
    bad_lines = {int(k.split("#")[1]) + 2 for k, v in truth.items() if v}
    assert rejected_lines == bad_lines
    assert c2.execute("SELECT count(*) FROM results").fetchone()[0] == 6000 - len(bad_lines)  # type: ignore[index]
    assert c2.execute("SELECT count(*) FROM rejected WHERE reason IS NULL OR reason = ''").fetchone()[0] == 0  # type: ignore[index]


def _digest(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir()) if p.is_file()}


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    demo.write(src, 1500, seed=3, bad_fraction=0.02)
    a, b = tmp_path / "a", tmp_path / "b"
    audit(src, a, write_csv=True, today=TODAY, show_progress=False)
    audit(src, b, write_csv=True, today=TODAY, show_progress=False)
    assert _digest(a) == _digest(b)
    assert set(_digest(a)) == {"summary.json", "records.parquet", "records.csv", "rejected.csv", "report.html"}


def test_csv_parquet_and_excel_give_the_same_results(tmp_path: Path) -> None:
    outs = {}
    for ext in ("csv", "parquet", "xlsx"):
        src = tmp_path / f"d.{ext}"
        demo.write(src, 400, seed=9, bad_fraction=0.03)
        out = tmp_path / ext
        s = audit(src, out, write_csv=True, today=TODAY, show_progress=False, report=False, alternatives=False)
        outs[ext] = ((out / "records.csv").read_text(encoding="utf-8"), (out / "rejected.csv").read_text(encoding="utf-8"), s["accepted"])
    assert outs["csv"] == outs["xlsx"]  # the same lines: the header is line 1 in both

    def without_line(text: str) -> list[str]:  # Parquet has rows, not lines: 'line' is the 1-based row number there
        return [",".join(c for i, c in enumerate(next(csv.reader([row]))) if i != 3) for row in text.splitlines()]

    assert without_line(outs["csv"][0]) == without_line(outs["parquet"][0])
    def ids(text: str) -> list[tuple[str, ...]]:
        return [tuple(r[1:4]) for r in csv.reader(text.splitlines())]

    assert ids(outs["csv"][1]) == ids(outs["parquet"][1])


def test_audit_cli_writes_what_design_5_3_lists(tmp_path: Path) -> None:
    runner = CliRunner()
    src = tmp_path / "demo.csv"
    r = runner.invoke(app, ["demo", "--records", "800", "--out", str(src)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "audit"
    r = runner.invoke(app, ["audit", str(src), "--out", str(out), "--csv", "--today", "2026-11-28", "--no-progress"])
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    for k in ("records", "rejected", "convictions", "records_with_consequence", "findings", "consequences"):
        assert k in summary
    assert summary["records"] == 800
    with (out / "records.csv").open() as f:
        header = next(csv.reader(f))
    for c in ("record_id", "conviction", "aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence",
              "deportable", "inadmissible"):
        assert c in header
    html = (out / "report.html").read_text()
    assert "<svg" in html and "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    r = runner.invoke(app, ["audit", str(tmp_path / "missing.csv"), "--out", str(out)])
    assert r.exit_code == 2 and json.loads(r.output)["field"] == "records"


def test_a_file_without_the_required_columns_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    runner = CliRunner()
    r = runner.invoke(app, ["audit", str(p), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "record_id" in json.loads(r.output)["error"]


def test_a_mapping_file_adapts_another_schema(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text("Case No,Defendant,Statute,Outcome,Date,Jail Days\n"
                   "A-1,D1,PL 155.25,PLEA,06/01/2019,30\n"
                   "A-2,D1,PL 155.25,NOLLE,06/02/2019,\n"
                   "A-3,D2,PL 155.25,???,06/03/2019,0\n", encoding="utf-8")
    mapping = tmp_path / "office.yaml"
    mapping.write_text("""
name: my-office
require: [case no, statute]
fields:
  record_id: {column: case_no}
  person_id: {column: defendant}
  jurisdiction: {value: NY}
  offense: {column: statute}
  disposition_date: {column: date, date_formats: ["%m/%d/%Y"]}
  custody_days: {column: jail_days}
  suspended_custody_days: {value: "0"}
  probation_days: {value: "0"}
  disposition: {column: outcome, map: {PLEA: guilty_plea, Nolle: dismissed}}
""".replace("require: [case no, statute]", "require: [case_no, statute]"), encoding="utf-8")
    con = connect()
    evaluate_file(con, src, mapping=str(mapping), today=TODAY, show_progress=False, alternatives=False)
    rows = con.execute("SELECT record_id, disposition_date FROM results ORDER BY line").fetchall()
    rejected = con.execute("SELECT line, field FROM rejected ORDER BY line").fetchall()
    assert rows == [("A-1", dt.date(2019, 6, 1)), ("A-2", dt.date(2019, 6, 2))]  # a dismissal needs no sentence
    assert rejected == [(4, "disposition")]  # '???' is no disposition kind
