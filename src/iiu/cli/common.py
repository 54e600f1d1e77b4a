"""Helpers shared by the CLI commands: reading JSON input, printing errors with exit code 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer


def fail(message: str, field: str | None = None, **extra: Any) -> NoReturn:
    """Print ``{"error", "field"}`` as JSON on stdout and exit with code 2 (DESIGN §5.1)."""
    payload: dict[str, Any] = {"error": message, "field": field, **extra}
    typer.echo(json.dumps(payload, ensure_ascii=False))
    raise typer.Exit(code=2)


def read_json(source: str, what: str = "request") -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as e:
        fail(f"cannot read {what} file {source!r}: {e.strerror}", "file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        fail(f"the {what} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", "json", line=e.lineno)


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)
