"""Date buckets: the dates at which the law changes, so that records can share evaluations.

The rules see a date only by comparing it with dates the law names: a period's
``effective_from``/``effective_to`` (class maxima, catalog match periods, disposition
rules, offense existence, federal parameters), a literal in the rule code (``1990-11-29``)
or a validation window (1900-01-01; two years after today). Every such date ``D`` gives the
boundaries ``D`` and ``D + 1 day``, so any comparison ``<, <=, ==, >=, >`` against ``D`` is
constant between consecutive boundaries. A date can therefore be replaced by the boundary at
or before it (its *representative*) without changing any answer. ``tests/test_bulk_dates.py``
checks that exactness.

The dates are found by scanning the law package (YAML and Python) and the engine's Python
for ISO dates and ``date(Y, M, D)`` literals: a superset of the real boundaries, which only
costs a few more buckets and cannot miss one that is written down.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

_ISO = re.compile(r"(?<![0-9])(1[89][0-9]{2}|2[01][0-9]{2})-([01][0-9])-([0-3][0-9])(?![0-9])")
_PY = re.compile(r"date\(\s*(1[89][0-9]{2}|2[01][0-9]{2})\s*,\s*([0-9]{1,2})\s*,\s*([0-9]{1,2})\s*\)")
FLOOR = dt.date(1900, 1, 1)
FUTURE_DAYS = 366 * 2  # iiu.engine.request: a disposition date more than two years ahead is an error


def _walk(root: Any) -> list[Any]:
    out = []
    for p in root.iterdir():
        if p.is_dir():
            if p.name != "__pycache__":
                out.extend(_walk(p))
        elif p.name.endswith((".yaml", ".yml", ".py")):
            out.append(p)
    return out


def _dates_in(text: str) -> set[dt.date]:
    found: set[dt.date] = set()
    for rx in (_ISO, _PY):
        for y, m, d in rx.findall(text):
            try:
                found.add(dt.date(int(y), int(m), int(d)))
            except ValueError:
                continue
    return found


@lru_cache(maxsize=1)
def law_dates() -> tuple[dt.date, ...]:
    """Every date written in the law package or the engine."""
    found: set[dt.date] = set()
    for pkg in ("iiu.law", "iiu.engine"):
        for p in _walk(resources.files(pkg)):
            found |= _dates_in(p.read_text(encoding="utf-8"))
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def general_dates() -> frozenset[dt.date]:
    """Dates every record can depend on: the engine, the federal rules and parameters, the loader."""
    found: set[dt.date] = set()
    for pkg in ("iiu.engine", "iiu.law.federal"):
        for p in _walk(resources.files(pkg)):
            found |= _dates_in(p.read_text(encoding="utf-8"))
    for p in resources.files("iiu.law").iterdir():
        if p.name.endswith(".py"):
            found |= _dates_in(p.read_text(encoding="utf-8"))
    return frozenset(found)


@lru_cache(maxsize=64)
def jurisdiction_dates(code: str) -> frozenset[dt.date]:
    """Dates in a jurisdiction's levers (class maxima, disposition rules, vehicles)."""
    p = resources.files("iiu.law").joinpath("catalogs", code, "jurisdiction.yaml")
    return frozenset(_dates_in(p.read_text(encoding="utf-8"))) if p.is_file() else frozenset()


def offense_dates(code: str, off: Any) -> frozenset[dt.date]:
    """Dates in one catalog entry (its periods, its grounds' periods) and in the entries it offers
    as safer alternatives (which ``find_alternatives`` analyses on the same date)."""
    from iiu.law.catalog import UnknownCitation, resolve

    found = _dates_in(off.model_dump_json())
    for alt in off.safer_alternatives:
        try:
            other, _ = resolve(code, alt.citation)
        except UnknownCitation:
            continue
        found |= _dates_in(other.model_dump_json())
    return frozenset(found)


def _bounds(dates: Iterable[dt.date], today: dt.date) -> tuple[dt.date, ...]:
    one = dt.timedelta(days=1)
    out = {FLOOR}
    for d in dates:
        out.add(d)
        out.add(d + one)
    future = today + dt.timedelta(days=FUTURE_DAYS)
    out |= {future, future + one}
    return tuple(sorted(out))


@lru_cache(maxsize=8)
def boundaries(today: dt.date) -> tuple[dt.date, ...]:
    """Every boundary of every rule (used where the offense is not known)."""
    return _bounds(law_dates(), today)


@lru_cache(maxsize=8)
def general_boundaries(today: dt.date) -> tuple[dt.date, ...]:
    """Boundaries of the federal rules and the engine alone (what stage 2 can read)."""
    return _bounds(general_dates(), today)


def boundaries_for(code: str, off: Any, today: dt.date) -> tuple[dt.date, ...]:
    """The boundaries that can matter to a record of this offense: the general ones, the
    jurisdiction's and the entry's own. Other entries' dates cannot change its answers."""
    return _bounds(general_dates() | jurisdiction_dates(code) | offense_dates(code, off), today)


def representative(d: dt.date, bounds: tuple[dt.date, ...]) -> dt.date:
    """The boundary at or before ``d`` (``d`` itself before the first boundary)."""
    i = bisect.bisect_right(bounds, d) - 1
    return bounds[i] if i >= 0 else d


@lru_cache(maxsize=1)
def af_law_boundaries() -> tuple[dt.date, ...]:
    """Boundaries of the law that stage 1 reads through ``law_as_of``.

    Stage 1 reads ``law_as_of`` only in the aggravated-felony rules, and only through federal
    parameters (``aggravated_felony.py``: ``P.value(name, law_as_of)``). Within one bucket a
    record's findings under two law dates differ only in the date (the bulk path reuses them for
    today's law); and since no rule counts earlier aggravated felonies (``Priors``), an earlier
    record contributes the same to a later one's ``Priors`` under either record's law date.
    """
    from iiu.law.federal import parameters as P

    src = resources.files("iiu.law.federal").joinpath("aggravated_felony.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\"(aggravated_felony\.[a-z_]+)\"", src))
    names |= {n for n in P.all_parameters() if n.startswith("aggravated_felony.")}
    one = dt.timedelta(days=1)
    out = {FLOOR}
    for n in names:
        for per in P.parameter(n).periods:
            out.add(per.effective_from)
            if per.effective_to is not None:
                out.add(per.effective_to + one)
    out |= {d for d in _dates_in(src)} | {d + one for d in _dates_in(src)}
    return tuple(sorted(out))


def af_bucket(d: dt.date) -> int:
    return max(0, bisect.bisect_right(af_law_boundaries(), d) - 1)
