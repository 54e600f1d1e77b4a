"""A readable, self-contained HTML page of analyses (used by ``iiu run-demo``)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

NAMES = {
    "aggravated_felony": "Aggravated felony",
    "cimt": "Crime involving moral turpitude",
    "controlled_substance": "Controlled substance offense",
    "firearm": "Firearm offense",
    "domestic_violence": "Domestic violence, stalking, child abuse",
    "petty_offense_exception": "Petty offense exception applies",
    "crime_of_violence": "Crime of violence (18 U.S.C. 16(a))",
    "deportable": "Deportable (admitted person)",
    "inadmissible": "Inadmissible (seeking admission)",
    "mandatory_detention": "Mandatory detention",
    "asylum_bar": "Bar to asylum",
    "withholding_bar": "Bar to withholding of removal",
    "lpr_cancellation_bar": "Bar to LPR cancellation",
    "non_lpr_cancellation_bar": "Bar to non-LPR cancellation",
    "daca_bar": "Bar to DACA",
    "tps_bar": "Bar to TPS",
    "naturalization_bar": "Bar to naturalization",
}


def render_analyses(title: str, items: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> str:
    """``items``: (label, request, report). Deterministic output (no timestamps)."""
    env = Environment(loader=PackageLoader("iiu.reports", "templates"), autoescape=select_autoescape(["html"]))
    tmpl = env.get_template("analyses.html.j2")
    return tmpl.render(title=title, items=items, names=NAMES)
