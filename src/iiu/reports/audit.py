"""The office audit report (``report.html``): self-contained HTML, charts as inline SVG.

Every count meant for publication goes through small-cell suppression: no count from 1 to 9
is shown, and where a single cell of a column (or of a row whose cells add up to a shown
total) is suppressed, the next smallest is suppressed too so the hidden one cannot be
recovered by subtraction. Rates and ratios built on a suppressed count are suppressed.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

import duckdb
import jinja2

from iiu.bulk.columns import CONSEQUENCE_COLUMNS, FINDING_COLUMNS

MIN_CELL = 10
RACE_GROUP = """CASE
    WHEN lower(coalesce(ethnicity, '')) LIKE '%hispanic%' AND lower(ethnicity) NOT LIKE 'not%'
      OR lower(coalesce(ethnicity, '')) LIKE '%latino%' AND lower(ethnicity) NOT LIKE 'not%' THEN 'Hispanic or Latino'
    ELSE coalesce(race, 'Unknown') END"""
HARM_YES = " OR ".join(f"{c} = 'yes'" for c in CONSEQUENCE_COLUMNS)


def suppress(rows: list[dict[str, Any]], cols: list[str], *, row_total: str | None = None) -> list[dict[str, Any]]:
    """Small-cell suppression with complementary suppression (by column; by row when the
    columns ``cols`` add up to ``row_total``). Suppressed cells become None."""
    out = [dict(r) for r in rows]
    for r in out:
        for c in [*cols, *([row_total] if row_total else [])]:
            v = r.get(c)
            if isinstance(v, int) and 0 < v < MIN_CELL:
                r[c] = None
    changed = True
    while changed:
        changed = False
        for c in cols:
            hidden = [r for r in out if r.get(c) is None]
            if len(hidden) == 1 and len(out) > 1:
                cand = [r for r in out if isinstance(r.get(c), int) and r[c] > 0]
                if cand:
                    min(cand, key=lambda r: r[c])[c] = None
                    changed = True
        if row_total:
            for r in out:
                hidden = [c for c in cols if r.get(c) is None]
                if len(hidden) == 1:
                    cand = [c for c in cols if isinstance(r.get(c), int) and r[c] > 0]
                    if cand:
                        r[min(cand, key=lambda c: r[c])] = None
                        changed = True
    return out


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
    by_year = suppress(_rows(con, f"SELECT CAST(year(disposition_date) AS VARCHAR) AS name, {base} FROM results GROUP BY 1 ORDER BY 1"), cols)
    by_court = suppress(_rows(con, f"SELECT coalesce(court, 'not recorded') AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols)
    by_disp = suppress(_rows(con, f"SELECT disposition AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols)
    offense_all = _rows(con, f"""SELECT jurisdiction || ' ' || offense AS name, any_value(offense_title) AS title, {base}
                                 FROM results GROUP BY jurisdiction, offense ORDER BY with_consequence DESC, records DESC, name""")
    by_offense = suppress(offense_all, cols)[:25]
    by_race = suppress(_rows(con, f"SELECT {RACE_GROUP} AS name, {base} FROM results GROUP BY 1 ORDER BY 2 DESC, 1"), cols)
    ref = next((r for r in by_race if r["name"] == "White"), None)
    ref_rate = _rate(ref["with_consequence"], ref["records"]) if ref else None
    ref_conv = _rate(ref["convictions"], ref["records"]) if ref else None
    for r in by_race:
        r["rate"] = _rate(r["with_consequence"], r["records"])
        r["conv_rate"] = _rate(r["convictions"], r["records"])
        r["ratio"] = (r["rate"] / ref_rate) if r["rate"] is not None and ref_rate else None
        r["conv_ratio"] = (r["conv_rate"] / ref_conv) if r["conv_rate"] is not None and ref_conv else None
    lenient = suppress(_rows(con, f"""
        SELECT jurisdiction || ' ' || offense AS name, any_value(offense_title) AS title, count(*)::INT AS records,
               count(*) FILTER ({HARM_YES})::INT AS with_consequence, count(*) FILTER (deportable = 'yes')::INT AS deportable
        FROM results WHERE disposition = 'deferred_adjudication' AND conviction <> 'no'
        GROUP BY jurisdiction, offense ORDER BY records DESC, name"""), ["records", "with_consequence", "deportable"])[:25]
    avoid = suppress(_rows(con, """
        SELECT split_part(alternative, ':', 1) AS name, count(*)::INT AS records FROM results WHERE alternative IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1"""), ["records"])
    avoid_removes = suppress(_rows(con, """
        SELECT r AS name, count(*)::INT AS records FROM (
            SELECT unnest(string_split(alternative_removes, ', ')) AS r FROM results WHERE alternative IS NOT NULL)
        GROUP BY 1 ORDER BY 2 DESC, 1"""), ["records"])
    matrix = [{"name": c, **summary["findings"][c]} for c in FINDING_COLUMNS] + \
             [{"name": c, **summary["consequences"][c]} for c in CONSEQUENCE_COLUMNS]
    for r in matrix:
        r["records"] = summary["accepted"]
    matrix = suppress(matrix, ["yes", "depends", "no"], row_total="records")
    return {
        "summary": summary,
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
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    env.filters["n"] = _fmt
    env.filters["pct"] = lambda v: "suppressed" if v is None else f"{100 * v:.1f}%"
    text = template or resources.files("iiu.reports").joinpath("templates", "audit_report.html.j2").read_text(encoding="utf-8")
    return env.from_string(text).render(**data)
