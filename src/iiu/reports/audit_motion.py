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
from iiu.rendering import template_environment


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80] or "record"


def compile_template(template: str) -> jinja2.Template:
    env = template_environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return env.from_string(template)


def render_text(entry: dict[str, Any], template: str | jinja2.Template, today: dt.date) -> str:
    r = entry["_record"]
    jur = get_catalog(r["jurisdiction"]).jurisdiction
    compiled = compile_template(template) if isinstance(template, str) else template
    return compiled.render(
        r=r, title=f"post-conviction review, {r['jurisdiction']} {r['offense']}", court=r.get("court") or "[Court]",
        state_name=jur.name, vehicle=entry["_vehicle"], consequences=entry["consequences"],
        alternative=r.get("alternative"), priority=entry["priority"], reasons=entry["reasons"], today=today.isoformat(),
    )


def write_docx(text: str, path: Path) -> None:
    from docx import Document

    doc = Document()
    # Style ids looked up once and set on the paragraph's XML: python-docx's style setter scans the whole
    # style table on every call (most of the time of a draft).
    title, heading = doc.styles["Title"].style_id, doc.styles["Heading 1"].style_id
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.splitlines():
            line = line.rstrip()
            if line.startswith("# "):
                doc.add_paragraph(line[2:])._p.style = title
            elif line.startswith("## "):
                doc.add_paragraph(line[3:])._p.style = heading
            elif line:
                doc.add_paragraph(line)
    # Fixed core properties keep the output the same for the same input.
    props = doc.core_properties
    props.author = "Immigration Integrity Unit"
    props.created = dt.datetime(2000, 1, 1)
    props.modified = dt.datetime(2000, 1, 1)
    props.last_modified_by = "iiu"
    doc.save(str(path))


def write_drafts(entries: list[dict[str, Any]], out: Path, *, template: Path | None = None, today: dt.date,
                 show_progress: bool = False) -> int:
    text = template.read_text(encoding="utf-8") if template else \
        resources.files("iiu.reports").joinpath("templates", "audit_motion.txt.j2").read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    from iiu.bulk.engine import _map, progress

    numbered = list(enumerate(entries, start=1))
    chunks = [(numbered[i:i + DRAFTS_PER_CHUNK], text, str(out), today) for i in range(0, len(numbered), DRAFTS_PER_CHUNK)]
    # Forked workers write the chunks (about 30 ms a document, mostly python-docx opening and zipping).
    done = _map(_write_chunk, chunks, parallel=len(entries) >= 2 * DRAFTS_PER_CHUNK)
    for _ in progress(done, len(chunks), "draft motions (DOCX)", show_progress):
        pass
    return len(entries)


DRAFTS_PER_CHUNK = 100


def _write_chunk(arg: tuple[list[tuple[int, dict[str, Any]]], str, str, dt.date]) -> int:
    numbered, text, out, today = arg
    compiled = compile_template(text)
    for i, e in numbered:
        write_docx(render_text(e, compiled, today), Path(out) / f"{i:05d}_{_safe(e['record_id'])}.docx")
    return len(numbered)
