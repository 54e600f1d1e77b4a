"""``iiu review RECORDS --out DIR``: the post-conviction review queue (DESIGN §5.4).

Every accepted record that is a conviction (``yes`` or ``depends``) with at least one
consequence that is not ``no`` enters the queue. Its priority adds up, and ``reasons`` says
each part in words:

- severity: the engine's harm weights (``iiu.engine.alternatives.WEIGHT``) over the record's
  answers (a ``yes`` counts twice a ``depends``);
- a state post-conviction vehicle that can remove the conviction for immigration purposes,
  in force for this conviction (the catalog's ``post_conviction_vehicles``): +15 when its
  immigration effect is ``yes``, +8 when it ``depends``, half that when the time limit its
  conditions state ("within 2 years ...") has passed but the text names an exception; a
  vehicle whose stated limit has passed without exception is not offered;
- Padilla v. Kentucky: a plea after 2010-03-31, or an earlier one where the state applies
  Padilla retroactively (the catalog's ``padilla_retroactive``): +5;
- today's law: where the law as of today (the engine's ``as_of``) answers ``no`` for a
  consequence that the law at the disposition date answered ``yes``/``depends``: +10;
- age: one point a year since the disposition, up to 10 (longer-lived harm, older pleas
  less likely to have had advice).

``--drafts DIR`` writes a draft joint motion or stipulation per entry (DOCX) from an
editable template (``iiu/reports/templates/audit_motion.txt.j2`` or ``--template FILE``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from iiu.bulk.audit import connect, evaluate_file
from iiu.bulk.columns import CONSEQUENCE_COLUMNS, FINDING_COLUMNS
from iiu.engine.alternatives import WEIGHT
from iiu.law.catalog import get_catalog
from iiu.law.schema import Jurisdiction, Vehicle

PADILLA = dt.date(2010, 3, 31)  # Padilla v. Kentucky, 559 U.S. 356 (2010), decided 2010-03-31
QUEUE_COLUMNS = ("record_id", "person_id", "priority", "consequences", "vehicle", "reasons")
SCORED = ("conviction", *FINDING_COLUMNS, *CONSEQUENCE_COLUMNS)


def _in_force(v: Vehicle, on: dt.date) -> bool:
    return (v.effective_from is None or v.effective_from <= on) and (v.effective_to is None or on <= v.effective_to)


_DEADLINE = re.compile(r"within\s+(\d+|one|two|three|six)\s+(day|month|year)s?", re.IGNORECASE)
_WORDS = {"one": 1, "two": 2, "three": 3, "six": 6}


def deadline_days(conditions: str) -> int | None:
    """The longest time limit the catalog's conditions text states ("within 2 years ..."), in days."""
    best: int | None = None
    for n, unit in _DEADLINE.findall(conditions):
        k = int(n) if n.isdigit() else _WORDS[n.lower()]
        days = k * {"day": 1, "month": 30, "year": 365}[unit.lower()]
        best = days if best is None else max(best, days)
    return best


def vehicle_status(v: Vehicle, conviction_date: dt.date, today: dt.date) -> str | None:
    """'open', 'late' (the stated limit has passed but the text names an exception) or None (closed)."""
    limit = deadline_days(v.conditions)
    if limit is None or (today - conviction_date).days <= limit:
        return "open"
    text = v.conditions.lower()
    if "unless" in text or "at any time" in text or "longer if" in text or "not culpably" in text:
        return "late"
    return None


def best_vehicle(jur: Jurisdiction, conviction_date: dt.date, today: dt.date | None = None) -> tuple[Vehicle, str] | None:
    today = today or dt.date.today()
    rank = {"yes": 0, "depends": 1}
    usable = []
    for v in jur.post_conviction_vehicles:
        if v.immigration_effective not in rank or not _in_force(v, conviction_date):
            continue
        st = vehicle_status(v, conviction_date, today)
        if st is not None:
            usable.append((0 if st == "open" else 1, rank[v.immigration_effective], v, st))
    if not usable:
        return None
    best = min(usable, key=lambda t: (t[0], t[1]))
    return best[2], best[3]


def _padilla(jur: Jurisdiction, on: dt.date) -> tuple[bool, str]:
    if on >= PADILLA:
        return True, "plea after Padilla v. Kentucky (2010-03-31): a claim of missing or wrong immigration advice is open"
    fact = jur.padilla_retroactive
    if fact is not None and fact.result == "yes":
        return True, f"{jur.code} applies Padilla to earlier pleas ({'; '.join(fact.sources[:1])})"
    if fact is not None and fact.result == "depends":
        return False, f"whether {jur.code} applies Padilla to pleas before 2010-03-31 depends: {fact.why[:160]}"
    return False, f"{jur.code} does not apply Padilla to pleas before 2010-03-31; affirmative misadvice claims may remain"


def queue_rows(con: duckdb.DuckDBPyConnection, today: dt.date) -> list[dict[str, Any]]:
    cols = ", ".join(SCORED)
    now = ", ".join(f"now_{c}" for c in (*FINDING_COLUMNS, *CONSEQUENCE_COLUMNS))
    cur = con.execute(f"""
        SELECT record_id, person_id, jurisdiction, offense, offense_title, disposition, disposition_date, custody_days,
               suspended_custody_days, {cols}, {now}, alternative, court
        FROM results WHERE conviction <> 'no' AND any_consequence ORDER BY line
    """)
    names = [d[0] for d in cur.description]
    out: list[dict[str, Any]] = []
    for raw in cur.fetchall():
        r = dict(zip(names, raw, strict=True))
        jur = get_catalog(r["jurisdiction"]).jurisdiction
        on: dt.date = r["disposition_date"]
        reasons: list[str] = []
        severity = sum(WEIGHT[c] * {"yes": 2, "depends": 1}.get(r[c], 0) for c in SCORED)
        reasons.append(f"severity {severity}")
        priority = severity
        found = best_vehicle(jur, on, today)
        v = found[0] if found else None
        if found is not None:
            v, status = found
            bonus = (15 if v.immigration_effective == "yes" else 8) // (1 if status == "open" else 2)
            priority += bonus
            late = "; its stated time limit has passed, so an exception must apply" if status == "late" else ""
            reasons.append(f"+{bonus} vehicle {v.citation} ({v.name}; immigration effect {v.immigration_effective}{late}): "
                           f"{v.conditions}")
        else:
            reasons.append(f"no {jur.code} post-conviction vehicle with immigration effect is listed for this conviction")
        ok, why = _padilla(jur, on)
        if ok:
            priority += 5
            reasons.append("+5 " + why)
        else:
            reasons.append(why)
        cured = [c for c in CONSEQUENCE_COLUMNS if r[c] != "no" and r[f"now_{c}"] == "no"]
        if cured:
            priority += 10
            reasons.append("+10 under today's law (" + today.isoformat() + ") no longer: " + ", ".join(cured))
        years = max(0, (today - on).days // 365)
        age = min(years, 10)
        if age:
            priority += age
            reasons.append(f"+{age} conviction {years} years old")
        if r.get("alternative"):
            reasons.append("a safer disposition existed: " + r["alternative"])
        cons = "; ".join(c if r[c] == "yes" else f"{c} (depends)" for c in CONSEQUENCE_COLUMNS if r[c] != "no")
        out.append({
            "record_id": r["record_id"], "person_id": r["person_id"], "priority": priority, "consequences": cons,
            "vehicle": f"{v.citation} — {v.name}" if v else "", "reasons": " | ".join(reasons),
            "_record": r, "_vehicle": v,
        })
    out.sort(key=lambda x: (-x["priority"], x["record_id"]))
    return out


def review(records: Path, out: Path, *, mapping: str | None = None, today: dt.date | None = None,
           drafts: Path | None = None, template: Path | None = None, limit: int | None = None,
           show_progress: bool | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    work = Path(tempfile.mkdtemp(prefix="iiu-review-"))
    try:
        con = connect(work)
        state = evaluate_file(con, records, mapping=mapping, today=today, show_progress=show_progress, alternatives=True)
        rows = queue_rows(con, today)
        out.mkdir(parents=True, exist_ok=True)
        t = pa.table({c: pa.array([r[c] for r in rows], pa.int64() if c == "priority" else pa.string()) for c in QUEUE_COLUMNS})
        con.register("__q", t)
        p = str(out / "queue.csv").replace("'", "''")
        con.execute(f"COPY (SELECT * FROM __q) TO '{p}' (FORMAT csv, HEADER true)")
        con.execute(f"COPY (SELECT line, record_id, person_id, field, reason FROM rejected ORDER BY line, reason) "
                    f"TO '{str(out / 'rejected.csv').replace(chr(39), chr(39) * 2)}' (FORMAT csv, HEADER true)")
        n_drafts = 0
        if drafts is not None:
            from iiu.reports.audit_motion import write_drafts

            n_drafts = write_drafts(rows[:limit] if limit else rows, drafts, template=template, today=today,
                                    show_progress=sys.stderr.isatty() if show_progress is None else show_progress)
        rejected = int(con.execute("SELECT count(*) FROM rejected").fetchone()[0])  # type: ignore[index]
        con.close()
        return {"records": state.counts.get("input_rows", 0), "queue": len(rows), "rejected": rejected, "drafts": n_drafts}
    finally:
        shutil.rmtree(work, ignore_errors=True)
