"""Draft joint motions / stipulations for the post-conviction review queue (DOCX).

The text comes from an editable Jinja2 template (``templates/audit_motion.txt.j2`` or a file
the office supplies): ``# `` starts the title, ``## `` a heading, blank lines separate paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from iiu.law.catalog import get_catalog


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80] or "record"


def render_text(entry: dict[str, Any], template: str, today: dt.date) -> str:
    r = entry["_record"]
    jur = get_catalog(r["jurisdiction"]).jurisdiction
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return env.from_string(template).render(
        r=r, title=f"post-conviction review, {r['jurisdiction']} {r['offense']}", court=r.get("court") or "[Court]",
        state_name=jur.name, vehicle=entry["_vehicle"], consequences=entry["consequences"],
        alternative=r.get("alternative"), priority=entry["priority"], reasons=entry["reasons"], today=today.isoformat(),
    )


def write_docx(text: str, path: Path) -> None:
    from docx import Document

    doc = Document()
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.splitlines():
            line = line.rstrip()
            if line.startswith("# "):
                doc.add_heading(line[2:], level=0)
            elif line.startswith("## "):
                doc.add_heading(line[3:], level=1)
            elif line:
                doc.add_paragraph(line)
    # Fixed core properties keep the output the same for the same input.
    props = doc.core_properties
    props.author = "Immigration Integrity Unit"
    props.created = dt.datetime(2000, 1, 1)
    props.modified = dt.datetime(2000, 1, 1)
    props.last_modified_by = "iiu"
    doc.save(str(path))


def write_drafts(entries: list[dict[str, Any]], out: Path, *, template: Path | None = None, today: dt.date) -> int:
    text = template.read_text(encoding="utf-8") if template else \
        resources.files("iiu.reports").joinpath("templates", "audit_motion.txt.j2").read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    for i, e in enumerate(entries, start=1):
        write_docx(render_text(e, text, today), out / f"{i:05d}_{_safe(e['record_id'])}.docx")
    return len(entries)
