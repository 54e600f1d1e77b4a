"""``iiu audit RECORDS --out DIR`` (DESIGN §5.3): the office audit, end to end."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from iiu.bulk import engine as E
from iiu.bulk.avoidable import best_alternative
from iiu.bulk.columns import CONSEQUENCE_COLUMNS, FINDING_COLUMNS
from iiu.bulk.load import Loaded, load
from iiu.bulk.mapping import apply_mapping, identity, load_mapping
from iiu.law.federal.record import Priors

OUT_COLUMNS = (
    "record_id", "person_id", "case_id", "line", "jurisdiction", "offense", "offense_title", "offense_class", "subsection",
    "inchoate", "disposition", "disposition_date", "offense_date", "custody_days", "suspended_custody_days", "probation_days",
    "sentence_known",
    *E.FINDINGS6, "petty_offense_exception", *CONSEQUENCE_COLUMNS, "any_consequence", "alternative", "alternative_removes",
    "court", "race", "ethnicity", "sex", "birth_year", "charge_description",
)
ALT_PARALLEL_THRESHOLD = 5000  # distinct keys from which the avoidable-harm search runs in worker processes


def connect(workdir: Path | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")  # our own bars (rich) report the long steps
    if workdir is not None:
        con.execute(f"SET temp_directory = '{str(workdir).replace(chr(39), chr(39) * 2)}'")
    # DuckDB spills to ``workdir`` past this; the rest of the machine is left to the Python side.
    memory_limit = memory_limit or os.environ.get("IIU_BULK_MEMORY", "3GB")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def prepare(con: duckdb.DuckDBPyConnection, records: Path, mapping: str | None) -> Loaded:
    loaded = load(con, records)
    if mapping:
        apply_mapping(con, load_mapping(mapping), loaded.columns)
    else:
        identity(con, loaded.columns)
    return loaded


def evaluate_file(con: duckdb.DuckDBPyConnection, records: Path, *, mapping: str | None = None, today: dt.date | None = None,
                  show_progress: bool | None = None, alternatives: bool = True) -> E.BulkState:
    """Import, validate and evaluate: tables ``results`` (+ ``any_consequence``, ``alternative``) and ``rejected``."""
    loaded = prepare(con, records, mapping)
    return evaluate_rec(con, today=today, show_progress=show_progress, alternatives=alternatives, reader_rejects=loaded.rejects)


def evaluate_rec(con: duckdb.DuckDBPyConnection, *, today: dt.date | None, show_progress: bool | None, alternatives: bool,
                 reader_rejects: list[tuple[int, str, str]] | None = None) -> E.BulkState:
    """Table ``rec`` (§5.3 columns, ``line``, ``map_error``) -> ``results`` and ``rejected``."""
    state = E.run(con, today, show_progress=show_progress, reader_rejects=reader_rejects or [])
    state.counts["input_rows"] = int(con.execute("SELECT count(*) FROM rec").fetchone()[0]) + len(reader_rejects or [])  # type: ignore[index]
    t0 = time.perf_counter()
    # Sentences the records do not give: those people are evaluated again with each at the longest lawful
    # sentence, and their safer alternatives are searched in that pass only.
    n_people = E.people_with_unknown_sentences(con)
    _consequence_and_alternatives(con, state, alternatives, bool(show_progress), skip_people=bool(n_people))
    state.timings["alternatives"] = time.perf_counter() - t0
    if n_people:
        t0 = time.perf_counter()
        con.execute("ALTER TABLE results RENAME TO __results_least")
        with E.set_aside(con, E.PASS_TABLES):  # the first pass's tables stay those of the whole run
            most = E.evaluate_most(con, state, show_progress=show_progress)
            _consequence_and_alternatives(con, most, alternatives, bool(show_progress))
            E.combine_bounds(con, "__results_least")
        con.execute(f"CREATE OR REPLACE TABLE results AS SELECT * REPLACE (({_HARM_ANY}) AS any_consequence) FROM results")
        state.timings["unknown_sentences"] = time.perf_counter() - t0
        state.counts["unknown_sentence_people"] = n_people
    return state


_HARM_ANY = " OR ".join(f"{c} <> 'no'" for c in CONSEQUENCE_COLUMNS)


def _consequence_and_alternatives(con: duckdb.DuckDBPyConnection, state: E.BulkState, alternatives: bool,
                                  show_progress: bool, skip_people: bool = False) -> None:
    con.execute(f"CREATE OR REPLACE TABLE results AS SELECT *, ({_HARM_ANY}) AS any_consequence FROM results")
    _avoidable(con, state, enabled=alternatives, show_progress=show_progress, skip_people=skip_people)


def _alt_chunk(arg: tuple[list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
    """Avoidable harm for a run of distinct (stage-1 key, stage-2 key, priors with real day totals);
    runs in a forked worker. A row: ``ak``, the key's ``KEY_COLUMNS``, the priors (``PRIOR_FIELDS``)."""
    (rows,) = arg
    state: E.BulkState = E._SHARED["state"]
    out: dict[str, list[Any]] = {"ak": [], "alternative": [], "alternative_removes": []}
    nk = len(E.KEY_COLUMNS)
    for row in rows:
        ak, key_row, sums = row[0], dict(zip(("kh", *E.KEY_COLUMNS), row[1:nk + 2], strict=True)), tuple(row[nk + 2:])
        priors = Priors(**dict(zip(E.PRIOR_FIELDS, sums, strict=True)))
        key = state.key(key_row["kh"], key_row)

        def answers_of(s1: Any, sums: tuple[int, ...] = sums) -> Any:
            return state.answers(state.fid_of(s1.findings), E.canonical_priors(s1.findings, sums))

        alt = best_alternative(key.request, key.stage1, priors, answers_of)
        if alt is not None:
            out["ak"].append(ak)
            out["alternative"].append(f"{alt['kind']}: {alt['summary']}")
            out["alternative_removes"].append(", ".join(alt["removes"]))
    return out


def _avoidable(con: duckdb.DuckDBPyConnection, state: E.BulkState, *, enabled: bool, show_progress: bool,
               skip_people: bool = False) -> None:
    """Table ``__alt`` and ``results.alternative``: the safer alternative of each conviction with a consequence,
    searched once per distinct key. ``skip_people``: not for ``__unknown_people`` (their second pass searches)."""
    table = E.Appender(con, "__alt", {"ak": pa.uint64(), "alternative": pa.string(), "alternative_removes": pa.string()})
    if enabled:
        # Real day totals, not the canonical ones: the candidates change the record's own term
        # (``engine.evaluate_records``).
        pcols = ", ".join(f"p.raw_{c}" if c in ("term_total", "custody_total") else f"p.p_{c}" for c in E.PRIOR_FIELDS)
        kcols = ", ".join(f"k.{E._q(c)}" for c in E.KEY_COLUMNS)
        con.execute("""CREATE OR REPLACE TEMP TABLE __ak AS
                       SELECT r.line, hash(r.kh, r.s2, p.raw_term_total, p.raw_custody_total) AS ak
                       FROM results r JOIN pri p USING (line) WHERE r.any_consequence AND r.conviction <> 'no'"""
                    + (" AND r.person_id NOT IN (SELECT person_id FROM __unknown_people)" if skip_people else ""))
        # One row per distinct key, in the order of the keys' columns: a worker's chunk holds one
        # key's histories together and neighbouring keys of one offense, whose candidates (the same
        # pleas and sentences) the engine's memos then analyse once.
        order = ", ".join(f"{E._q(c)} NULLS FIRST" for c in E.KEY_COLUMNS)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE __akeys AS
                        SELECT *, row_number() OVER (ORDER BY {order}, kh, ak) - 1 AS rn FROM (
                            SELECT DISTINCT a.ak, r.kh, {kcols}, {pcols}
                            FROM __ak a JOIN results r USING (line) JOIN pri p USING (line) JOIN keys k ON k.kh = r.kh)
                        ORDER BY rn""")
        n_rows = E.scalar(con, "SELECT count(*) FROM __akeys")
        E._SHARED["state"] = state
        n_chunks, chunks = E.numbered_chunks(con, "SELECT * EXCLUDE (rn) FROM __akeys", n_rows,
                                             max(1, E.chunk_size(n_rows) // 2))
        for part in E.progress(E._map(_alt_chunk, chunks, parallel=n_rows >= ALT_PARALLEL_THRESHOLD), n_chunks,
                               "safer alternatives (distinct keys)", show_progress):
            table.append(part)
        state.counts["alternative_keys"] = n_rows
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE __ak AS SELECT NULL::BIGINT AS line, NULL::UBIGINT AS ak LIMIT 0")
    con.execute("CREATE OR REPLACE TABLE results AS SELECT r.*, a.alternative, a.alternative_removes "
                "FROM results r LEFT JOIN __ak k USING (line) LEFT JOIN __alt a ON a.ak = k.ak")


def _counts(con: duckdb.DuckDBPyConnection, col: str) -> dict[str, int]:
    got = dict(con.execute(f"SELECT {col}, count(*) FROM results GROUP BY 1").fetchall())
    return {k: int(got.get(k, 0)) for k in ("yes", "depends", "no")}


def summary(con: duckdb.DuckDBPyConnection, state: E.BulkState, *, source: str, mapping: str | None, engine: str) -> dict[str, Any]:
    one = lambda q: int(con.execute(q).fetchone()[0] or 0)  # noqa: E731
    accepted = one("SELECT count(*) FROM results")
    rejected = one("SELECT count(*) FROM rejected")
    reasons = con.execute("""
        SELECT coalesce(field, 'row'), count(*) FROM rejected GROUP BY 1 ORDER BY 2 DESC, 1
    """).fetchall()
    return {
        "source": source,
        "mapping": mapping,
        "engine": engine,
        "today": state.today.isoformat(),
        "records": accepted + rejected,
        "accepted": accepted,
        "rejected": rejected,
        "convictions": one("SELECT count(*) FROM results WHERE conviction = 'yes'"),
        "possible_convictions": one("SELECT count(*) FROM results WHERE conviction = 'depends'"),
        "records_with_consequence": one(
            "SELECT count(*) FROM results WHERE " + " OR ".join(f"{c} = 'yes'" for c in CONSEQUENCE_COLUMNS)),
        "records_with_possible_consequence": one("SELECT count(*) FROM results WHERE any_consequence"),
        "people": one("SELECT count(DISTINCT person_id) FROM results"),
        "conviction": _counts(con, "conviction"),
        "findings": {c: _counts(con, c) for c in (*FINDING_COLUMNS, "petty_offense_exception")},
        "consequences": {c: _counts(con, c) for c in CONSEQUENCE_COLUMNS},
        "state_lenient_immigration_harmful": one(
            "SELECT count(*) FROM results WHERE disposition = 'deferred_adjudication' AND conviction <> 'no' AND any_consequence"),
        "deferred_adjudication_convictions": one(
            "SELECT count(*) FROM results WHERE disposition = 'deferred_adjudication' AND conviction <> 'no'"),
        "avoidable": one("SELECT count(*) FROM results WHERE alternative IS NOT NULL"),
        "sentence_not_given": one("SELECT count(*) FROM results WHERE NOT sentence_known"),
        "rejected_by_field": {k: int(v) for k, v in reasons},
        "note": "Counts are of charge-level records. 'records_with_consequence' counts records with at least one "
                "consequence answered 'yes'; 'records_with_possible_consequence' also counts 'depends'. Not legal advice.",
    }


def write_outputs(con: duckdb.DuckDBPyConnection, out: Path, *, write_csv: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cols = ", ".join(OUT_COLUMNS)
    q = f"SELECT {cols} FROM results ORDER BY line"
    p = lambda name: str(out / name).replace("'", "''")  # noqa: E731
    con.execute(f"COPY ({q}) TO '{p('records.parquet')}' (FORMAT parquet)")
    if write_csv:
        con.execute(f"COPY ({q}) TO '{p('records.csv')}' (FORMAT csv, HEADER true)")
    con.execute(f"COPY (SELECT line, record_id, person_id, field, reason FROM rejected ORDER BY line, reason) "
                f"TO '{p('rejected.csv')}' (FORMAT csv, HEADER true)")


def audit(records: Path, out: Path, *, mapping: str | None = None, write_csv: bool = False, today: dt.date | None = None,
          engine: str = "duckdb", alternatives: bool = True, show_progress: bool | None = None, report: bool = True,
          memory_limit: str | None = None) -> dict[str, Any]:
    """Run the audit and write ``summary.json``, ``records.parquet`` (+ ``.csv``), ``rejected.csv``, ``report.html``."""
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    if engine == "spark":
        from iiu.bulk.spark import audit_spark

        return audit_spark(records, out, mapping=mapping, write_csv=write_csv, today=today, report=report,
                           alternatives=alternatives)
    if engine != "duckdb":
        raise ValueError(f"unknown engine {engine!r}: duckdb or spark")
    work = Path(tempfile.mkdtemp(prefix="iiu-audit-"))
    try:
        con = connect(work, memory_limit)
        if show_progress:
            con.execute("SET enable_progress_bar = true")
        state = evaluate_file(con, records, mapping=mapping, today=today, show_progress=show_progress,
                              alternatives=alternatives)
        t0 = time.perf_counter()
        write_outputs(con, out, write_csv=write_csv)
        summ = summary(con, state, source=records.name, mapping=mapping, engine=engine)
        (out / "summary.json").write_text(json.dumps(summ, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        if report:
            from iiu.reports.audit import render_audit_report, report_data

            html = render_audit_report(report_data(con, summ))
            (out / "report.html").write_text(html, encoding="utf-8")
        state.timings["write"] = time.perf_counter() - t0
        summ["_timings"] = state.timings
        summ["_counts"] = state.counts
        con.close()
        return summ
    finally:
        shutil.rmtree(work, ignore_errors=True)
