"""The bulk path: the single-case engine's rules, applied once per distinct key.

1. Validate rows in SQL (row-level checks: required fields, dates, whole days, numbers,
   duplicate ids); rows that fail are rejected with their line and reason.
2. Compute the distinct stage-1 keys (jurisdiction, offense, subsection, inchoate,
   disposition, disposition-date bucket, custody, suspended custody, facts) in DuckDB and
   evaluate each once with ``parse_request`` + ``check_sentence`` + ``stage1`` — the engine's
   own functions. A key the engine refuses (unknown citation, a sentence over the maximum, ...)
   rejects its rows with the engine's message. The offense date is checked against the
   statute's life once per (offense, offense-date bucket) with ``parse_request`` too.
3. Join back and sum each record's ``Priors`` with window functions over the same person's
   other records with a disposition date on or before this one's (``contribution()`` per
   record; ``cimt_yes_same_date`` over those with the same non-null offense date). As in
   ``iiu analyze``, an earlier record is analysed with the later record's law date; only the
   aggravated-felony rules read that date (``dates.af_law_boundaries``), and no rule counts
   earlier aggravated felonies, so a record's contribution is the same under either date.
4. Evaluate ``consequences()`` once per distinct (findings, priors), under the law at the
   disposition date and today's, merged by the engine's ``merge_current_law`` as ``iiu
   analyze`` does, and join back.

Sharing is exact by construction and checked by the bulk/single-case equivalence test:
dates become their bucket's representative (``iiu.bulk.dates``); stage 2 sees findings
reduced to their results (``canonical``) and priors with counts capped and day totals
bucketed at the rules' thresholds (``_canonical_total``). Stage 1 and stage 2 run in forked
worker processes (``IIU_BULK_WORKERS``, default: the CPU count, at most 4) on large runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import multiprocessing as mp
import os
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from iiu.bulk import dates as D
from iiu.bulk.columns import DAYS, NUMBERS, REQUIRED, RESULT_COLUMNS
from iiu.bulk.load import _q
from iiu.engine.errors import RequestError
from iiu.engine.evaluate import CONSEQUENCES, Stage1, consequences, remember, set_cache_limit, stage1
from iiu.engine.request import UNKNOWN, Request, parse_request
from iiu.engine.unknown_sentence import Bound, at_bound
from iiu.law.answer import Answer
from iiu.law.federal import parameters as P
from iiu.law.federal.record import Priors, RecordFindings, contribution
from iiu.law.tri import NO

PRIOR_FIELDS = tuple(f.name for f in fields(Priors))
CONTRIB_FIELDS = tuple(k for k in PRIOR_FIELDS if k != "cimt_yes_same_date")
KEY_COLUMNS = ("jurisdiction", "offense", "subsection", "inchoate", "disposition", "d_rep", "custody_days",
               "suspended_custody_days",
               "sentence_missing", "sentence_unknown", "loss_usd", "substance", "marijuana_grams", "victim_relationship", "weapon",
               "victim_age", "offense_level")
BASE_COLUMNS = tuple(c for c in KEY_COLUMNS if c not in ("custody_days", "suspended_custody_days"))
STAGE2_RESULTS = ("petty_offense_exception", *CONSEQUENCES)
FINDINGS6 = ("conviction", "aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence")

T = TypeVar("T")


PARALLEL_THRESHOLD = 20_000  # distinct keys from which a stage runs in worker processes
MAX_CHUNK = 10_000  # distinct keys per chunk of work at most (memory stays bounded on any run)
MEMO_LIMIT = 20_000  # entries per memo of a bulk worker (``BulkState.fid_of``, ``BulkState.answers``, the engine's)
COUNT_CAP = 4  # the rules count earlier records up to three (DACA's three misdemeanors)


@lru_cache(maxsize=1)
def _day_thresholds() -> tuple[int, ...]:
    """Every number the rules can compare a number of days with, and the number after it: the
    federal parameters' integer values (any period) and every integer written in the federal
    rules and the engine (a superset: more thresholds only cost sharing, never exactness)."""
    out = {0}
    for p in P.all_parameters().values():
        for per in p.periods:
            if isinstance(per.value, int) and not isinstance(per.value, bool):
                out |= {per.value, per.value + 1}
    for pkg in ("iiu.law.federal", "iiu.engine"):
        for f in resources.files(pkg).iterdir():
            if f.name.endswith(".py"):
                for n in re.findall(r"(?<![\w.])(\d+)(?![\w.])", f.read_text(encoding="utf-8")):
                    v = int(n)
                    if 0 < v <= 100_000:
                        out |= {v, v + 1}
    return tuple(sorted(out))


def _rep_days(v: int) -> int:
    t = _day_thresholds()
    return t[bisect.bisect_right(t, v) - 1]


def canonical_total(own: int, total: int) -> int:
    """``_canonical_total`` for one record in Python: the total that puts ``_rep_days(own) + total``
    between the same thresholds as ``own + total``."""
    t = _day_thresholds()
    return max(0, t[bisect.bisect_right(t, own + total) - 1] - _rep_days(own))


_TERM, _CUSTODY = PRIOR_FIELDS.index("term_total"), PRIOR_FIELDS.index("custody_total")


def canonical_priors(f: RecordFindings, sums: tuple[int, ...]) -> tuple[int, ...]:
    """Priors (``PRIOR_FIELDS`` order, real day totals) made canonical for a record with findings
    ``f``: its day totals as ``canonical_total`` of ``f``'s own term and custody. A safer alternative
    has its own term, so the avoidable-harm search makes the priors canonical per candidate; candidates
    of different records then share stage-2 evaluations (``BulkState.answers``)."""
    out = list(sums)
    out[_TERM] = canonical_total(f.term_days, sums[_TERM])
    out[_CUSTODY] = canonical_total(f.custody_days, sums[_CUSTODY])
    return tuple(out)


def _canonical_total(own: str, own_canon: str, total: str) -> str:
    """SQL: a ``term_total``/``custody_total`` that keeps every comparison the rules make.

    The rules read these sums only as ``own + total >= threshold`` (aggregate sentences of five
    years; 180 days of confinement), and the record's own days only against thresholds, so the
    canonical findings carry ``own_canon`` = the threshold at or below ``own``. With ``L`` the
    threshold at or below ``own + total``, the total ``max(0, L - own_canon)`` puts
    ``own_canon + total`` between the same thresholds as ``own + total``. The bulk/single-case
    equivalence test checks it."""
    x = f"({own} + {total})"
    cases = " ".join(f"WHEN {x} >= {t} THEN {t}" for t in reversed(_day_thresholds()))
    return f"greatest(0, (CASE {cases} ELSE 0 END) - {own_canon})"


def progress(chunks: Iterable[T], total: int, label: str, enabled: bool) -> Iterator[T]:
    """A progress bar (rich) over a stage's ``total`` chunks, when asked for and there are several."""
    if not enabled or total < 2:
        yield from chunks
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, console=None) as bar:
        task = bar.add_task(label, total=total)
        for done, chunk in enumerate(chunks, 1):
            yield chunk
            bar.update(task, completed=done)


@dataclass
class KeyResult:
    request: Request
    stage1: Stage1


_ANSWER_FIELDS = tuple(f.name for f in fields(RecordFindings) if f.type in ("Answer", Answer))


_FINDING_FIELDS = tuple(f.name for f in fields(RecordFindings))


def canonical_tuple(f: RecordFindings, today: dt.date) -> tuple[Any, ...]:
    """``canonical(f)`` as a tuple of plain values (cheap to hash and to send between processes)."""
    bounds = D.general_boundaries(today)
    out: list[Any] = []
    for name in _FINDING_FIELDS:
        v = getattr(f, name)
        if name in _ANSWER_FIELDS:
            v = v.result
        elif name in ("disposition_date", "law_as_of"):
            v = D.representative(v, bounds)
        elif name == "offense_date":
            v = None
        elif name in ("term_days", "custody_days"):
            v = _rep_days(v)
        out.append(v)
    return tuple(out)


def from_canonical_tuple(t: tuple[Any, ...]) -> RecordFindings:
    kw = dict(zip(_FINDING_FIELDS, t, strict=True))
    for name in _ANSWER_FIELDS:
        kw[name] = Answer(kw[name])
    return RecordFindings(**kw)


def canonical(f: RecordFindings, today: dt.date) -> RecordFindings:
    """The findings with each answer reduced to its result (no prose, grounds or sources).

    Stage 2 decides its results from the findings' results, dates and numbers; the prose only
    travels into its explanations, which the bulk path does not output. Records whose findings
    differ only in prose (another offense with the same answers) then share one stage-2
    evaluation. Its dates are read only by the federal rules (parameters and dates in the
    engine), so they are replaced by their bucket among those dates alone, and the offense date,
    read only with an admission date, is dropped; its days (term, custody) are compared only with
    thresholds, so they become the threshold at or below them (``_day_thresholds``). The
    bulk/single-case equivalence test checks this."""
    bounds = D.general_boundaries(today)
    return replace(f, term_days=_rep_days(f.term_days), custody_days=_rep_days(f.custody_days),
                   disposition_date=D.representative(f.disposition_date, bounds),
                   law_as_of=D.representative(f.law_as_of, bounds), offense_date=None,
                   **{k: Answer(getattr(f, k).result) for k in _ANSWER_FIELDS})


@dataclass
class BulkState:
    """What a bulk run keeps in memory: one entry per distinct key, never per record."""

    today: dt.date
    bound: Bound = "least"  # where a sentence the record does not give is read (``iiu.engine.unknown_sentence``)
    _keys: dict[int, KeyResult] = field(default_factory=dict)
    findings: list[RecordFindings] = field(default_factory=list)
    stage1s: list[Stage1] = field(default_factory=list)  # by findings id
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    fids: dict[tuple[Any, ...], int] = field(default_factory=dict)  # ``canonical_tuple`` -> findings id
    _fid_by_object: dict[int, tuple[RecordFindings, int]] = field(default_factory=dict)
    _answers: dict[tuple[int, tuple[int, ...]], dict[str, Answer]] = field(default_factory=dict)

    def fid(self, canon: tuple[Any, ...], pclass: str = "") -> int:
        """The findings id of a ``canonical_tuple`` (a new id the first time)."""
        fid = self.fids.setdefault(canon, len(self.fids))
        if fid == len(self.findings):
            f = from_canonical_tuple(canon)
            self.findings.append(f)
            self.stage1s.append(Stage1(f, pclass, ()))
        return fid

    def fid_of(self, f: RecordFindings) -> int:
        """The findings id of stage-1 findings (memoised on the object, which is kept alive)."""
        hit = self._fid_by_object.get(id(f))
        if hit is not None and hit[0] is f:
            return hit[1]
        fid = self.fid(canonical_tuple(f, self.today))
        remember(self._fid_by_object, id(f), (f, fid), MEMO_LIMIT)
        return fid

    def answers(self, fid: int, priors: tuple[int, ...]) -> dict[str, Answer]:
        """``consequences(findings[fid], Priors(*priors))`` (``priors`` in ``PRIOR_FIELDS`` order),
        memoised on the ids (no hashing of findings)."""
        key = (fid, priors)
        hit = self._answers.get(key)
        if hit is None:
            hit = remember(self._answers, key, consequences(self.findings[fid], Priors(*priors), None), MEMO_LIMIT)
        return hit

    def key(self, kh: int, row: dict[str, Any]) -> KeyResult:
        """The request and stage 1 of an accepted key, from its columns (``KEY_COLUMNS``)."""
        hit = self._keys.get(kh)
        if hit is None:
            req = key_request(row, self.today, self.bound)
            hit = remember(self._keys, kh, KeyResult(req, stage1(req)), MEMO_LIMIT)
        return hit


# --- 1. row validation ----------------------------------------------------------------------------


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def validate(con: duckdb.DuckDBPyConnection, src: str = "rec", *, duplicates: bool = True) -> None:
    """``rec`` -> ``typed`` (every row, typed, with ``reason``/``field`` of the first failure)."""
    iso = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$"
    days_ok = r"^[+]?[0-9]+(\.0*)?$"
    neg = r"^-[0-9]+(\.[0-9]*)?$"
    has_map_field = "map_field" in {r[0] for r in con.execute(f"DESCRIBE {src}").fetchall()}
    map_field = ("CASE WHEN map_error LIKE 'duplicate record_id%' THEN 'record_id' "
                 "WHEN map_error LIKE 'missing field %' THEN regexp_extract(map_error, '^missing field ([a-z_]+)', 1) "
                 f"ELSE {'coalesce(map_field, ' + chr(39) * 2 + ')' if has_map_field else chr(39) * 2} END")
    checks: list[tuple[str, str, str]] = [("map_error IS NOT NULL", "map_error", map_field)]
    for c in REQUIRED:
        checks.append((f"{_q(c)} IS NULL", _lit(f"missing field {c}"), _lit(c)))
    for c in ("disposition_date", "offense_date"):
        checks.append((f"{_q(c)} IS NOT NULL AND NOT regexp_matches({_q(c)}, {_lit(iso)})",
                       f"'{c} must be a date written YYYY-MM-DD, got ' || {_q(c)}", _lit(c)))
        checks.append((f"{_q(c)} IS NOT NULL AND TRY_CAST(substr({_q(c)}, 1, 10) AS DATE) IS NULL",
                       f"'{c} is not a real calendar date: ' || {_q(c)}", _lit(c)))
    for c in DAYS:
        checks.append((f"{_q(c)} IS NOT NULL AND regexp_matches({_q(c)}, {_lit(neg)})", _lit(f"{c} cannot be negative"), _lit(c)))
        # "unknown": the record does not give the sentence (``iiu.engine.unknown_sentence``).
        checks.append((f"{_q(c)} IS NOT NULL AND NOT regexp_matches({_q(c)}, {_lit(days_ok)}) AND lower({_q(c)}) <> {_lit(UNKNOWN)}",
                       f"'{c} must be a whole number of days, got ' || {_q(c)}", _lit(c)))
        checks.append((f"{_q(c)} IS NOT NULL AND TRY_CAST(TRY_CAST({_q(c)} AS DOUBLE) AS BIGINT) > 73000",
                       f"'{c} is impossibly long (' || {_q(c)} || ' days)'", _lit(c)))
    for c in NUMBERS:
        checks.append((f"{_q(c)} IS NOT NULL AND TRY_CAST({_q(c)} AS DOUBLE) IS NULL",
                       f"'{c} must be a number, got ' || {_q(c)}", _lit(c)))
        checks.append((f"{_q(c)} IS NOT NULL AND (TRY_CAST({_q(c)} AS DOUBLE) < 0 OR isnan(TRY_CAST({_q(c)} AS DOUBLE)))",
                       _lit(f"{c} must be a non-negative number"), _lit(c)))
    checks.append(("TRY_CAST(substr(offense_date, 1, 10) AS DATE) > TRY_CAST(substr(disposition_date, 1, 10) AS DATE)",
                   _lit("offense_date is after disposition_date"), _lit("offense_date")))
    for c in ("disposition_date", "offense_date"):
        checks.append((f"TRY_CAST(substr({c}, 1, 10) AS DATE) < DATE '1900-01-01'", _lit(f"{c} is before 1900"), _lit(c)))
    reason = "CASE " + " ".join(f"WHEN {w} THEN {r}" for w, r, _f in checks) + " END"
    fld = "CASE " + " ".join(f"WHEN {w} THEN {f}" for w, _r, f in checks) + " END"
    days = ", ".join(f"CAST(TRY_CAST({_q(c)} AS DOUBLE) AS BIGINT) AS {c}_n" for c in DAYS)
    nums = ", ".join(f"TRY_CAST({_q(c)} AS DOUBLE) AS {c}_n" for c in NUMBERS)
    con.execute(f"""
        CREATE OR REPLACE TABLE typed AS
        SELECT *, {reason} AS reason, {fld} AS field,
               TRY_CAST(substr(disposition_date, 1, 10) AS DATE) AS dd,
               TRY_CAST(substr(offense_date, 1, 10) AS DATE) AS od,
               {days}, {nums},
               coalesce(lower(custody_days) = {_lit(UNKNOWN)} OR lower(suspended_custody_days) = {_lit(UNKNOWN)}, false)
                   AS sentence_unknown,
               coalesce(lower(probation_days) = {_lit(UNKNOWN)}, false) AS probation_unknown
        FROM {src}
    """)
    if duplicates:
        dedupe(con)


def dedupe(con: duckdb.DuckDBPyConnection) -> None:
    """Repeated record ids: of the rows that pass the row checks, one is kept and the others are
    rejected, naming it. Which one is the mapping's ``duplicates`` rule (column ``dup_rule``):
    ``first``, the first row; ``longest_term``, the row with the longest term of imprisonment
    (``DUPLICATE_ORDER``)."""
    cols = {r[0] for r in con.execute("DESCRIBE typed").fetchall()}
    rule = "dup_rule" if "dup_rule" in cols else "'first'"
    order = DUPLICATE_ORDER.format(rule=rule)
    w = f"PARTITION BY record_id, reason IS NULL ORDER BY {order}"
    con.execute(f"""
        CREATE OR REPLACE TABLE typed AS
        SELECT * EXCLUDE (__dup, __kept) REPLACE (
            CASE WHEN reason IS NULL AND __dup > 1 THEN
                CASE WHEN {rule} = 'longest_term'
                     THEN {_lit(KEPT_LONGEST[0])} || __kept || {_lit(KEPT_LONGEST[1])}
                     ELSE {_lit(KEPT_FIRST[0])} || __kept || {_lit(KEPT_FIRST[1])} END
                ELSE reason END AS reason,
            CASE WHEN reason IS NULL AND __dup > 1 THEN 'record_id' ELSE field END AS field)
        FROM (
            SELECT *, row_number() OVER ({w}) AS __dup, first_value(line) OVER ({w}) AS __kept
            FROM typed
        )
    """)


# The rejection of a repeated record id, around the kept row's line (also the Spark engine's, ``bulk.spark``).
KEPT_FIRST = ("duplicate record_id (first at line ", ")")
KEPT_LONGEST = ("duplicate record_id (line ", " of the same record is kept: the longest term of imprisonment)")

# The order in which the rows of one record id are kept (the first is). ``longest_term`` serves exports
# that list one charge's sentence on several rows (Cook County: a probation later revoked for prison, two
# prison terms): the longest term of imprisonment (custody + suspended, INA 101(a)(48)(B)) is analysed,
# a sentence the row does not give first (answered for every lawful term). A longer term never removes a
# consequence (tests/test_properties.py), so no row's consequence is lost; and a later reduction of a
# sentence may not count in immigration law (Matter of Thomas and Thompson, 27 I&N Dec. 674 (A.G. 2019)).
DUPLICATE_ORDER = ("CASE WHEN {rule} = 'longest_term' THEN (CASE WHEN sentence_unknown THEN 0 ELSE 1 END) END, "
                   "CASE WHEN {rule} = 'longest_term' THEN -(coalesce(custody_days_n, 0) + coalesce(suspended_custody_days_n, 0)) END, "
                   "line")


# --- 2. stage-1 keys ------------------------------------------------------------------------------


def _date_reps(con: duckdb.DuckDBPyConnection, today: dt.date) -> None:
    """``entry_map`` (jurisdiction, offense -> catalog entry) and ``bounds`` (entry, boundary): the
    date buckets of each entry (``iiu.bulk.dates``)."""
    from iiu.law.catalog import get_catalog, resolve

    pairs = con.execute("SELECT DISTINCT jurisdiction, offense FROM typed WHERE reason IS NULL").fetchall()
    entries: dict[tuple[str, str], int] = {}
    em: dict[str, list[Any]] = {"jurisdiction": [], "offense": [], "entry": []}
    bd: dict[str, list[Any]] = {"entry": [], "b": []}
    for jur, off in sorted(pairs):
        try:
            code = get_catalog(jur).code
            entry, _ = resolve(code, off)
            ek = (code, entry.citation)
            bounds = D.boundaries_for(code, entry, today) if ek not in entries else ()
        except Exception:  # noqa: BLE001 - unknown citation or jurisdiction: the key check reports it
            ek = ("", "")
            bounds = D.boundaries(today) if ek not in entries else ()
        if ek not in entries:
            entries[ek] = len(entries)
            for b in bounds:
                bd["entry"].append(entries[ek])
                bd["b"].append(b)
        em["jurisdiction"].append(jur)
        em["offense"].append(off)
        em["entry"].append(entries[ek])
    for name, data, types in (("entry_map", em, {"entry": pa.int64()}), ("bounds", bd, {"entry": pa.int64(), "b": pa.date32()})):
        t = pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in data.items()})
        con.register("__t", t)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM __t")
        con.unregister("__t")


def _offense_date_checks(con: duckdb.DuckDBPyConnection, today: dt.date) -> None:
    """The engine's checks of the offense date against the statute's life (``parse_request``: an offense
    before the statute took effect, or after its repeal, is an error), once per distinct
    (jurisdiction, offense, offense-date bucket). Rows that fail move from ``v`` to ``od_rejects``."""
    rows = con.execute("SELECT DISTINCT jurisdiction, offense, o_rep FROM v WHERE o_rep IS NOT NULL ORDER BY ALL").fetchall()
    data: dict[str, list[Any]] = {"jurisdiction": [], "offense": [], "o_rep": [], "error": [], "field": []}
    for jur, off, o_rep in rows:
        try:
            parse_request({"jurisdiction": jur, "offense": off, "disposition": "dismissed", "disposition_date": o_rep.isoformat(),
                           "offense_date": o_rep.isoformat()}, today=today)
            continue
        except RequestError as e:
            if e.field != "offense_date":
                continue
            err = (e.message, e.field)
        for k, v in zip(data, (jur, off, o_rep, *err), strict=True):
            data[k].append(v)
    t = pa.table({k: pa.array(v, pa.date32() if k == "o_rep" else pa.string()) for k, v in data.items()})
    con.register("__od", t)
    con.execute("""CREATE OR REPLACE TABLE od_rejects AS
                   SELECT v.line, replace(o.error, strftime(v.o_rep, '%Y-%m-%d'), strftime(v.od, '%Y-%m-%d')) AS reason,
                          o.field FROM v JOIN __od o USING (jurisdiction, offense, o_rep)""")
    con.execute("DELETE FROM v WHERE line IN (SELECT line FROM od_rejects)")
    con.unregister("__od")


def _request(row: dict[str, Any]) -> dict[str, Any]:
    facts = {k: row[k] for k in ("loss_usd", "substance", "marijuana_grams", "victim_relationship", "weapon", "victim_age")
             if row.get(k) is not None}
    req: dict[str, Any] = {
        "jurisdiction": row["jurisdiction"], "offense": row["offense"], "subsection": row["subsection"],
        "inchoate": row["inchoate"], "disposition": row["disposition"],
        "disposition_date": row["d_rep"].isoformat(),
        # The offense date is checked on its own (``_offense_date_checks``); stage 1 only copies it into
        # the findings, which no rule reads without an admission date (the bulk path has none).
        "offense_date": None,
        "sentence": {k: row[k] for k in DAYS},
        "facts": facts,
    }
    if row.get("offense_level") is not None:
        req["offense_level"] = row["offense_level"]
    return req


def record_request(row: dict[str, Any]) -> dict[str, Any]:
    """The single-case request for one validated §5.3 row (strings as in the file), without history."""
    def num(v: Any) -> Any:
        return None if v in (None, "") else float(v)

    def days(v: Any) -> int | str:
        if isinstance(v, str) and v.strip().lower() == UNKNOWN:
            return UNKNOWN
        return 0 if v in (None, "") else int(float(v))

    facts = {k: row.get(k) for k in ("substance", "victim_relationship", "weapon") if row.get(k) not in (None, "")}
    for k in ("loss_usd", "marijuana_grams", "victim_age"):
        if row.get(k) not in (None, ""):
            facts[k] = num(row[k])
    req: dict[str, Any] = {
        "jurisdiction": row["jurisdiction"], "offense": row["offense"], "subsection": row.get("subsection") or None,
        "inchoate": row.get("inchoate") or None, "disposition": row["disposition"],
        "disposition_date": str(row["disposition_date"])[:10],
        "offense_date": str(row["offense_date"])[:10] if row.get("offense_date") else None,
        "sentence": {k: days(row.get(k)) for k in DAYS},
        "facts": facts,
    }
    if row.get("offense_level"):
        req["offense_level"] = row["offense_level"]
    return req


def evaluate_keys(con: duckdb.DuckDBPyConnection, state: BulkState, *, show_progress: bool = False,
                  only_people: str | None = None) -> None:
    """Distinct stage-1 keys -> ``key_results`` (one row per key) and ``state.keys``.

    ``parse_request`` runs once per key without its sentence; each sentence of that key is then
    checked with the engine's ``check_sentence`` and analysed with ``stage1`` (``parse_request``
    does exactly these two things with a sentence, after the row checks on whole days).
    ``probation_days`` is not part of the key: no rule reads it. A sentence the record does not give
    (``sentence_unknown``) is read at ``state.bound`` (``iiu.engine.unknown_sentence``). ``only_people``:
    a table of the ``person_id``s to evaluate (default: everyone).
    """
    _date_reps(con, state.today)
    con.execute(f"""
        CREATE OR REPLACE TABLE v AS
        SELECT t.line, t.record_id, t.person_id, t.case_id, t.jurisdiction, t.offense, t.subsection, t.inchoate,
               t.disposition, t.dd, t.od, bd.b AS d_rep, bo.b AS o_rep,
               {", ".join(f"coalesce(t.{c}_n, 0) AS {c}" for c in DAYS)},
               -- probation_days "unknown" is not a missing sentence: no rule reads probation
               (t.custody_days_n IS NULL OR t.suspended_custody_days_n IS NULL OR t.probation_days_n IS NULL AND NOT t.probation_unknown)
                   AND NOT t.sentence_unknown AS sentence_missing,
               t.sentence_unknown, t.probation_unknown,
               t.loss_usd_n AS loss_usd, t.substance, t.marijuana_grams_n AS marijuana_grams, t.victim_relationship,
               t.weapon, t.victim_age_n AS victim_age, t.offense_level,
               t.court, t.attorney, t.race, t.ethnicity, t.sex, t.birth_year, t.charge_description
        FROM typed t
        JOIN entry_map em ON em.jurisdiction = t.jurisdiction AND em.offense = t.offense
        ASOF JOIN bounds bd ON bd.entry = em.entry AND t.dd >= bd.b
        ASOF LEFT JOIN bounds bo ON bo.entry = em.entry AND t.od >= bo.b
        WHERE t.reason IS NULL {"AND t.person_id IN (SELECT person_id FROM " + only_people + ")" if only_people else ""}
    """)
    _offense_date_checks(con, state.today)
    keycols = ", ".join(_q(c) for c in KEY_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE keys AS SELECT {keycols}, hash({keycols}) AS kh, count(*) AS n "
                f"FROM v GROUP BY ALL")
    n_keys, n_hash = con.execute("SELECT count(*), count(DISTINCT kh) FROM keys").fetchone() or (0, 0)
    if n_keys != n_hash:  # pragma: no cover - a 64-bit hash collision
        raise RuntimeError("hash collision among stage-1 keys; rerun with fewer distinct keys")
    order = ", ".join(f"{_q(c)} NULLS FIRST" for c in BASE_COLUMNS)
    # Keys in the order stage 1 reads them, numbered by base (the key without its sentence): a chunk is
    # a run of whole bases, so each base is parsed once; chunks are read and written one at a time.
    con.execute(f"""CREATE OR REPLACE TABLE keyq AS
                    SELECT {keycols}, kh, dense_rank() OVER (ORDER BY {order}) - 1 AS base_id FROM keys
                    ORDER BY base_id, custody_days, suspended_custody_days, kh""")
    n_base_ids = scalar(con, "SELECT count(DISTINCT base_id) FROM keyq")
    per = max(1, round(chunk_size(n_keys) * n_base_ids / max(1, n_keys)))
    n_chunks = -(-n_base_ids // per)

    def chunks() -> Iterator[tuple[list[dict[str, Any]], dt.date, Bound]]:
        for i in range(n_chunks):
            part = con.sql(f"SELECT {keycols}, kh FROM keyq WHERE base_id >= {i * per} AND base_id < {(i + 1) * per} "
                           "ORDER BY base_id, custody_days, suspended_custody_days, kh")
            yield part.to_arrow_table().to_pylist(), state.today, state.bound

    cols = ("kh", "error", "error_field", "fid", "fid_now", "citation", "part", "title", "jur", "offense_class", *FINDINGS6,
            *CONTRIB_FIELDS, "own_term", "own_custody", "own_term_c", "own_custody_c")
    schema = {"kh": pa.uint64(), "fid": pa.int64(), "fid_now": pa.int64(), "own_term": pa.int64(),
              "own_custody": pa.int64(), "own_term_c": pa.int64(), "own_custody_c": pa.int64(),
              **{c: pa.int64() for c in CONTRIB_FIELDS}}
    table = Appender(con, "key_results", {c: schema.get(c, pa.string()) for c in cols})
    n_bases = 0
    for part in progress(_map(_stage1_chunk, chunks(), parallel=n_keys >= PARALLEL_THRESHOLD), n_chunks,
                         "stage 1 (distinct keys)", show_progress):
        canon, canon_now, pclass = part.pop("_canon"), part.pop("_canon_now"), part.pop("_pclass")
        n_bases += part.pop("_bases")[0]
        part["fid"] = [None if c is None else state.fid(c, pc) for c, pc in zip(canon, pclass, strict=True)]
        part["fid_now"] = [None if c is None else state.fid(c, pc) for c, pc in zip(canon_now, pclass, strict=True)]
        table.append(part)
    state.counts["stage1_keys"] = n_keys
    state.counts["stage1_parses"] = n_bases
    state.counts["findings"] = len(state.findings)


class Appender:
    """A DuckDB table written a chunk at a time from columns of Python values (created empty first)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str, schema: dict[str, pa.DataType]) -> None:
        self.con, self.name, self.schema = con, name, schema
        self._write({c: [] for c in schema}, f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM __chunk")

    def _write(self, data: dict[str, list[Any]], sql: str) -> None:
        t = pa.table({c: pa.array(data[c], t) for c, t in self.schema.items()})
        self.con.register("__chunk", t)
        try:
            self.con.execute(sql)
        finally:
            self.con.unregister("__chunk")

    def append(self, data: dict[str, list[Any]]) -> None:
        self._write(data, f"INSERT INTO {self.name} SELECT * FROM __chunk")


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """A count (the whole result is fetched: DuckDB keeps a half-read result open on the connection)."""
    rows = con.execute(sql).fetchall()
    return int(rows[0][0] or 0) if rows else 0


def numbered_chunks(con: duckdb.DuckDBPyConnection, select: str, n_rows: int,
                    size: int) -> tuple[int, Iterator[tuple[list[tuple[Any, ...]]]]]:
    """The rows of ``select`` (a table numbered by ``rn`` from 0) a chunk of ``size`` at a time, each
    read only when a worker is ready for it: the number of chunks and the chunks (as 1-tuples)."""
    n_chunks = -(-n_rows // size)

    def chunks() -> Iterator[tuple[list[tuple[Any, ...]]]]:
        for i in range(n_chunks):
            yield (con.execute(f"{select} WHERE rn >= ? AND rn < ? ORDER BY rn", [i * size, (i + 1) * size]).fetchall(),)

    return n_chunks, chunks()


def chunk_size(n: int) -> int:
    """Rows per chunk of distinct keys: about 32 chunks, never more than ``MAX_CHUNK`` rows in one."""
    return min(MAX_CHUNK, max(2000, n // 32))


def _base_request(row: dict[str, Any], today: dt.date) -> Request:
    return parse_request(_request({**row, "custody_days": 0, "suspended_custody_days": 0, "probation_days": 0}), today=today)


def _with_sentence(base: Request, row: dict[str, Any], bound: Bound) -> Request:
    """A key's request with its sentence: the key's days, or an unknown sentence at ``bound``."""
    if row["sentence_unknown"]:
        return at_bound(replace(base, sentence_known=False), bound)
    return base.with_changes(custody_days=row["custody_days"], suspended_custody_days=row["suspended_custody_days"])


def key_request(row: dict[str, Any], today: dt.date, bound: Bound = "least") -> Request:
    """The engine's request for one stage-1 key (as ``_stage1_chunk`` builds it)."""
    return _with_sentence(_base_request(row, today), row, bound)


def _stage1_chunk(arg: tuple[list[dict[str, Any]], dt.date, Bound]) -> dict[str, list[Any]]:
    """Stage 1 for a run of keys: plain Python, so it can run in a worker process."""
    from iiu.engine.sentence import check_sentence

    rows, today, bound = arg
    out: dict[str, list[Any]] = {k: [] for k in (
        "kh", "error", "error_field", "citation", "part", "title", "jur", "offense_class", *FINDINGS6, *CONTRIB_FIELDS,
        "own_term", "own_custody", "own_term_c", "own_custody_c", "_canon",
        "_canon_now", "_pclass")}
    base_key: tuple[Any, ...] | None = None
    base: Request | RequestError | None = None
    n_bases = 0
    for row in rows:
        out["kh"].append(row["kh"])
        bk = tuple(row[c] for c in BASE_COLUMNS)
        if bk != base_key:
            base_key = bk
            n_bases += 1
            try:
                base = _base_request(row, today)
            except RequestError as e:
                base = e
            except Exception as e:  # noqa: BLE001 - one key the engine cannot handle must not stop the run
                base = RequestError(f"the engine could not analyse this record ({type(e).__name__}: {e})", "engine")
        err: tuple[str, str] | None = None
        if isinstance(base, RequestError):
            err = (base.message, base.field)
        else:
            assert base is not None
            req = _with_sentence(base, row, bound)
            try:
                check_sentence(req)
            except RequestError as e:
                err = (e.message, e.field)
        if err is None:
            s1 = stage1(req)
            f = s1.findings
            if row["sentence_missing"] and f.conviction.result != NO:
                err = ("the sentence (custody_days, suspended_custody_days, probation_days) is missing for a disposition "
                       "that is or may be a conviction; write 0 where none was ordered, or unknown where the record does not give it",
                       "custody_days")
        if err is not None:
            out["error"].append(err[0])
            out["error_field"].append(err[1])
            for c in out:
                if c not in ("kh", "error", "error_field"):
                    out[c].append(None)
            continue
        # The same record under today's law (iiu analyze merges the two: engine.analyze.merge_current_law).
        if D.af_bucket(req.law_as_of) == D.af_bucket(today):
            # Stage 1 reads the law date only through the aggravated-felony parameters (dates.af_law_boundaries):
            # in the same bucket, today's findings are these with today's date.
            s1n = Stage1(replace(f, law_as_of=today), s1.possible_offense_class, s1.max_sources)
        else:
            s1n = stage1(req.with_changes(law_as_of=today))
        out["_canon"].append(canonical_tuple(f, today))
        out["_canon_now"].append(canonical_tuple(s1n.findings, today))
        out["_pclass"].append(s1.possible_offense_class)
        out["own_term"].append(f.term_days)
        out["own_custody"].append(f.custody_days)
        out["own_term_c"].append(_rep_days(f.term_days))
        out["own_custody_c"].append(_rep_days(f.custody_days))
        out["error"].append(None)
        out["error_field"].append(None)
        out["citation"].append(req.offense.citation)
        out["part"].append(req.subsection)
        out["title"].append(req.offense.title)
        out["jur"].append(req.catalog.code)
        out["offense_class"].append(s1.possible_offense_class)
        for c in FINDINGS6:
            out[c].append(getattr(f, c).result)
        contrib = contribution(f)
        for c in CONTRIB_FIELDS:
            out[c].append(contrib[c])
    out["_bases"] = [n_bases]
    return out


_SHARED: dict[str, Any] = {}  # what forked workers inherit (stage-2 findings)


def workers() -> int:
    env = os.environ.get("IIU_BULK_WORKERS")
    if env and env.isdigit():
        return max(1, int(env))
    return max(1, min(4, os.cpu_count() or 1))


def _map(func: Any, args: Iterable[Any], *, parallel: bool) -> Iterator[Any]:
    """``map`` over forked worker processes (fork: the catalogs and caches are inherited), in order.

    At most two chunks per worker are in flight: the chunks are read from DuckDB as the workers
    take them, so neither they nor their results pile up in memory on runs of any size."""
    n = workers()
    if n <= 1 or not parallel or "fork" not in mp.get_all_start_methods():
        yield from map(func, args)
        return
    # The parent's objects (catalogs, stage-1 findings) are shared with the workers copy-on-write; the
    # cyclic collector in a worker would write to every one of them and so copy them all: freeze them.
    gc.freeze()
    try:
        # An entry of the engine's memos holds a whole analysis (kilobytes): bounded in each worker.
        with mp.get_context("fork").Pool(n, initializer=set_cache_limit, initargs=(MEMO_LIMIT,)) as pool:
            pending: deque[Any] = deque()
            for a in args:
                pending.append(pool.apply_async(func, (a,)))
                if len(pending) >= 2 * n:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        gc.unfreeze()


# --- 3. priors and 4. stage 2 ---------------------------------------------------------------------


def _stage2_chunk(arg: tuple[list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
    """Stage 2 for a run of (findings, priors) keys; the findings come from ``_SHARED`` (inherited by fork)."""
    from iiu.engine.analyze import merge_current_law

    (rows,) = arg
    stage1s: list[Stage1] = _SHARED["stage1s"]
    today: dt.date = _SHARED["today"]
    res: dict[str, list[Any]] = {"s2": [], **{c: [] for c in (*FINDINGS6, *STAGE2_RESULTS)},
                                 **{f"now_{c}": [] for c in (*FINDINGS6, *STAGE2_RESULTS)}}
    for row in rows:
        s2, fid, fid_now = row[0], row[1], row[2]
        priors = Priors(**dict(zip(PRIOR_FIELDS, row[3:], strict=True)))
        s1, s1n = stage1s[fid], stage1s[fid_now]
        answers = consequences(s1.findings, priors, None)
        answers_now = consequences(s1n.findings, priors, None)
        s1m, merged = merge_current_law(s1, answers, s1n, answers_now, today)
        res["s2"].append(s2)
        for prefix, st1, ans in (("", s1m, merged), ("now_", s1n, answers_now)):
            for c in FINDINGS6:
                res[prefix + c].append(getattr(st1.findings, c).result)
            for c in STAGE2_RESULTS:
                res[prefix + c].append(ans[c].result)
    return res


def evaluate_records(con: duckdb.DuckDBPyConnection, state: BulkState, *, show_progress: bool = False) -> None:
    """``v`` + ``key_results`` -> ``results`` (one row per accepted record) and key rejections in ``typed``."""
    keycols = ", ".join(_q(c) for c in KEY_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE vk AS SELECT v.*, hash({keycols}) AS kh FROM v")
    # Rows whose key the engine refused are rejected with the engine's message.
    con.execute("""
        CREATE OR REPLACE TABLE key_rejects AS
        SELECT vk.line,
               -- the engine saw the date's bucket representative: name the record's own dates
               replace(replace(replace(kr.error,
                   'in force on ' || strftime(vk.d_rep, '%Y-%m-%d'), 'in force on ' || strftime(vk.dd, '%Y-%m-%d')),
                   'disposition date ' || strftime(vk.d_rep, '%Y-%m-%d'), 'disposition date ' || strftime(vk.dd, '%Y-%m-%d')),
                   'offense date ' || coalesce(strftime(vk.o_rep, '%Y-%m-%d'), '?'), 'offense date ' || coalesce(strftime(vk.od, '%Y-%m-%d'), '?'))
               AS reason,
               kr.error_field AS field FROM vk JOIN key_results kr USING (kh)
        WHERE kr.error IS NOT NULL
        UNION ALL SELECT line, reason, field FROM od_rejects
    """)
    w = "OVER (PARTITION BY person_id ORDER BY dd RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    sums = [f"(sum(kr.{c}) {w} - kr.{c})::BIGINT AS r_{c}" for c in CONTRIB_FIELDS]
    same = ("CASE WHEN vk.od IS NULL THEN 0 ELSE sum(kr.cimt_yes) OVER (PARTITION BY person_id, od ORDER BY dd "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - kr.cimt_yes END")
    con.execute(f"""
        CREATE OR REPLACE TABLE pri AS
        SELECT vk.line, vk.kh, kr.fid, kr.fid_now, kr.own_term, kr.own_custody, kr.own_term_c, kr.own_custody_c,
               {", ".join(sums)},
               ({same})::BIGINT AS r_cimt_yes_same_date
        FROM vk JOIN key_results kr USING (kh)
        WHERE kr.error IS NULL
    """)
    # Canonical priors: counts capped where no rule counts further, totals by threshold; the
    # CIMTs split into those on other dates and those on the same offense date before capping.
    cap = COUNT_CAP
    canon = []
    for c in PRIOR_FIELDS:
        if c == "cimt_yes":
            canon.append(f"least(r_cimt_yes - r_cimt_yes_same_date, {cap}) + least(r_cimt_yes_same_date, {cap}) AS p_cimt_yes")
        elif c == "term_total":
            canon.append(f"{_canonical_total('own_term', 'own_term_c', 'r_term_total')} AS p_term_total")
        elif c == "custody_total":
            canon.append(f"{_canonical_total('own_custody', 'own_custody_c', 'r_custody_total')} AS p_custody_total")
        else:
            canon.append(f"least(r_{c}, {cap}) AS p_{c}")
    # The real day totals are kept beside the canonical ones: a safer alternative changes the record's
    # own term, and the canonical totals keep the rules' comparisons for the record's own term only.
    con.execute(f"""CREATE OR REPLACE TABLE pri AS SELECT line, kh, fid, fid_now, {", ".join(canon)},
                    r_term_total AS raw_term_total, r_custody_total AS raw_custody_total FROM pri""")
    pcols = ", ".join(f"p_{c}" for c in PRIOR_FIELDS)
    con.execute(f"CREATE OR REPLACE TABLE pri AS SELECT *, hash(fid, fid_now, {pcols}) AS s2 FROM pri")
    con.execute(f"""CREATE OR REPLACE TABLE s2keys AS
                    SELECT *, row_number() OVER (ORDER BY s2) - 1 AS rn
                    FROM (SELECT DISTINCT s2, fid, fid_now, {pcols} FROM pri) ORDER BY rn""")
    n_rows = scalar(con, "SELECT count(*) FROM s2keys")
    _SHARED["stage1s"] = state.stage1s
    _SHARED["today"] = state.today
    n_chunks, chunks = numbered_chunks(con, f"SELECT s2, fid, fid_now, {pcols} FROM s2keys", n_rows,
                                       chunk_size(n_rows))
    names = (*FINDINGS6, *STAGE2_RESULTS)
    table = Appender(con, "s2_results", {"s2": pa.uint64(), **{c: pa.string() for c in names},
                                         **{f"now_{c}": pa.string() for c in names}})
    for part in progress(_map(_stage2_chunk, chunks, parallel=n_rows >= PARALLEL_THRESHOLD), n_chunks,
                         "stage 2 (distinct findings and priors)", show_progress):
        table.append(part)
    n_distinct = scalar(con, "SELECT count(DISTINCT s2) FROM s2_results")
    if n_distinct != n_rows:  # pragma: no cover - a 64-bit hash collision
        raise RuntimeError("hash collision among stage-2 keys")
    state.counts["stage2_keys"] = n_rows
    findings = ", ".join(f"s.{c}" for c in FINDINGS6)
    stage2 = ", ".join(f"s.{c}" for c in STAGE2_RESULTS)
    now = ", ".join(f"s.now_{c}" for c in (*FINDINGS6, *STAGE2_RESULTS))
    con.execute(f"""
        CREATE OR REPLACE TABLE results AS
        SELECT vk.line, vk.record_id, vk.person_id, vk.case_id, kr.jur AS jurisdiction, kr.citation AS offense,
               kr.title AS offense_title, kr.offense_class, kr.part AS subsection, vk.inchoate, vk.disposition,
               vk.dd AS disposition_date, vk.od AS offense_date,
               CASE WHEN NOT vk.sentence_unknown THEN vk.custody_days END AS custody_days,
               CASE WHEN NOT vk.sentence_unknown THEN vk.suspended_custody_days END AS suspended_custody_days,
               CASE WHEN NOT vk.probation_unknown THEN vk.probation_days END AS probation_days,
               NOT vk.sentence_unknown AS sentence_known, {findings}, {stage2}, {now},
               vk.court, vk.attorney, vk.race, vk.ethnicity, vk.sex, vk.birth_year, vk.charge_description,
               vk.kh, pri.s2
        FROM vk JOIN key_results kr USING (kh) JOIN pri USING (line) JOIN s2_results s USING (s2)
    """)


def rejected_table(con: duckdb.DuckDBPyConnection, reader_rejects: list[tuple[int, str, str]]) -> None:
    t = pa.table({"line": pa.array([r[0] for r in reader_rejects], pa.int64()),
                  "reason": pa.array([r[1] for r in reader_rejects], pa.string()),
                  "raw": pa.array([r[2] for r in reader_rejects], pa.string())})
    con.register("__rr", t)
    con.execute("""
        CREATE OR REPLACE TABLE rejected AS
        SELECT line, record_id, person_id, field, reason FROM (
            SELECT line, record_id, person_id, field, reason FROM typed WHERE reason IS NOT NULL
            UNION ALL
            SELECT t.line, t.record_id, t.person_id, k.field, k.reason FROM key_rejects k JOIN typed t USING (line)
            UNION ALL
            SELECT line, NULL, NULL, NULL, reason || ': ' || raw FROM __rr
        )
    """)
    con.unregister("__rr")


def run(con: duckdb.DuckDBPyConnection, today: dt.date | None = None, *, show_progress: bool | None = None,
        reader_rejects: list[tuple[int, str, str]] | None = None) -> BulkState:
    """``rec`` (mapped rows) -> tables ``results`` and ``rejected``."""
    import time

    if show_progress is None:
        show_progress = sys.stderr.isatty()
    state = BulkState(today=today or dt.date.today())
    t0 = time.perf_counter()
    validate(con)
    t1 = time.perf_counter()
    evaluate_keys(con, state, show_progress=show_progress)
    t2 = time.perf_counter()
    evaluate_records(con, state, show_progress=show_progress)
    t3 = time.perf_counter()
    rejected_table(con, reader_rejects or [])
    state.timings.update({"validate": t1 - t0, "stage1": t2 - t1, "stage2": t3 - t2})
    return state


RESULTS = RESULT_COLUMNS


# --- 5. sentences the records do not give ---------------------------------------------------------


PASS_TABLES = ("v", "vk", "keys", "keyq", "key_results", "key_rejects", "od_rejects", "pri", "s2keys", "s2_results")


@contextmanager
def set_aside(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> Iterator[None]:
    """Tables renamed out of the way for the block (which may create its own of the same names, dropped
    at the end) and put back after it."""
    for t in tables:
        con.execute(f"ALTER TABLE {t} RENAME TO __aside_{t}")
    try:
        yield
    finally:
        for t in tables:
            con.execute(f"DROP TABLE IF EXISTS {t}")
            con.execute(f"ALTER TABLE __aside_{t} RENAME TO {t}")


def people_with_unknown_sentences(con: duckdb.DuckDBPyConnection) -> int:
    """``__unknown_people``: the people with a record whose sentence is not given (their later
    records' priors depend on it too); their number."""
    con.execute("CREATE OR REPLACE TABLE __unknown_people AS SELECT DISTINCT person_id FROM v WHERE sentence_unknown")
    return scalar(con, "SELECT count(*) FROM __unknown_people")


def evaluate_most(con: duckdb.DuckDBPyConnection, least: BulkState, *, show_progress: bool = False) -> BulkState:
    """Stages 1 and 2 again for ``__unknown_people``, every unknown sentence at the longest lawful one
    (the first pass read them as none): tables ``results`` etc. for those people's records."""
    state = BulkState(today=least.today, bound="most")
    evaluate_keys(con, state, show_progress=show_progress, only_people="__unknown_people")
    evaluate_records(con, state, show_progress=show_progress)
    return state


def combine_bounds(con: duckdb.DuckDBPyConnection, least: str) -> None:
    """``results`` := the first pass's rows (table ``least``), each result of the people evaluated again
    kept where both passes agree and 'depends' where they differ (``engine.unknown_sentence.combine``:
    the rules only ever count a longer sentence against a person, so the two ends bound every lawful
    sentence). Their safer alternatives are the second pass's (judged at the longest sentence)."""
    cols = (*FINDINGS6, *STAGE2_RESULTS, *(f"now_{c}" for c in (*FINDINGS6, *STAGE2_RESULTS)))
    repl = [f"CASE WHEN m.line IS NULL OR l.{c} = m.{c} THEN l.{c} ELSE 'depends' END AS {c}" for c in cols]
    repl += [f"CASE WHEN m.line IS NULL THEN l.{c} ELSE m.{c} END AS {c}" for c in ("alternative", "alternative_removes")]
    con.execute(f"CREATE OR REPLACE TABLE results AS SELECT l.* REPLACE ({', '.join(repl)}) "
                f"FROM {least} l LEFT JOIN results m USING (line) ORDER BY l.line")
    con.execute(f"DROP TABLE {least}")
