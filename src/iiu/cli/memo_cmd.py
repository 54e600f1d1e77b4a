"""``iiu memo``: the sentence-justification memo for one disposition (DESIGN §5.4), and
``iiu memo-template``: write the default template out so the office can edit it."""

from __future__ import annotations

from pathlib import Path

import typer

from iiu.cli.common import dump, fail, read_json


def register(app: typer.Typer) -> None:
    @app.command("memo")
    def memo_cmd(
        request_file: str = typer.Argument(..., help="A request JSON file (DESIGN §5.1), or - for stdin."),
        out: str = typer.Option(..., "--out", "-o", help="FILE.docx or FILE.pdf"),
        template: str | None = typer.Option(
            None, "--template", help="An office template: .docx with {{ field }} merge fields for a .docx memo; "
            "an HTML Jinja2 file for a .pdf memo. Default: the bundled template."),
        cost_per_day: float | None = typer.Option(
            None, "--cost-per-day", help="Custody cost per day in dollars. Default $120.80: the Federal Bureau of "
            "Prisons' FY 2023 cost of incarceration (FR Doc. 2024-28743); use your jail's own figure."),
        office: str | None = typer.Option(None, "--office", help="The office's name, printed at the top."),
        output_json: bool = typer.Option(False, "--json", help="Print a JSON summary of what was written."),
    ) -> None:
        """Write the sentence-justification memo: sentence, custody cost, immigration cost, alternatives,
        defense proposal and a supervisor approval block. Not legal advice."""
        from iiu.engine.errors import RequestError
        from iiu.reports.memo import TemplateError, write_memo

        req = read_json(request_file)
        try:
            ctx = write_memo(req, out, template=template, cost_per_day=cost_per_day, office=office)
        except RequestError as e:
            fail(e.message, e.field, **e.extra)
        except TemplateError as e:
            fail(str(e), "template", template=e.template, problem=e.problem)
        except OSError as e:
            fail(f"cannot write {out}: {e.strerror or e}", "out")
        summary = {
            "out": str(Path(out)),
            "case": ctx["case"],
            "charge": ctx["charge"],
            "custody_cost": ctx["custody_cost"],
            "alternatives": len(ctx["alternatives"]),
            "defense_departs": bool(ctx["defense"] and ctx["defense"]["departs"]),
        }
        if output_json:
            typer.echo(dump(summary))
        else:
            typer.echo(f"Wrote {out}: {ctx['charge']}; custody cost {ctx['custody_cost']}; "
                       f"{len(ctx['alternatives'])} alternative(s) considered.")

    @app.command("memo-template")
    def memo_template_cmd(
        out: str = typer.Option(..., "--out", "-o", help="FILE.docx or FILE.html: the default template, to edit."),
    ) -> None:
        """Write the default memo template (DOCX with merge fields, or the HTML Jinja2 template for PDF)."""
        from iiu.reports.memo import DEFAULT_HTML_TEMPLATE, default_docx_template

        suffix = Path(out).suffix.lower()
        try:
            if suffix == ".docx":
                Path(out).write_bytes(default_docx_template())
            elif suffix in (".html", ".j2", ".htm"):
                Path(out).write_text(DEFAULT_HTML_TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
            else:
                fail("the template is written as .docx or .html", "out")
        except OSError as e:
            fail(f"cannot write {out}: {e.strerror or e}", "out")
        typer.echo(f"Wrote {out}")
