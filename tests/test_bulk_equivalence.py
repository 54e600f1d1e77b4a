"""The bulk path and the single-case path agree on every record (DESIGN §4: one rule, one definition).

More than 10,000 generated records across NY, CA and IL, 1988-2025 (so the 1996 IIRIRA
changes to the aggravated-felony thresholds fall between a person's records), people with
up to ten records, plus hand-made people for the history rules: two CIMTs (INA
237(a)(2)(A)(ii)) and the single-scheme exception, the single offense of 30 grams or less of
marijuana (INA 237(a)(2)(B)(i)), DACA's three misdemeanors (8 CFR 236.22(b)(6)) and TPS's two
(8 CFR 244.4(a)). Each record is analysed by ``iiu.analyze`` with history = the same person's
other records dated on or before it; every answer must equal the bulk answer. One record in
29 does not give its sentence ("unknown": ``iiu.engine.unknown_sentence``), so that person's
answers come from both ends of the lawful sentence in both paths.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from iiu import analyze
from iiu.bulk import demo
from iiu.bulk import engine as E
from iiu.bulk.audit import connect, evaluate_file
from iiu.bulk.dates import af_bucket

TODAY = dt.date(2026, 11, 28)
N = 10_200
UNKNOWN_EVERY = 29  # one record in 29 has no sentence in the file
COLUMNS = ("conviction", "aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence",
           "petty_offense_exception", "deportable", "inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar",
           "lpr_cancellation_bar", "non_lpr_cancellation_bar", "daca_bar", "tps_bar", "naturalization_bar")


def _row(rid: str, pid: str, jur: str, off: str, disp: str, dd: str, od: str | None, custody: int = 0, **facts: str) -> dict[str, str]:
    row = {c: "" for c in demo.RECORD_COLUMNS}
    row.update(record_id=rid, person_id=pid, case_id=f"{pid}-{dd[:4]}", jurisdiction=jur, offense=off, disposition=disp,
               disposition_date=dd, offense_date=od or "", custody_days=str(custody), suspended_custody_days="0",
               probation_days="0", **facts)
    return row


HANDMADE = [
    # Two CIMTs (petty theft, PC 484) on different dates; then a third on the same offense date as the second (one scheme).
    _row("H-CIMT-1", "H1", "CA", "PC 484", "guilty_plea", "2012-03-01", "2011-12-01", 30),
    _row("H-CIMT-2", "H1", "CA", "PC 484", "guilty_plea", "2014-05-01", "2014-01-10", 60),
    _row("H-CIMT-3", "H1", "CA", "PC 484", "guilty_plea", "2014-05-01", "2014-01-10", 10),
    # The single offense of 30 grams or less of marijuana; then one over 30 g; then a second offense.
    _row("H-MJ-1", "H2", "NY", "PL 221.10", "guilty_plea", "2015-02-01", "2015-01-01", 0, substance="marijuana",
         marijuana_grams="30"),
    _row("H-MJ-2", "H3", "NY", "PL 221.10", "guilty_plea", "2015-02-01", "2015-01-01", 0, substance="marijuana",
         marijuana_grams="31"),
    _row("H-MJ-3", "H2", "CA", "HS 11357", "guilty_plea", "2016-02-01", "2016-01-01", 0, substance="marijuana",
         marijuana_grams="10"),
    # Misdemeanors one after another (DACA: three; TPS: two).
    _row("H-M-1", "H4", "NY", "PL 221.10", "guilty_plea", "2013-01-15", "2013-01-01", 5, substance="marijuana"),
    _row("H-M-2", "H4", "NY", "PL 155.25", "guilty_plea", "2014-01-15", "2014-01-01", 5),
    _row("H-M-3", "H4", "NY", "PL 165.40", "guilty_plea", "2015-01-15", "2015-01-01", 5),
    _row("H-M-4", "H4", "IL", "720 ILCS 600/3.5", "guilty_plea", "2016-01-15", "2016-01-01", 5),
    # Before and after IIRIRA (1996-09-30): each under its own date's aggravated-felony law; no rule counts an
    # earlier aggravated felony, so the later record's history is the same under either law.
    _row("H-AF-1", "H5", "NY", "PL 155.30", "guilty_plea", "1995-06-01", "1995-01-01", 400),
    _row("H-AF-2", "H5", "NY", "PL 155.30", "guilty_plea", "1998-06-01", "1998-01-01", 400),
]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eq") / "records.csv"
    con = duckdb.connect()
    demo.build(con, N, seed=11, start=dt.date(1988, 1, 1))
    rows = [dict(zip(demo.RECORD_COLUMNS, r, strict=True))
            for r in con.execute(f"SELECT {', '.join(demo.RECORD_COLUMNS)} FROM demo ORDER BY i").fetchall()]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=demo.RECORD_COLUMNS)
        w.writeheader()
        for i, r in enumerate(rows):
            if i % UNKNOWN_EVERY == 0:
                r.update(custody_days="unknown", suspended_custody_days="")
        for r in rows + HANDMADE:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


@pytest.fixture(scope="module")
def bulk(records: Path) -> tuple[dict[str, dict[str, str]], E.BulkState, dict[str, int]]:
    con = connect()
    state = evaluate_file(con, records, today=TODAY, show_progress=False, alternatives=False)
    cols = ", ".join(COLUMNS)
    res = {r[0]: dict(zip(COLUMNS, r[1:], strict=True))
           for r in con.execute(f"SELECT record_id, {cols} FROM results").fetchall()}
    pri = dict(con.execute("""SELECT 'max_cimt', max(p_cimt_yes) FROM pri UNION ALL SELECT 'same_date', max(p_cimt_yes_same_date)
                              FROM pri UNION ALL SELECT 'max_misd', max(p_misd_yes) FROM pri
                              UNION ALL SELECT 'max_daca_misd', max(p_daca_misd_yes) FROM pri""").fetchall())
    return res, state, pri


def test_every_generated_row_is_accepted(bulk: tuple, records: Path) -> None:
    res, state, _ = bulk
    assert len(res) == N + len(HANDMADE)
    # the 1988-1996 aggravated-felony parameter periods are exercised (dates.af_law_boundaries)
    with records.open(newline="", encoding="utf-8") as fh:
        buckets = {af_bucket(dt.date.fromisoformat(r["disposition_date"][:10])) for r in csv.DictReader(fh)
                   if r.get("disposition_date")}
    assert len(buckets) >= 3
    assert state.counts["unknown_sentence_people"] >= 100


def test_history_rules_are_exercised(bulk: tuple) -> None:
    res, _, pri = bulk
    assert pri["max_cimt"] >= 2 and pri["same_date"] >= 1 and pri["max_misd"] >= 3 and pri["max_daca_misd"] >= 2
    # 237(a)(2)(A)(ii): the second CIMT after the first (grounds apart from the sums are the engine's).
    assert res["H-CIMT-2"]["deportable"] != "no"
    # 237(a)(2)(B)(i): a single offense of 30 g or less of marijuana for one's own use is excepted; 31 g is not.
    assert res["H-MJ-1"]["deportable"] != res["H-MJ-2"]["deportable"] or res["H-MJ-1"]["deportable"] == "no"


def test_bulk_equals_single_case_on_every_record(bulk: tuple, records: Path) -> None:
    res, _, _ = bulk
    with records.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    disagreements = []
    for r in rows:
        req = E.record_request(r)
        req["history"] = [E.record_request(o) for o in by_person[r["person_id"]]
                          if o is not r and o["disposition_date"] <= r["disposition_date"]]
        rep = analyze(req, today=TODAY, alternatives=False, trace=False)
        single = {"conviction": rep["conviction"], **{k: v["result"] for k, v in rep["findings"].items()},
                  **{k: v["result"] for k, v in rep["consequences"].items()}}
        got = res[r["record_id"]]
        diff = {k: (single[k], got[k]) for k in COLUMNS if single[k] != got[k]}
        if diff:
            disagreements.append((r["record_id"], diff))
    assert not disagreements, f"{len(disagreements)} disagreements, e.g. {disagreements[:5]}"


def _sample(records: Path, tmp_path: Path) -> tuple[list[dict[str, str]], Path]:
    """The first 1,500 generated records and the hand-made people, as a file of their own."""
    with records.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:1500] + HANDMADE
    sample = tmp_path / "sample.csv"
    with sample.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=demo.RECORD_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return rows, sample


def test_avoidable_harm_equals_the_single_case_search(tmp_path: Path, records: Path) -> None:
    """The audit's ``alternative`` column (bulk memo of stage 2 on findings ids and canonical priors)
    equals ``best_alternative`` run on each record's own request with its history's priors, for
    every conviction (the audit looks for alternatives to convictions only), with a plea to another
    offense keeping the arrest's INA 236(c)(1)(E) ground as in the single-case search."""
    from iiu.bulk.avoidable import best_alternative
    from iiu.engine.evaluate import stage1
    from iiu.engine.request import parse_request
    from iiu.engine.unknown_sentence import at_bound
    from iiu.law.federal.record import Priors

    rows, sample = _sample(records, tmp_path)
    con = connect()
    evaluate_file(con, sample, today=TODAY, show_progress=False, alternatives=True)
    got = {r[0]: (r[1], r[2]) for r in con.execute("SELECT record_id, alternative, alternative_removes FROM results").fetchall()}
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    found, disagreements = 0, []
    for r in rows:
        req = parse_request(E.record_request(r), today=TODAY)
        history = [parse_request({**E.record_request(o), "as_of": r["disposition_date"][:10]}, today=TODAY)
                   for o in by_person[r["person_id"]] if o is not r and o["disposition_date"] <= r["disposition_date"]]
        # A person with a sentence not given: the alternatives are judged at the longest lawful sentences.
        if any(o["custody_days"] == "unknown" for o in by_person[r["person_id"]]):
            req = at_bound(req, "most")
            history = [at_bound(h, "most") for h in history]
        priors = Priors.of(req.offense_date, [stage1(h).findings for h in history])
        s1 = stage1(req)
        alt = None if s1.findings.conviction.result == "no" else best_alternative(req, s1, priors)
        want = (None, None) if alt is None else (f"{alt['kind']}: {alt['summary']}", ", ".join(alt["removes"]))
        found += alt is not None
        if got[r["record_id"]] != want:
            disagreements.append((r["record_id"], want, got[r["record_id"]]))
    assert found > 100
    assert not disagreements, f"{len(disagreements)} disagreements, e.g. {disagreements[:3]}"


def test_chunked_parallel_run_equals_the_serial_run(bulk: tuple, records: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Large runs read their distinct keys from DuckDB a chunk at a time and evaluate the chunks in
    forked workers; the records are the serial run's, value for value, avoidable harm included."""
    import iiu.bulk.audit as A

    res, _, _ = bulk
    monkeypatch.setenv("IIU_BULK_WORKERS", "2")
    monkeypatch.setattr(E, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(E, "MAX_CHUNK", 700)  # many chunks, several bases split between them
    monkeypatch.setattr(E, "MEMO_LIMIT", 300)  # memos that forget often
    con = connect()
    state = evaluate_file(con, records, today=TODAY, show_progress=False, alternatives=False)
    assert state.counts["stage1_keys"] > 5 * 700
    cols = ", ".join(COLUMNS)
    chunked = {r[0]: dict(zip(COLUMNS, r[1:], strict=True))
               for r in con.execute(f"SELECT record_id, {cols} FROM results").fetchall()}
    assert chunked == res

    _, sample = _sample(records, tmp_path)
    out = {}
    for threshold in (10**9, 0):
        monkeypatch.setattr(A, "ALT_PARALLEL_THRESHOLD", threshold)
        con = connect()
        evaluate_file(con, sample, today=TODAY, show_progress=False, alternatives=True)
        out[threshold] = con.execute("SELECT record_id, alternative, alternative_removes FROM results ORDER BY line").fetchall()
    assert sum(r[1] is not None for r in out[0]) > 100
    assert out[0] == out[10**9]
