"""Three-valued legal answers: ``yes``, ``no`` or ``depends``.

A legal answer is never a bare boolean. ``depends`` means the answer turns on a fact
the request does not establish; it must travel with the names of those facts. These
helpers combine answers the way the statutes combine their elements: a ground applies
when *all* of its elements do (``all_of``), and a person is exposed when *any* ground
applies (``any_of``). ``depends`` is never collapsed into ``no``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Tri = Literal["yes", "no", "depends"]

YES: Tri = "yes"
NO: Tri = "no"
DEPENDS: Tri = "depends"
TRI_VALUES: tuple[Tri, ...] = (YES, NO, DEPENDS)

# Order of harm: a "yes" exposes the person, "depends" may, "no" does not.
HARM_RANK: dict[Tri, int] = {NO: 0, DEPENDS: 1, YES: 2}


def any_of(values: Iterable[Tri]) -> Tri:
    """Disjunction: yes if any is yes; depends if any is depends; else no."""
    result: Tri = NO
    for v in values:
        if v == YES:
            return YES
        if v == DEPENDS:
            result = DEPENDS
    return result


def all_of(values: Iterable[Tri]) -> Tri:
    """Conjunction: no if any is no; depends if any is depends; else yes."""
    result: Tri = YES
    for v in values:
        if v == NO:
            return NO
        if v == DEPENDS:
            result = DEPENDS
    return result


def negate(value: Tri) -> Tri:
    if value == YES:
        return NO
    if value == NO:
        return YES
    return DEPENDS


def from_bool(value: bool) -> Tri:
    return YES if value else NO


def worst(a: Tri, b: Tri) -> Tri:
    """The more harmful of two answers (yes > depends > no)."""
    return a if HARM_RANK[a] >= HARM_RANK[b] else b
