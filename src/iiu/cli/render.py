"""Human-readable reports in the terminal (Rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from iiu.reports.labels import NAMES

STYLE = {"yes": "bold red", "depends": "bold yellow", "no": "green"}


def tri(value: str) -> str:
    return f"[{STYLE.get(value, '')}]{value}[/]"


def _days(n: int | None) -> str:
    return "not given (answers hold for any lawful sentence, or depend on it)" if n is None else f"{n} days"


def print_report(report: dict[str, Any], console: Console | None = None) -> None:
    c = console or Console()
    off = report["offense"]
    c.rule(f"[bold]{off['jurisdiction']} {off['citation']}[/] — {off['title']}")
    c.print(f"Class: {off['class']}; maximum at conviction: {off['max_custody_days_at_conviction'] or 'life'} days; "
            f"term of imprisonment: {_days(off['term_of_imprisonment_days'])}; circuit: {off['circuit']}; "
            f"law as of {report['law_as_of']}")
    c.print(f"Conviction (INA 101(a)(48)(A)): {tri(report['conviction'])} — {report['conviction_detail']['why']}")
    for title, section in (("Findings", "findings"), ("Consequences", "consequences")):
        t = Table(title=title, show_lines=True, expand=True)
        t.add_column("", ratio=2)
        t.add_column("Answer", min_width=7, no_wrap=True)
        t.add_column("Why / depends on", ratio=5)
        t.add_column("Sources", ratio=3)
        for key, a in report[section].items():
            why = a["why"]
            if a["result"] == "depends" and a["depends_on"]:
                why += "\n[yellow]Depends on: " + "; ".join(a["depends_on"]) + "[/]"
            if a.get("grounds"):
                why += "\n[dim]Grounds: " + "; ".join(a["grounds"]) + "[/]"
            t.add_row(NAMES.get(key, key), tri(a["result"]), why, "\n".join(a["sources"][:4]))
        c.print(t)
    m = Table(title="By status profile (status-blind: every profile shown)", show_lines=False)
    m.add_column("Profile")
    m.add_column("Any consequence")
    m.add_column("Consequences")
    for prof in report["status_profiles"].values():
        cells = ", ".join(f"{NAMES.get(k, k).split(' (')[0]}: {tri(v)}" for k, v in prof["consequences"].items())
        m.add_row(prof["label"], tri(prof["any_consequence"]), cells)
    c.print(m)
    if report.get("alternatives"):
        print_alternatives(report["alternatives"], c)
    if report.get("defense_proposal"):
        dp = report["defense_proposal"]
        c.print(f"Defense proposal: {dp['offense']}; the office's position {'DEPARTS from' if dp['departs'] else 'matches'} it; "
                f"it removes: {', '.join(dp['proposal_removes']) or 'nothing'}")
    for w in report.get("warnings", []):
        c.print(f"[yellow]Warning:[/] {w}")
    c.print(f"[dim]{report['disclaimer']}[/]")


def print_alternatives(alts: list[dict[str, Any]], c: Console) -> None:
    t = Table(title="Safer alternatives (each re-analysed by the engine)", show_lines=True, expand=True)
    t.add_column("#")
    t.add_column("Alternative", ratio=5)
    t.add_column("Removes", ratio=3)
    t.add_column("Adds", ratio=1)
    t.add_column("Criminal severity", ratio=1)
    for i, a in enumerate(alts, 1):
        t.add_row(str(i), a["summary"], ", ".join(a["removes"]) or "-", ", ".join(a["adds"]) or "-", a["severity_change"])
    c.print(t)
