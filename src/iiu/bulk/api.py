"""A small, stable entry point to the bulk path for other parts of the system (``iiu run-demo``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any


def write_demo(records: int, out: Path, *, seed: int = 2021) -> int:
    """Write a synthetic office's records (DESIGN §5.4 ``iiu demo``)."""
    from iiu.bulk.demo import write

    return write(Path(out), records, seed=seed)


def audit(records: Path, out: Path, *, mapping: str | None = None, today: dt.date | None = None, **kw: Any) -> dict[str, Any]:
    """``iiu audit``: returns the summary (as written to ``summary.json``)."""
    from iiu.bulk.audit import audit as _audit

    s = _audit(Path(records), Path(out), mapping=mapping, today=today, **kw)
    s.pop("_timings", None)
    s.pop("_counts", None)
    return s


def review(records: Path, out: Path, *, mapping: str | None = None, today: dt.date | None = None, **kw: Any) -> dict[str, Any]:
    """``iiu review``: writes ``queue.csv``; returns counts."""
    from iiu.bulk.review import review as _review

    return _review(Path(records), Path(out), mapping=mapping, today=today, **kw)
