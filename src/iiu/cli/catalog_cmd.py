"""``iiu catalog list/show/check`` (DESIGN §5.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer

from iiu.cli.common import dump, fail
from iiu.engine.sentence import possible_sentence
from iiu.law.catalog import (
    CatalogError,
    UnknownCitation,
    UnknownJurisdiction,
    available_jurisdictions,
    check_all,
    get_catalog,
    resolve,
)
from iiu.law.schema import Offense

catalog_app = typer.Typer(help="The offense catalogs: list, show, check.", no_args_is_help=True)


def entry_summary(code: str, off: Offense, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    cat = get_catalog(code)
    on = today if off.effective_to is None else off.effective_to
    ps = possible_sentence(cat.jurisdiction, off, on, None, None)
    return {
        "jurisdiction": code,
        "citation": off.citation,
        "title": off.title,
        "class": ps.offense_class,
        "max_custody_days": ps.max_days,
        "wobbler": off.wobbler,
        "effective_from": off.effective_from.isoformat(),
        "effective_to": off.effective_to.isoformat() if off.effective_to else None,
        "aliases": list(off.aliases),
        "divisible_by": list(off.divisible_by),
        "sources": list(off.sources),
    }


def _codes(jurisdiction: str | None) -> list[str]:
    if jurisdiction:
        return [jurisdiction.upper()]
    return available_jurisdictions()


@catalog_app.command("list")
def list_cmd(
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every offense entry (of one jurisdiction, or all)."""
    rows: list[dict[str, Any]] = []
    try:
        for code in _codes(jurisdiction):
            rows.extend(entry_summary(code, o) for o in get_catalog(code).offenses)
    except UnknownJurisdiction as e:
        fail(str(e), "jurisdiction")
    except CatalogError as e:
        fail(f"the catalog is invalid: {e}", "catalog")
    if as_json:
        typer.echo(dump(rows))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(rows)} offenses")
    for col in ("jurisdiction", "citation", "title", "class", "max_custody_days", "effective_to"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["jurisdiction"], r["citation"], r["title"], r["class"], str(r["max_custody_days"] or "life"), r["effective_to"] or "")
    Console().print(t)


@catalog_app.command("show")
def show_cmd(
    citation: str = typer.Argument(...),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j"),
) -> None:
    """One entry in full, as JSON."""
    codes = _codes(jurisdiction)
    for code in codes:
        try:
            off, _ = resolve(code, citation)
        except UnknownCitation as e:
            if len(codes) == 1:
                fail(str(e), "citation", closest=e.closest)
            continue
        except UnknownJurisdiction as e:
            fail(str(e), "jurisdiction")
        data = off.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["jurisdiction"] = code
        data["summary"] = entry_summary(code, off)
        typer.echo(dump(data))
        return
    fail(f"no catalog has an entry for {citation!r}", "citation")


@catalog_app.command("check")
def check_cmd() -> None:
    """Validate every catalog file; exit 1 listing each problem with its file, line and field."""
    problems = check_all()
    if problems:
        for p in problems:
            typer.echo(p, err=True)
        typer.echo(f"{len(problems)} problem(s) found", err=True)
        raise typer.Exit(code=1)
    counts = {code: len(get_catalog(code).offenses) for code in available_jurisdictions()}
    typer.echo("catalogs valid: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
