"""``iiu policy check | evaluate | publish | diff`` (DESIGN §5.4)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from iiu.cli.common import dump, fail, read_json

policy_app = typer.Typer(
    help="The office's written immigration policy: check it, apply it to a case, publish it, compare versions.",
    no_args_is_help=True,
)


def _load(path: str | None, what: str = "policy"):  # type: ignore[no-untyped-def]
    from iiu.policy.loader import check_file

    checked = check_file(path)
    if not checked.ok or checked.policy is None:
        typer.echo("\n".join(str(p) for p in checked.errors or checked.problems), err=True)
        fail(f"the {what} file has {len(checked.errors or checked.problems)} problem(s)", what,
             problems=[str(p) for p in checked.errors or checked.problems])
    return checked.policy


@policy_app.command("check")
def check(
    policy: Annotated[str | None, typer.Argument(help="Policy YAML file (default: the bundled model policy)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON")] = False,
) -> None:
    """Validate a policy file: every problem with its file:line. Exit 1 when there are errors."""
    from iiu.policy.loader import check_file

    c = check_file(policy)
    if as_json:
        typer.echo(dump({
            "file": c.file, "ok": c.ok,
            "version": c.policy.version if c.policy else None,
            "problems": [{"line": p.line, "severity": p.severity, "message": p.message, "text": str(p)}
                         for p in c.problems],
        }))
    else:
        for p in c.problems:
            typer.echo(str(p))
        if c.ok and c.policy is not None:
            typer.echo(f"ok: {c.file}: {c.policy.office.name}, version {c.policy.version}, in effect from "
                       f"{c.policy.effective_from}" + (f" ({len(c.warnings)} warning(s))" if c.warnings else ""))
        else:
            typer.echo(f"{len(c.errors)} error(s) in {c.file}")
    if not c.ok:
        raise typer.Exit(code=1)


@policy_app.command("evaluate")
def evaluate(
    case: Annotated[str, typer.Argument(help="CASE.json ({jurisdiction, stage, charges, defense_proposal}) or - for stdin")],
    stage: Annotated[str | None, typer.Option("--stage", help="pre_arrest, charging, pretrial, plea, sentencing, "
                                                               "post_conviction or release")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy YAML file (default: the model policy)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The directives the policy gives for a case at a stage (status-blind)."""
    from iiu.engine.errors import RequestError
    from iiu.policy.evaluate import evaluate_case

    data = read_json(case, "case")
    pol = _load(policy) if policy else None
    try:
        result = evaluate_case(data, stage, pol)
    except RequestError as e:
        fail(e.message, e.field, **e.extra)
    if as_json:
        typer.echo(dump(result))
        return
    typer.echo(f"{result['office']} — policy version {result['policy_version']} — stage: {result['stage']}")
    for i, d in enumerate(result["directives"], 1):
        who = f" [charge {d['charge']['index']}: {d['charge']['offense']}]" if d["charge"] else ""
        typer.echo(f"\n{i}. {d['action'].upper()}{who} ({d['id']})\n   {d['text']}")
        for r in d["reasons"]:
            typer.echo(f"   - {r}")
        typer.echo(f"   Sources: {'; '.join(d['sources'][:6])}")
    typer.echo(f"\n{result['disclaimer']}")


@policy_app.command("publish")
def publish(
    policy: Annotated[str | None, typer.Argument(help="Policy YAML file (default: the model policy)")] = None,
    out: Annotated[str, typer.Option("--out", help="Output directory")] = "policy-site",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write policy.pdf")] = True,
) -> None:
    """Write the public policy document: OUT/index.html and OUT/policy.pdf."""
    from iiu.policy.publish import publish as do_publish

    pol = _load(policy)
    for path in do_publish(pol, out, pdf=pdf):
        typer.echo(str(path))


@policy_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="The earlier policy file")],
    new: Annotated[str, typer.Argument(help="The later policy file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of changes")] = False,
) -> None:
    """What changed between two versions of a policy, in words."""
    from iiu.policy.diff import diff_policies

    a = _load(old, "old")
    b = _load(new, "new")
    changes = diff_policies(a, b)
    if as_json:
        typer.echo(json.dumps({"old": a.version, "new": b.version, "changes": changes}, indent=2, ensure_ascii=False))
    else:
        for c in changes:
            typer.echo(f"- {c}")


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
