"""``iiu audit``, ``iiu review``, ``iiu demo``: bulk work over an office's records (DESIGN §5.3, §5.4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from iiu.cli.common import fail


def _today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--today must be a date written YYYY-MM-DD, got {value!r}", "today")


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit_cmd(
        records: Path = typer.Argument(..., help="Records file: CSV, Parquet or Excel (DESIGN §5.3), or another schema with --mapping."),
        out: Path = typer.Option(..., "--out", help="Output directory."),
        mapping: str | None = typer.Option(None, "--mapping", help="A mapping file, or a bundled mapping name (cook-county-sao)."),
        csv: bool = typer.Option(False, "--csv", help="Also write records.csv."),
        engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark (PySpark, optional extra)."),
        alternatives: bool = typer.Option(True, "--alternatives/--no-alternatives", help="Measure avoidable harm (slower)."),
        today: str | None = typer.Option(None, "--today", help="Analyse 'today's law' as of this date (reproducible runs)."),
        progress: bool | None = typer.Option(None, "--progress/--no-progress", help="Progress bars (default: on a terminal)."),
    ) -> None:
        """Audit the office's records: summary.json, records.parquet, rejected.csv, report.html."""
        from iiu.bulk.audit import audit
        from iiu.bulk.load import InputError

        try:
            s = audit(records, out, mapping=mapping, write_csv=csv, today=_today(today), engine=engine,
                      alternatives=alternatives, show_progress=progress)
        except (InputError, ValueError) as e:
            fail(str(e), "records")
        s.pop("_timings", None)
        s.pop("_counts", None)
        typer.echo(json.dumps({k: s[k] for k in ("records", "accepted", "rejected", "convictions", "records_with_consequence",
                                                 "records_with_possible_consequence")} | {"out": str(out)}, indent=2))

    @app.command("review")
    def review_cmd(
        records: Path = typer.Argument(..., help="Records file (as for iiu audit)."),
        out: Path = typer.Option(..., "--out", help="Output directory: queue.csv, rejected.csv."),
        mapping: str | None = typer.Option(None, "--mapping"),
        drafts: Path | None = typer.Option(None, "--drafts", help="Write a draft joint motion (DOCX) per entry here."),
        template: Path | None = typer.Option(None, "--template", help="An edited motion template (Jinja2 text)."),
        limit: int | None = typer.Option(None, "--limit", help="Drafts for the first N entries only."),
        today: str | None = typer.Option(None, "--today"),
        progress: bool | None = typer.Option(None, "--progress/--no-progress"),
    ) -> None:
        """The post-conviction review queue, highest priority first."""
        from iiu.bulk.load import InputError
        from iiu.bulk.review import review

        try:
            s = review(records, out, mapping=mapping, today=_today(today), drafts=drafts, template=template, limit=limit,
                       show_progress=progress)
        except (InputError, ValueError) as e:
            fail(str(e), "records")
        typer.echo(json.dumps(s | {"out": str(out)}, indent=2))

    @app.command("demo")
    def demo_cmd(
        records: int = typer.Option(10_000, "--records", help="How many records."),
        out: Path = typer.Option(..., "--out", help="Output file: .csv, .parquet or .xlsx."),
        seed: int = typer.Option(2021, "--seed"),
        bad: float = typer.Option(0.0, "--bad-fraction", help="Share of rows to corrupt (for testing the import)."),
    ) -> None:
        """Write a synthetic office's records (NY, CA, IL) in the §5.3 format."""
        from iiu.bulk.demo import write

        if records < 0:
            fail("--records cannot be negative", "records")
        n = write(out, records, seed=seed, bad_fraction=bad)
        typer.echo(json.dumps({"records": n, "out": str(out)}))
