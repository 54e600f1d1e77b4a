"""Errors for bad requests: each names the field at fault."""

from __future__ import annotations

from typing import Any


class RequestError(ValueError):
    """A request the engine cannot analyse; ``field`` names the offending field (dotted path)."""

    def __init__(self, message: str, field: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.message, "field": self.field, **self.extra}
