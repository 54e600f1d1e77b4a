"""``iiu``: the Immigration Integrity command line."""

from __future__ import annotations

import importlib

import typer

from iiu.cli import analyze_cmd
from iiu.cli.catalog_cmd import catalog_app

app = typer.Typer(
    help="Immigration Integrity: the immigration consequences of state criminal dispositions, "
    "office policy as code, audits and post-conviction review. Not legal advice.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
analyze_cmd.register(app)
app.add_typer(catalog_app, name="catalog")

# Further command groups register themselves from their own modules: iiu.cli.<name>.register(app).
for _name in ("policy_cmd", "bulk_cmd", "memo_cmd", "web_cmd", "run_cmd"):
    try:
        _mod = importlib.import_module(f"iiu.cli.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"iiu.cli.{_name}":
            raise
        continue
    _mod.register(app)


if __name__ == "__main__":
    app()
