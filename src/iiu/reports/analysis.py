"""A readable, self-contained HTML page of analyses (used by ``iiu run-demo``)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from iiu.reports.labels import NAMES


def render_analyses(title: str, items: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> str:
    """``items``: (label, request, report). Deterministic output (no timestamps)."""
    env = Environment(loader=PackageLoader("iiu.reports", "templates"), autoescape=select_autoescape(["html"]))
    tmpl = env.get_template("analyses.html.j2")
    return tmpl.render(title=title, items=items, names=NAMES)
