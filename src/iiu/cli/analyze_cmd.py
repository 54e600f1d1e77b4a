"""``iiu analyze`` and ``iiu alternatives``: one disposition (DESIGN §5.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer

from iiu.cli.common import dump, fail, read_json
from iiu.engine.analyze import analyze
from iiu.engine.errors import RequestError


def build_request(
    json_file: str | None,
    jurisdiction: str | None,
    offense: str | None,
    subsection: str | None,
    inchoate: str | None,
    disposition: str | None,
    disposition_date: str | None,
    offense_date: str | None,
    custody_days: int | None,
    suspended_custody_days: int | None,
    probation_days: int | None,
    loss_usd: float | None,
    substance: str | None,
    marijuana_grams: float | None,
    victim_relationship: str | None,
    weapon: str | None,
    admission_date: str | None,
    offense_level: str | None,
) -> dict[str, Any]:
    req: dict[str, Any] = {}
    if json_file:
        data = read_json(json_file)
        if not isinstance(data, dict):
            fail("the request must be a JSON object", "request")
        req = data
    flags = {
        "jurisdiction": jurisdiction, "offense": offense, "subsection": subsection, "inchoate": inchoate,
        "disposition": disposition, "disposition_date": disposition_date, "offense_date": offense_date,
        "offense_level": offense_level,
    }
    for k, v in flags.items():
        if v is not None:
            req[k] = v
    if not any(v is not None for v in (custody_days, suspended_custody_days, probation_days, loss_usd, substance,
                                       marijuana_grams, victim_relationship, weapon, admission_date)):
        return req
    if not isinstance(req.get("sentence") or {}, dict) or not isinstance(req.get("facts") or {}, dict):
        return req  # parse_request names the malformed field
    sentence = dict(req.get("sentence") or {})
    for k, v in (("custody_days", custody_days), ("suspended_custody_days", suspended_custody_days), ("probation_days", probation_days)):
        if v is not None:
            sentence[k] = v
    if sentence:
        req["sentence"] = sentence
    facts = dict(req.get("facts") or {})
    for k, v in (("loss_usd", loss_usd), ("substance", substance), ("marijuana_grams", marijuana_grams),
                 ("victim_relationship", victim_relationship), ("weapon", weapon)):
        if v is not None:
            facts[k] = v
    if facts:
        req["facts"] = facts
    if admission_date is not None:
        req["person"] = {**(req.get("person") or {}), "admission_date": admission_date}
    return req


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of must be a date written YYYY-MM-DD, got {value!r}", "as_of")


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze_cmd(
        json_file: str | None = typer.Option(None, "--json", help="Read the request from FILE (- for stdin) and print the report as JSON."),
        jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j"),
        offense: str | None = typer.Option(None, "--offense", "-o", help='A citation, e.g. "PL 155.25".'),
        subsection: str | None = typer.Option(None, "--subsection"),
        inchoate: str | None = typer.Option(None, "--inchoate", help="attempt, conspiracy, solicitation or facilitation"),
        disposition: str | None = typer.Option(None, "--disposition", "-d"),
        disposition_date: str | None = typer.Option(None, "--disposition-date"),
        offense_date: str | None = typer.Option(None, "--offense-date"),
        custody_days: int | None = typer.Option(None, "--custody-days"),
        suspended_custody_days: int | None = typer.Option(None, "--suspended-days", "--suspended-custody-days"),
        probation_days: int | None = typer.Option(None, "--probation-days"),
        sentence_unknown: bool = typer.Option(False, "--sentence-unknown",
                                              help="The record does not give the sentence: answer for every lawful one."),
        loss_usd: float | None = typer.Option(None, "--loss-usd"),
        substance: str | None = typer.Option(None, "--substance"),
        marijuana_grams: float | None = typer.Option(None, "--marijuana-grams"),
        victim_relationship: str | None = typer.Option(None, "--victim-relationship"),
        weapon: str | None = typer.Option(None, "--weapon"),
        admission_date: str | None = typer.Option(None, "--admission-date", help="Optional, never required."),
        offense_level: str | None = typer.Option(None, "--offense-level", help="felony or misdemeanor (for a wobbler)"),
        as_of: str | None = typer.Option(None, "--as-of", help="Apply the federal law in force on this date (default: the disposition date)."),
        output_json: bool = typer.Option(False, "--output-json", "--format-json", help="Print JSON even when the request comes from flags."),
        trace: bool = typer.Option(True, "--trace/--no-trace", help="Include each finding's trace in JSON."),
    ) -> None:
        """Analyse one disposition: findings, consequences by status profile, safer alternatives."""
        req = build_request(json_file, jurisdiction, offense, subsection, inchoate, disposition, disposition_date, offense_date,
                            custody_days, suspended_custody_days, probation_days, loss_usd, substance, marijuana_grams,
                            victim_relationship, weapon, admission_date, offense_level)
        if sentence_unknown:
            req["sentence"] = "unknown"
        try:
            report = analyze(req, as_of_date=_as_of(as_of), trace=trace)
        except RequestError as e:
            fail(e.message, e.field, **e.extra)
        if json_file or output_json:
            typer.echo(dump(report))
        else:
            from iiu.cli.render import print_report

            print_report(report)

    @app.command("alternatives")
    def alternatives_cmd(
        request_file: str = typer.Argument(..., help="A request JSON file, or - for stdin."),
        output_json: bool = typer.Option(False, "--json", help="Print the alternatives as JSON."),
    ) -> None:
        """The safer alternatives for one disposition, as a readable table."""
        req = read_json(request_file)
        try:
            report = analyze(req, trace=False)
        except RequestError as e:
            fail(e.message, e.field, **e.extra)
        if output_json:
            typer.echo(dump(report["alternatives"]))
            return
        from rich.console import Console

        from iiu.cli.render import print_alternatives

        c = Console()
        off = report["offense"]
        c.print(f"{off['jurisdiction']} {off['citation']} — {off['title']}: "
                + ", ".join(f"{k} {v['result']}" for k, v in report["consequences"].items() if v["result"] != "no"))
        if report["alternatives"]:
            print_alternatives(report["alternatives"], c)
        else:
            c.print("No alternative found that removes a consequence.")
