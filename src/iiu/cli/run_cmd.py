"""``iiu run-demo``: the main job on embedded defaults, with the demo office (``make run``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

DEMO_CASES: list[tuple[str, dict[str, Any]]] = [
    ("Shoplifting plea with probation (New York)",
     {"jurisdiction": "NY", "offense": "PL 155.25", "disposition": "guilty_plea", "disposition_date": "2024-06-01",
      "offense_date": "2024-03-01", "sentence": {"custody_days": 0, "probation_days": 365}, "facts": {"loss_usd": 240}}),
    ("Grand larceny with a one-year sentence: the one-day trap",
     {"jurisdiction": "NY", "offense": "PL 155.30", "disposition": "guilty_plea", "disposition_date": "2023-09-12",
      "sentence": {"custody_days": 365}, "facts": {"loss_usd": 3200}}),
    ("Cocaine possession (New York)",
     {"jurisdiction": "NY", "offense": "PL 220.03", "disposition": "guilty_plea", "disposition_date": "2022-02-01",
      "facts": {"substance": "cocaine"}}),
    ("Trespass resolved with an ACD (New York)",
     {"jurisdiction": "NY", "offense": "PL 140.05", "disposition": "acd", "disposition_date": "2024-01-15"}),
    ("Heroin possession (California)",
     {"jurisdiction": "CA", "offense": "HS 11350", "disposition": "guilty_plea", "disposition_date": "2023-05-01",
      "facts": {"substance": "heroin"}}),
    ("Domestic battery (California)",
     {"jurisdiction": "CA", "offense": "PC 273.5", "disposition": "guilty_plea", "disposition_date": "2023-07-01",
      "sentence": {"custody_days": 30, "probation_days": 1095}, "offense_level": "misdemeanor"}),
    ("Retail theft under court supervision (Illinois)",
     {"jurisdiction": "IL", "offense": "720 ILCS 5/16-25", "disposition": "deferred_adjudication",
      "disposition_date": "2019-06-01", "sentence": {"probation_days": 365}, "offense_level": "misdemeanor"}),
    ("A retail theft charge pending today (Illinois)",
     {"jurisdiction": "IL", "offense": "720 ILCS 5/16-25", "disposition": "charged", "disposition_date": "2026-10-01"}),
]


def register(app: typer.Typer) -> None:
    @app.command("run-demo")
    def run_demo(
        out: Path = typer.Option(Path("out"), "--out", help="Where to write the demo office's results."),
        records: int = typer.Option(20_000, "--records", help="How many synthetic records the demo office has."),
    ) -> None:
        """Analyse the demo office: sample cases, an audit of its records, the review queue, the public policy."""
        from rich.console import Console

        from iiu.engine.analyze import analyze
        from iiu.engine.errors import RequestError
        from iiu.reports.analysis import render_analyses

        console = Console()
        out.mkdir(parents=True, exist_ok=True)
        items = []
        for label, req in DEMO_CASES:
            try:
                rep = analyze(req, trace=False)
            except RequestError as e:
                console.print(f"[yellow]skipped[/] {label}: {e.message}")
                continue
            items.append((label, req, rep))
        (out / "analyses.json").write_text(json.dumps([r for _, _, r in items], indent=2), encoding="utf-8")
        (out / "analyses.html").write_text(render_analyses("Immigration Integrity — sample analyses", items), encoding="utf-8")
        console.print(f"[bold]Sample analyses[/]: {out / 'analyses.html'} ({len(items)} cases)")
        _bulk(out, records, console)
        _policy(out, console)
        console.print(f"Done {dt.date.today().isoformat()}: open {out.resolve() / 'analyses.html'} to start.")


def _bulk(out: Path, records: int, console: Any) -> None:
    try:
        from iiu.bulk import api  # type: ignore[attr-defined]
    except ImportError:
        console.print("[dim]bulk audit not installed in this build[/]")
        return
    demo = out / "demo-office-records.csv"
    api.write_demo(records, demo)
    console.print(f"[bold]Demo office records[/]: {demo} ({records:,} records)")
    summary = api.audit(demo, out / "audit")
    console.print(f"[bold]Audit[/]: {out / 'audit' / 'report.html'} — {summary.get('records', 0):,} records, "
                  f"{summary.get('records_with_consequence', 0):,} with an immigration consequence")
    api.review(demo, out / "review")
    console.print(f"[bold]Post-conviction review queue[/]: {out / 'review' / 'queue.csv'}")


def _policy(out: Path, console: Any) -> None:
    from iiu.policy import load_policy
    from iiu.policy.publish import publish

    publish(load_policy(None), out / "policy")
    console.print(f"[bold]Public policy document[/]: {out / 'policy' / 'index.html'}")
