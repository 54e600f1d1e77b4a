"""A synthetic office (DESIGN §5.4 ``iiu demo``): seeded, deterministic records in the §5.3 format.

The offenses are the NY, CA and IL catalogs' own entries (their citations and parts); the
sentences stay within each offense's maximum on every date it can be drawn for; the facts
(substance, grams, loss, victim, weapon) are drawn where the catalog's grounds turn on them.
People have one to ten records, some with the same offense date (one scheme). Every value is
a hash of (seed, row, column), computed in DuckDB, so millions of rows take seconds and the
same arguments always give the same file.

``bad_fraction`` corrupts that share of rows in one of several ways (missing field, bad
date, unknown citation, negative days, non-numeric days, sentence over the maximum, unknown
disposition, offense after disposition, unknown jurisdiction, duplicate id) and records
which rows were corrupted in ``bad_kind`` when ``with_truth`` is set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from iiu.engine.sentence import possible_sentence
from iiu.law.catalog import get_catalog
from iiu.law.schema import Offense

JURISDICTIONS = ("NY", "CA", "IL")
START = dt.date(2000, 1, 1)
END = dt.date(2025, 12, 31)
# Sentences as offices impose them: mostly none or short, a few at the lines that matter (180, 364/365 days).
MENU = [(0, 0)] * 24 + [(1, 0)] * 6 + [(5, 0), (10, 0)] + [(30, 0)] * 4 + [(60, 0)] + [(90, 0)] * 3 + [
    (180, 0), (180, 0), (181, 0), (364, 0), (364, 0), (365, 0), (365, 0), (0, 365), (730, 0), (730, 0), (1095, 0), (1095, 0),
    (1825, 0), (2555, 0), (3650, 0)]
PROBATION = [0, 0, 0, 0, 365, 365, 730, 1095, 1825]
DISPOSITIONS = {
    "guilty_plea": 45, "dismissed": 28, "trial_conviction": 2, "acquitted": 1, "declined": 3, "charged": 2,
    "deferred_adjudication": 6, "pre_plea_diversion": 5, "acd": 6, "youthful_offender": 1, "nolo_contendere_plea": 1,
}
SUBSTANCES = ["cocaine", "cocaine", "heroin", "heroin", "fentanyl", "methamphetamine", "marijuana", "cocaine_base",
              "chorionic_gonadotropin"]
GRAMS = [2, 10, 28, 30, 31, 60, 250]
LOSS = [150, 900, 2500, 10000, 10001, 25000]
RELATION = ["spouse", "stranger", "stranger", "dating", "acquaintance", "household"]
WEAPON = ["firearm", "knife", "none", "handgun"]
VICTIM_AGE = [12, 15, 16, 17, 25, 40]
COURTS = {
    "NY": ["Kings County Criminal Court", "Kings County Supreme Court", "Queens County Criminal Court", "Bronx County Criminal Court",
           "New York County Supreme Court"],
    "CA": ["Los Angeles Superior Court", "San Francisco Superior Court", "Alameda County Superior Court", "San Diego Superior Court"],
    "IL": ["Cook County Circuit Court - 26th Street", "Cook County Circuit Court - Skokie", "Cook County Circuit Court - Markham",
           "Cook County Circuit Court - Maywood"],
}
RACES = [("Black", 30), ("White", 38), ("Asian", 6), ("American Indian or Alaska Native", 1), ("Other", 3), (None, 2)]
SEXES = [("Male", 78), ("Female", 21), (None, 1)]
# How ten consecutive rows split into people: part index for each position.
PATTERNS = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4], [0, 0, 0, 1, 1, 1, 2, 2, 2, 3],
    [0, 1, 1, 2, 2, 2, 3, 3, 3, 3], [0, 0, 0, 0, 0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 4, 4, 4, 4, 4],
    [0, 0, 1, 2, 3, 4, 5, 6, 7, 7], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 7, 7, 7],
    [0, 1, 2, 3, 4, 5, 6, 6, 7, 7],
]
BAD_KINDS = ("missing_field", "bad_date", "unknown_citation", "negative_days", "non_numeric_days", "over_maximum",
             "unknown_disposition", "offense_after_disposition", "unknown_jurisdiction", "duplicate_record_id")
# The charges an urban office sees most (by citation), most common first; the rest of each
# catalog forms a long tail.
COMMON = {
    "NY": ["PL 155.25", "PL 120.00", "PL 220.03", "VTL 1192", "PL 165.40", "PL 140.10", "PL 221.10", "PL 145.00", "PL 265.01",
           "PL 215.50", "VTL 511", "PL 205.30", "PL 155.30", "PL 120.05", "PL 160.10", "PL 140.20", "PL 220.39", "PL 170.20"],
    "CA": ["HS 11350", "PC 484", "HS 11377", "PC 273.5", "VC 23152", "PC 459", "PC 242", "PC 245", "VC 14601", "HS 11357",
           "PC 166", "PC 148", "PC 496", "PC 594", "PC 488", "PC 211", "HS 11364", "PC 12020"],
    "IL": ["720 ILCS 570/402", "625 ILCS 5/6-303", "720 ILCS 5/24-1.6", "625 ILCS 5/11-501", "720 ILCS 5/16-25",
           "720 ILCS 5/19-1", "720 ILCS 5/12-3", "720 ILCS 5/12-3.2", "720 ILCS 5/12-3.05", "720 ILCS 550/4",
           "720 ILCS 5/16-1", "720 ILCS 5/21-1", "720 ILCS 5/31-1", "720 ILCS 5/18-2", "720 ILCS 5/19-3", "720 ILCS 570/401"],
}
WEIGHT_WORDS = {"possession": 4, "theft": 3, "larceny": 3, "assault": 3, "battery": 3, "driving": 3, "intoxicated": 3,
                "controlled": 3, "weapon": 2, "firearm": 2, "burglary": 2, "robbery": 2, "trespass": 2, "shoplifting": 3,
                "retail": 3, "marijuana": 2, "cannabis": 2, "fraud": 1, "forgery": 1}


def _dims(o: Offense) -> set[str]:
    out: set[str] = set()
    matches = [o.cimt, o.controlled_substance, o.firearm, o.crime_of_violence, *o.aggravated_felony.values()]
    for m in (o.domestic_violence, o.marijuana_personal_use):
        if m is not None:
            matches.append(m)
    stack = list(matches)
    while stack:
        m = stack.pop()
        for dim, table in m.dimensions().items():
            out.add(dim)
            stack.extend(table.values())
        stack.extend(m.periods)
    return out


def _max_days(code: str, o: Offense, start: dt.date, inchoate: str | None) -> int | None:
    jur = get_catalog(code).jurisdiction
    worst: int | None = None
    life = True
    # check_sentence reads the maximum without the inchoate reduction: keep within both.
    for inch in (inchoate, None):
        d = start
        while d <= END:
            ps = possible_sentence(jur, o, d, inch, None)
            if ps.max_days is not None:
                life = False
                worst = ps.max_days if worst is None else min(worst, ps.max_days)
            d = dt.date(d.year + 1, 1, 1)
    return None if life else worst


def templates(first: dt.date = START) -> list[dict[str, Any]]:
    """Charge templates, most common first; a template's weight falls with its rank (a few offenses make
    most of an office's caseload)."""
    out: list[dict[str, Any]] = []
    for code in JURISDICTIONS:
        try:
            cat = get_catalog(code)
        except Exception:  # noqa: BLE001 - a catalog being edited must not break the demo
            continue
        for o in cat.offenses:
            if o.inchoate_of:
                continue
            start = max(first, o.effective_from + dt.timedelta(days=400))
            end = END if o.effective_to is None else min(END, o.effective_to)
            if start >= end:
                continue
            dims = _dims(o)
            title = o.title.lower()
            weight = 1 + sum(w for word, w in WEIGHT_WORDS.items() if word in title)
            cs = o.controlled_substance.result != "no" or "substance" in dims
            for inchoate in (None, "attempt"):
                if inchoate == "attempt" and (o.life or weight < 3):
                    continue
                mx = _max_days(code, o, start, inchoate)
                cust = [(c, s) for c, s in MENU if mx is None or c + s <= mx]
                out.append({
                    "jur": code, "citation": o.citation, "inchoate": inchoate, "start": start, "span": (end - start).days,
                    "max_days": mx, "subs": [None, *o.subsections.keys()], "cust": cust,
                    "drug": cs, "mj": o.marijuana_personal_use is not None or "marijuana" in title or "cannabis" in title,
                    "loss": any(k in o.aggravated_felony for k in ("fraud", "fraud_deceit", "theft", "money_laundering"))
                    or "fraud" in title or "larceny" in title or "theft" in title,
                    "rel": "victim_relationship" in dims or o.crime_of_violence.result != "no",
                    "weapon": "weapon" in dims, "age": "victim_age" in dims,
                    "weight": weight if inchoate is None else 0,
                })
    # The common charges (COMMON) carry most of the caseload, falling with their rank; the rest is a
    # tail weighted lightly by the kind of offense.
    for t in out:
        common = COMMON.get(t["jur"], [])
        if t["inchoate"] is not None:
            t["weight"] = 2
        elif t["citation"] in common:
            t["weight"] = 40 + 400 // (common.index(t["citation"]) + 1)
        else:
            t["weight"] = min(t["weight"], 4)
    return out


def _register(con: duckdb.DuckDBPyConnection, name: str, data: dict[str, list[Any]], types: dict[str, pa.DataType]) -> None:
    t = pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in data.items()})
    con.register(f"{name}_arrow", t)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _lst(values: list[Any]) -> str:
    def one(v: Any) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return str(v)

    return "[" + ", ".join(one(v) for v in values) + "]"


def build(con: duckdb.DuckDBPyConnection, n: int, seed: int = 2021, bad_fraction: float = 0.0,
          with_truth: bool = False, table: str = "demo", start: dt.date = START) -> None:
    """Create table ``table`` with ``n`` synthetic records in the §5.3 format (all VARCHAR)."""
    tps = templates(start)
    if not tps:
        raise RuntimeError("no catalog offenses for NY, CA or IL")
    t_cols: dict[str, list[Any]] = {k: [] for k in ("tid", "jur", "citation", "inchoate", "start", "span", "max_days", "nsub",
                                                    "ncust", "drug", "mj", "loss", "rel", "weapon", "age")}
    slots: dict[str, list[Any]] = {"slot": [], "tid": []}
    subs: dict[str, list[Any]] = {"tid": [], "k": [], "sub": []}
    cust: dict[str, list[Any]] = {"tid": [], "k": [], "custody": [], "suspended": []}
    for tid, t in enumerate(tps):
        for k in ("jur", "citation", "inchoate", "start", "span", "max_days", "drug", "mj", "loss", "rel", "weapon", "age"):
            t_cols[k].append(t[k])
        t_cols["tid"].append(tid)
        t_cols["nsub"].append(2 * len(t["subs"]))
        t_cols["ncust"].append(len(t["cust"]))
        for _ in range(t["weight"]):
            slots["slot"].append(len(slots["slot"]))
            slots["tid"].append(tid)
        for k, s in enumerate([None] * len(t["subs"]) + t["subs"]):  # half the records name no part
            subs["tid"].append(tid)
            subs["k"].append(k)
            subs["sub"].append(s)
        for k, (c, s) in enumerate(t["cust"]):
            cust["tid"].append(tid)
            cust["k"].append(k)
            cust["custody"].append(c)
            cust["suspended"].append(s)
    i64, b = pa.int64(), pa.bool_()
    _register(con, "__tpl", t_cols, {"tid": i64, "start": pa.date32(), "span": i64, "max_days": i64, "nsub": i64, "ncust": i64,
                                     "drug": b, "mj": b, "loss": b, "rel": b, "weapon": b, "age": b})
    _register(con, "__slots", slots, {"slot": i64, "tid": i64})
    _register(con, "__subs", subs, {"tid": i64, "k": i64})
    _register(con, "__cust", cust, {"tid": i64, "k": i64, "custody": i64, "suspended": i64})
    disp: dict[str, list[Any]] = {"jur": [], "slot": [], "disposition": []}
    for code in JURISDICTIONS:
        try:
            rules = get_catalog(code).jurisdiction.dispositions
        except Exception:  # noqa: BLE001
            continue
        slot = 0
        for kind, w in DISPOSITIONS.items():
            rule = rules.get(kind)
            if rule is not None and not rule.exists:
                continue
            if rule is None and kind in ("acd", "youthful_offender", "deferred_adjudication", "pre_plea_diversion"):
                continue
            for _ in range(w):
                disp["jur"].append(code)
                disp["slot"].append(slot)
                disp["disposition"].append(kind)
                slot += 1
    _register(con, "__disp", disp, {"slot": i64})
    con.execute("CREATE OR REPLACE TEMP TABLE __ndisp AS SELECT jur, count(*) AS ndisp FROM __disp GROUP BY jur")
    pat: dict[str, list[Any]] = {"p": [], "pos": [], "part": []}
    for p, parts in enumerate(PATTERNS):
        for pos, part in enumerate(parts):
            pat["p"].append(p)
            pat["pos"].append(pos)
            pat["part"].append(part)
    _register(con, "__pat", pat, {"p": i64, "pos": i64, "part": i64})
    races = [r for r, w in RACES for _ in range(w)]
    sexes = [s for s, w in SEXES for _ in range(w)]
    n_slots = len(slots["slot"])
    s = int(seed)
    h = lambda col: f"CAST(hash(i, {s}, '{col}') % 2147483647 AS BIGINT)"  # noqa: E731 - a tiny SQL helper
    bad_cut = int(round(bad_fraction * 1_000_000))
    courts = {k: _lst(v) for k, v in COURTS.items()}
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE __g AS
        WITH base AS (
            SELECT i, i // 10 AS blk, i % 10 AS pos, {h('t')} % {n_slots} AS slot FROM range({int(n)}) r(i)
        ), b2 AS (
            SELECT base.*, sl.tid, CAST(hash(blk, {s}, 'pattern') % {len(PATTERNS)} AS BIGINT) AS p FROM base JOIN __slots sl USING (slot)
        ), b3 AS (
            SELECT b2.*, pt.part, t.* EXCLUDE (tid), {h('disp')} % nd.ndisp AS dslot
            FROM b2 JOIN __pat pt USING (p, pos) JOIN __tpl t USING (tid) JOIN __ndisp nd ON nd.jur = t.jur
        ), b4 AS (
            SELECT b3.*, d.disposition,
                   b3.start + CAST(({h('date')} % greatest(span, 1)) AS INTEGER) AS ddate,
                   'P' || lpad(CAST(blk * 10 + part AS VARCHAR), 9, '0') AS person_id
            FROM b3 JOIN __disp d ON d.jur = b3.jur AND d.slot = b3.dslot
        )
        SELECT b4.*,
            disposition IN ('guilty_plea', 'trial_conviction', 'deferred_adjudication', 'nolo_contendere_plea', 'alford_plea',
                            'youthful_offender') AS sentenced
        FROM b4
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        WITH g0 AS (
            SELECT *, {h('sub')} % nsub AS subk,
                   CASE WHEN disposition = 'deferred_adjudication' AND {h('da')} % 5 > 0 THEN 0 ELSE {h('cust')} % ncust END AS custk
            FROM __g
        ), g AS (
            SELECT g.*, sb.sub, c.custody, c.suspended,
                   CASE WHEN {h('scheme')} % 10 = 0
                        THEN greatest(start, least(ddate, DATE '2000-01-01' + CAST(hash(person_id, {s}) % 9000 AS INTEGER)))
                        WHEN {h('nood')} % 12 = 0 THEN NULL
                        ELSE greatest(start - 1, ddate - CAST({h('od')} % 400 AS INTEGER)) END AS odate
            FROM g0 g
            JOIN __subs sb ON sb.tid = g.tid AND sb.k = g.subk
            JOIN __cust c ON c.tid = g.tid AND c.k = g.custk
        ), r AS (
            SELECT i, jur, citation, max_days,
                'R' || lpad(CAST(i AS VARCHAR), 10, '0') AS record_id, person_id,
                person_id || '-' || CAST(year(ddate) AS VARCHAR) AS case_id, jur AS jurisdiction, citation AS offense,
                sub AS subsection, disposition, strftime(ddate, '%Y-%m-%d') AS disposition_date,
                strftime(CASE WHEN odate > ddate THEN ddate ELSE odate END, '%Y-%m-%d') AS offense_date,
                CAST(CASE WHEN sentenced THEN custody ELSE 0 END AS VARCHAR) AS custody_days,
                CAST(CASE WHEN sentenced THEN suspended ELSE 0 END AS VARCHAR) AS suspended_custody_days,
                CAST(CASE WHEN sentenced THEN {_lst(PROBATION)}[1 + {h('prob')} % {len(PROBATION)}] ELSE 0 END AS VARCHAR)
                    AS probation_days,
                inchoate,
                CASE WHEN loss AND {h('lossp')} % 3 = 0 THEN CAST({_lst(LOSS)}[1 + {h('loss')} % {len(LOSS)}] AS VARCHAR) END
                    AS loss_usd,
                CASE WHEN mj THEN 'marijuana'
                     WHEN drug AND {h('subp')} % 2 = 0 THEN {_lst(SUBSTANCES)}[1 + {h('subst')} % {len(SUBSTANCES)}] END AS substance,
                CASE WHEN mj AND {h('gp')} % 2 = 0 THEN CAST({_lst(GRAMS)}[1 + {h('grams')} % {len(GRAMS)}] AS VARCHAR) END
                    AS marijuana_grams,
                CASE WHEN rel AND {h('relp')} % 3 = 0 THEN {_lst(RELATION)}[1 + {h('rel')} % {len(RELATION)}] END
                    AS victim_relationship,
                CASE WHEN weapon AND {h('wp')} % 3 = 0 THEN {_lst(WEAPON)}[1 + {h('weapon')} % {len(WEAPON)}] END AS weapon,
                CASE WHEN age AND {h('ap')} % 3 = 0 THEN CAST({_lst(VICTIM_AGE)}[1 + {h('age')} % {len(VICTIM_AGE)}] AS VARCHAR) END
                    AS victim_age,
                CASE jur WHEN 'NY' THEN {courts.get('NY', "['']")}[1 + {h('court')} % {len(COURTS['NY'])}]
                         WHEN 'CA' THEN {courts.get('CA', "['']")}[1 + {h('court')} % {len(COURTS['CA'])}]
                         ELSE {courts.get('IL', "['']")}[1 + {h('court')} % {len(COURTS['IL'])}] END AS court,
                'ADA ' || CAST(1 + {h('ada')} % 40 AS VARCHAR) AS attorney,
                {_lst(races)}[1 + CAST(hash(person_id, {s}, 'race') % 2147483647 AS BIGINT) % {len(races)}] AS race,
                CASE WHEN CAST(hash(person_id, {s}, 'eth') % 2147483647 AS BIGINT) % 10 < 3 THEN 'Hispanic or Latino' ELSE 'Not Hispanic or Latino' END
                    AS ethnicity,
                {_lst(sexes)}[1 + CAST(hash(person_id, {s}, 'sex') % 2147483647 AS BIGINT) % {len(sexes)}] AS sex,
                CAST(1950 + CAST(hash(person_id, {s}, 'by') % 2147483647 AS BIGINT) % 55 AS VARCHAR) AS birth_year,
                NULL::VARCHAR AS charge_description,
                CASE WHEN {h('bad')} % 1000000 < {bad_cut} THEN {h('badkind')} % {len(BAD_KINDS)} END AS bad
            FROM g
        )
        SELECT i,
            CASE WHEN bad = 9 THEN 'R' || lpad(CAST(greatest(i - 1, 0) AS VARCHAR), 10, '0') ELSE record_id END AS record_id,
            person_id, case_id,
            CASE WHEN bad = 8 THEN 'ZZ' ELSE jurisdiction END AS jurisdiction,
            CASE WHEN bad = 2 THEN (CASE jur WHEN 'NY' THEN 'PL 999.99' WHEN 'CA' THEN 'PC 99999' ELSE '720 ILCS 5/99-99' END)
                 WHEN bad = 0 AND {h('mf')} % 2 = 0 THEN NULL ELSE offense END AS offense,
            subsection,
            CASE WHEN bad = 6 THEN 'convicted' ELSE disposition END AS disposition,
            CASE WHEN bad = 0 AND {h('mf')} % 2 = 1 THEN NULL
                 WHEN bad = 1 THEN (CASE WHEN {h('bd')} % 2 = 0 THEN substr(disposition_date, 1, 4) || '-02-30'
                                         ELSE strftime(CAST(disposition_date AS DATE), '%m/%d/%Y') END)
                 ELSE disposition_date END AS disposition_date,
            CASE WHEN bad = 7 THEN strftime(CAST(disposition_date AS DATE) + 30, '%Y-%m-%d') ELSE offense_date END AS offense_date,
            CASE WHEN bad = 3 OR bad = 5 AND max_days IS NULL THEN '-30' WHEN bad = 4 THEN 'ten'
                 WHEN bad = 5 THEN '73000' ELSE custody_days END AS custody_days,
            CASE WHEN bad = 5 THEN '0' ELSE suspended_custody_days END AS suspended_custody_days,
            probation_days, inchoate, loss_usd, substance, marijuana_grams, victim_relationship, weapon, victim_age,
            court, attorney, race, ethnicity, sex, birth_year, charge_description,
            CASE WHEN bad IS NOT NULL THEN {_lst(list(BAD_KINDS))}[1 + bad] END AS bad_kind
        FROM r
    """)
    if bad_cut:
        # A sentence over the maximum is bad only where the guilty disposition keeps it (a dismissal carries none):
        con.execute(f"UPDATE {table} SET disposition = 'guilty_plea' WHERE bad_kind = 'over_maximum'")
    if not with_truth:
        con.execute(f"ALTER TABLE {table} DROP COLUMN bad_kind")


RECORD_COLUMNS = ("record_id", "person_id", "case_id", "jurisdiction", "offense", "subsection", "disposition",
                  "disposition_date", "offense_date", "custody_days", "suspended_custody_days", "probation_days", "inchoate",
                  "loss_usd", "substance", "marijuana_grams", "victim_relationship", "weapon", "victim_age", "court", "attorney",
                  "race", "ethnicity", "sex", "birth_year", "charge_description")


def write(out: Path, n: int, seed: int = 2021, bad_fraction: float = 0.0, with_truth: bool = False,
          start: dt.date = START) -> int:
    """Write the demo office to ``out`` (.csv, .parquet or .xlsx); returns the number of rows."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    build(con, n, seed, bad_fraction, with_truth, start=start)
    cols = ", ".join(RECORD_COLUMNS) + (", bad_kind" if with_truth else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    q = f"SELECT {cols} FROM demo ORDER BY i"
    name = out.name.lower()
    p = str(out).replace("'", "''")
    if name.endswith((".parquet", ".pq")):
        con.execute(f"COPY ({q}) TO '{p}' (FORMAT parquet)")
    elif name.endswith(".xlsx"):
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("records")
        cur = con.execute(q)
        ws.append([d[0] for d in cur.description])
        for row in cur.fetchall():
            ws.append(list(row))
        wb.save(out)
    else:
        con.execute(f"COPY ({q}) TO '{p}' (FORMAT csv, HEADER true)")
    rows = con.execute("SELECT count(*) FROM demo").fetchone()
    con.close()
    return int(rows[0]) if rows else 0
