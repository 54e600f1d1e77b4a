"""Immigration Integrity: the immigration consequences of state criminal dispositions,
and the tools a prosecutor's office needs to stop feeding the deportation pipeline."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def analyze(request: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Analyse one disposition (DESIGN §5.1): the same contract as ``iiu analyze --json``."""
    from iiu.engine.analyze import analyze as _analyze

    return _analyze(request, **kwargs)


__all__ = ["__version__", "analyze"]
