"""The office audit report (``report.html``): self-contained HTML, charts as inline SVG.

``report.html`` is the file meant for publication; the other outputs of ``iiu audit``
(``records.*``, ``rejected.csv``, ``summary.json``) are record-level or unsuppressed and stay
in the office. No count from 1 to 9 can be read from the report, directly or by subtraction:

- a table whose rows partition the records (by year, court, disposition, offense, race, kind of
  alternative, rejection field) is *pooled* (``pool``): a row is shown only if each of its counts,
  and each difference between two of them (records less convictions, ...), is 0 or at least 10;
  the other rows are added up into one "combined" row, which must pass the same test (the
  smallest shown rows join it until it does, or the table is withheld). Nothing is hidden inside
  a shown row, so no total, margin, other column or row order gives a hidden count back;
- a row of cells adding up to a shown total (the findings matrix) with a count from 1 to 9 is hidden
  whole (``suppress``);
- counts in the text are shown only if 0 or at least 10 (``small``);
- a rate or ratio is computed on shown counts only.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

import duckdb
import jinja2

from iiu.bulk.columns import CONSEQUENCE_COLUMNS, FINDING_COLUMNS
from iiu.rendering import template_environment

MIN_CELL = 10
RACE_GROUP = """CASE
    WHEN lower(coalesce(ethnicity, '')) LIKE '%hispanic%' AND lower(ethnicity) NOT LIKE 'not%'
      OR lower(coalesce(ethnicity, '')) LIKE '%latino%' AND lower(ethnicity) NOT LIKE 'not%' THEN 'Hispanic or Latino'
    ELSE coalesce(race, 'Unknown') END"""
HARM_YES = " OR ".join(f"{c} = 'yes'" for c in CONSEQUENCE_COLUMNS)


def _small(v: Any) -> bool:
    return isinstance(v, int) and 0 < v < MIN_CELL


def suppress(rows: list[dict[str, Any]], cols: list[str], *, row_total: str | None = None) -> list[dict[str, Any]]:
    """Small-cell suppression (suppressed cells become None). With ``row_total`` (the row's cells add up to
    it, and it is shown), a row with a small cell is hidden whole: a complement chosen among its other cells
    could itself be published elsewhere (a column total of a table by group), giving the small one back.
    Without it the cells are independent counts (no sum of them is published) and only the small ones are hidden."""
    out = [dict(r) for r in rows]
    for r in out:
        if any(_small(r.get(c)) for c in cols) and row_total:
            for c in cols:
                r[c] = None
            continue
        for c in [*cols, *([row_total] if row_total else [])]:
            if _small(r.get(c)):
                r[c] = None
    return out


def _row_safe(r: dict[str, Any], cols: list[str]) -> bool:
    """Every count of the row, and every difference between two of them, is 0 or at least ``MIN_CELL``."""
    vals = [int(r[c] or 0) for c in cols]
    return not any(_small(v) for v in vals) and not any(_small(abs(a - b)) for i, a in enumerate(vals) for b in vals[i + 1:])


def pool(rows: list[dict[str, Any]], cols: list[str], *, keep: int | None = None, what: str = "groups") -> list[dict[str, Any]]:
    """Rows that partition the records, made safe to publish: rows that fail ``_row_safe`` (and rows past the
    first ``keep``) are added up into one row named "N other <what> combined"; while that row fails, the
    smallest shown row joins it. If even all rows together fail, the table is withheld (an empty list)."""
    rows = [dict(r) for r in rows]
    shown = [r for r in rows if _row_safe(r, cols)]
    if keep is not None:
        shown = shown[:keep]
    ids = {id(r) for r in shown}
    pooled = [r for r in rows if id(r) not in ids]

    def combined(group: list[dict[str, Any]]) -> dict[str, Any]:
        return {"name": f"{len(group)} other {what} combined", "title": "", "combined": True,
                **{c: sum(int(g[c] or 0) for g in group) for c in cols}}

    while pooled and not _row_safe(combined(pooled), cols):
        if not shown:
            return []
        smallest = min(shown, key=lambda r: (int(r[cols[0]] or 0), str(r.get("name"))))
        shown.remove(smallest)
        pooled.append(smallest)
    return shown + ([combined(pooled)] if pooled else [])


def small(v: Any) -> Any:
    """A count for the report's text: None (shown as "fewer than 10") when it is from 1 to 9."""
    return None if _small(v) else v


def _rate(num: Any, den: Any) -> float | None:
    if not isinstance(num, int) or not isinstance(den, int) or den == 0:
        return None
    return num / den


def bar_chart(items: list[tuple[str, int | None]], *, width: int = 640, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG; None values are shown as suppressed."""
    if not items:
        return ""
    label_w, bar_h, gap = 260, 18, 6
    vals = [v for _, v in items if isinstance(v, int | float)]
    top = max(vals) if vals else 1
    top = top or 1
    h = len(items) * (bar_h + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" class="chart">']
    for i, (label, v) in enumerate(items):
        y = gap + i * (bar_h + gap)
        lab = html.escape(label if len(label) <= 40 else label[:38] + "…")
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{lab}</text>')
        if isinstance(v, int | float):
            w = max(1, int((width - label_w - 70) * v / top)) if v else 0
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#2b5c8a"/>')
            txt = f"{v:.2f}" if isinstance(v, float) else f"{v:,}"
            parts.append(f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{txt}{unit}</text>')
        else:
            parts.append(f'<text x="{label_w + 4}" y="{y + 13}" font-size="12" fill="#777">suppressed (small cell)</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(rows: list[dict[str, Any]], *, width: int = 640) -> str:
    """yes / depends / no per row as one stacked bar each."""
    label_w, bar_h, gap = 200, 18, 6
    colors = {"yes": "#b03a2e", "depends": "#e0a030", "no": "#c8d6e5"}
    h = len(rows) * (bar_h + gap) + gap + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" class="chart">']
    for i, r in enumerate(rows):
        y = gap + i * (bar_h + gap)
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{html.escape(r["name"])}</text>')
        total = sum(v for k in colors if isinstance(v := r.get(k), int)) or 1
        x = float(label_w)
        for k, color in colors.items():
            v = r.get(k)
            if not isinstance(v, int) or v == 0:
                continue
            w = (width - label_w - 10) * v / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"><title>{k}: {v:,}</title></rect>')
            x += w
    y = gap + len(rows) * (bar_h + gap) + 12
    x = label_w
    for k, color in colors.items():
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{color}"/>'
                     f'<text x="{x + 16}" y="{y}" font-size="12">{k}</text>')
        x += 90
    parts.append("</svg>")
    return "".join(parts)


def _rows(con: duckdb.DuckDBPyConnection, q: str) -> list[dict[str, Any]]:
    cur = con.execute(q)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def report_data(con: duckdb.DuckDBPyConnection, summary: dict[str, Any]) -> dict[str, Any]:
    base = f"count(*)::INT AS records, count(*) FILTER (conviction = 'yes')::INT AS convictions, " \
           f"count(*) FILTER ({HARM_YES})::INT AS with_consequence, count(*) FILTER (deportable = 'yes')::INT AS deportable"
    cols = ["records", "convictions", "with_consequence", "deportable"]
    by_year = pool(_rows(con, f"SELECT CAST(year(disposition_date) AS VARCHAR) AS name, {base} FROM results GROUP BY 1 ORDER BY 1"), cols, what="years")
    by_court = pool(_rows(con, f"SELECT coalesce(court, 'not recorded') AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols, what="courts")
    by_disp = pool(_rows(con, f"SELECT disposition AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols, what="dispositions")
    offense_all = _rows(con, f"""SELECT jurisdiction || ' ' || offense AS name, any_value(offense_title) AS title, {base}
                                 FROM results GROUP BY jurisdiction, offense ORDER BY with_consequence DESC, records DESC, name""")
    by_offense = pool(offense_all, cols, keep=25, what="offenses")
    by_race = pool(_rows(con, f"SELECT {RACE_GROUP} AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols, what="groups")
    ref = next((r for r in by_race if r["name"] == "White"), None)
    # Without a White row (pooled or absent), the reference is all records (the headline totals).
    ref_rate = _rate(ref["with_consequence"], ref["records"]) if ref else _rate(
        sum(r["with_consequence"] for r in by_race), sum(r["records"] for r in by_race))
    ref_conv = _rate(ref["convictions"], ref["records"]) if ref else _rate(
        sum(r["convictions"] for r in by_race), sum(r["records"] for r in by_race))
    for r in by_race:
        r["rate"] = _rate(r["with_consequence"], r["records"])
        r["conv_rate"] = _rate(r["convictions"], r["records"])
        # A combined row mixes groups: its rate is shown, but a disparity ratio would mean nothing.
        mixed = r.get("combined", False)
        r["ratio"] = (r["rate"] / ref_rate) if r["rate"] is not None and ref_rate and not mixed else None
        r["conv_ratio"] = (r["conv_rate"] / ref_conv) if r["conv_rate"] is not None and ref_conv and not mixed else None
    lenient = pool(_rows(con, f"""
        SELECT jurisdiction || ' ' || offense AS name, any_value(offense_title) AS title, count(*)::INT AS records,
               count(*) FILTER ({HARM_YES})::INT AS with_consequence, count(*) FILTER (deportable = 'yes')::INT AS deportable
        FROM results WHERE disposition = 'deferred_adjudication' AND conviction <> 'no'
        GROUP BY jurisdiction, offense ORDER BY records DESC, name"""), ["records", "with_consequence", "deportable"], keep=25, what="offenses")
    avoid = pool(_rows(con, """
        SELECT split_part(alternative, ':', 1) AS name, count(*)::INT AS records FROM results WHERE alternative IS NOT NULL
        GROUP BY 1 ORDER BY 1"""), ["records"], what="kinds")
    avoid_removes = suppress(_rows(con, """
        SELECT r AS name, count(*)::INT AS records FROM (
            SELECT unnest(string_split(alternative_removes, ', ')) AS r FROM results WHERE alternative IS NOT NULL)
        GROUP BY 1 ORDER BY 2 DESC, 1"""), ["records"])
    matrix = [{"name": c, **summary["findings"][c]} for c in FINDING_COLUMNS] + \
             [{"name": c, **summary["consequences"][c]} for c in CONSEQUENCE_COLUMNS]
    for r in matrix:
        r["records"] = summary["accepted"]
    matrix = suppress(matrix, ["yes", "depends", "no"], row_total="records")
    rejected_by_field = pool([{"name": k, "records": int(v)} for k, v in summary.get("rejected_by_field", {}).items()],
                             ["records"], what="fields")
    return {
        "summary": summary,
        "rejected_by_field": rejected_by_field,
        "matrix": matrix,
        "matrix_chart": stacked_chart(matrix),
        "by_year": by_year,
        "year_chart": bar_chart([(r["name"], r["with_consequence"]) for r in by_year]),
        "by_court": by_court,
        "court_chart": bar_chart([(r["name"], r["with_consequence"]) for r in by_court][:20]),
        "by_disposition": by_disp,
        "by_offense": by_offense,
        "offense_chart": bar_chart([(r["name"], r["with_consequence"]) for r in by_offense][:15]),
        "by_race": by_race,
        "race_chart": bar_chart([(r["name"], r["rate"]) for r in by_race if r["rate"] is not None]),
        "reference_group": "White" if ref else None,
        "lenient": lenient,
        "lenient_chart": bar_chart([(r["name"], r["records"]) for r in lenient][:15]),
        "avoidable": avoid,
        "avoidable_removes": avoid_removes,
        "avoid_chart": bar_chart([(r["name"], r["records"]) for r in avoid]),
        "min_cell": MIN_CELL,
    }


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def render_audit_report(data: dict[str, Any], template: str | None = None) -> str:
    env = template_environment(autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    env.filters["n"] = _fmt
    env.filters["count"] = lambda v: "fewer than 10" if _small(v) else _fmt(v)  # a count in the text
    env.filters["pct"] = lambda v: "suppressed" if v is None else f"{100 * v:.1f}%"
    text = template or resources.files("iiu.reports").joinpath("templates", "audit_report.html.j2").read_text(encoding="utf-8")
    return env.from_string(text).render(**data)
