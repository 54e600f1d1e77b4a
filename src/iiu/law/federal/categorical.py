"""The categorical and modified categorical approach, applied to a catalog ``Match``.

Descamps v. United States, 570 U.S. 254 (2013) and Mathis v. United States, 579 U.S. 500
(2016): only a divisible statute (alternative elements) lets the record of conviction pick
the part of the statute. Here a ``Match`` with a ``by_subsection`` table is divisible; when
the record (the request) does not establish the part, the answer is the common answer of
all parts, or ``depends`` on the subsection. Circumstance-specific facts (the victim's
relationship, the weapon, the substance named in the record) work the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iiu.law.answer import Answer, _uniq
from iiu.law.federal.substances import SCHEDULE_CHANGES, federally_controlled
from iiu.law.schema import Match
from iiu.law.tri import DEPENDS

_DIM_ORDER = ("subsection", "substance", "weapon", "victim_relationship", "victim_age", "offense_level")

DIMENSION_LABELS = {
    "subsection": "subsection",
    "substance": "substance",
    "weapon": "weapon",
    "victim_relationship": "victim_relationship",
    "victim_age": "victim_age",
    "offense_level": "offense_level",
}


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the record of conviction (the request) establishes, normalised."""

    on: dt.date
    subsection: str | None = None
    substance: str | None = None
    weapon: str | None = None  # "firearm" | "other"
    victim_relationship: str | None = None  # "domestic" | "other"
    victim_age: str | None = None  # "under_16" | "16_17" | "adult"
    offense_level: str | None = None  # "felony" | "misdemeanor" (a wobbler's level, or the class's)


_cache: dict[tuple[int, RecordFacts, str], Answer] = {}
_keep: dict[int, Match] = {}


def resolve_match(m: Match, facts: RecordFacts, fallback_source: str = "") -> Answer:
    """The answer a catalog ``Match`` gives for what the record establishes."""
    key = (id(m), facts, fallback_source)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    _keep[id(m)] = m
    ans = _resolve(m, facts, m.why, m.sources or ((fallback_source,) if fallback_source else ()))
    if len(_cache) < 200_000:
        _cache[key] = ans
    return ans


def _in_period(m: Match, on: dt.date) -> bool:
    return (m.effective_from is None or m.effective_from <= on) and (
        m.effective_to is None or on <= m.effective_to
    )


def _pick_subsection(table: dict[str, Match], sub: str) -> list[Match] | None:
    if sub in table:
        return [table[sub]]
    # "(a)(1)" in the record and "(a)" in the table: the broader part governs.
    for k in sorted(table, key=len, reverse=True):
        if k != "_other" and sub.startswith(k):
            return [table[k]]
    # "(a)" in the record, "(a)(1)" and "(a)(2)" in the table: all of them remain possible, and so do
    # parts of (a) the table does not list (its "_other" branch).
    narrower = [m for k, m in table.items() if k != "_other" and k.startswith(sub)]
    if narrower:
        return narrower + ([table["_other"]] if "_other" in table else [])
    if "_other" in table:
        return [table["_other"]]
    return None


def _pick(table: dict[str, Match], dim: str, value: str, on: dt.date | None = None) -> list[Match] | None:
    if dim == "subsection":
        return _pick_subsection(table, value)
    if value in table:
        return [table[value]]
    if dim == "substance":
        fed = federally_controlled(value, on)
        if fed is True and "federally_controlled" in table:
            return [table["federally_controlled"]]
        if fed is False and "not_federally_controlled" in table:
            return [table["not_federally_controlled"]]
        if fed is None:
            return None  # a substance this table does not classify: unresolved
    if "_other" in table:
        return [table["_other"]]
    return None


def _resolve(m: Match, facts: RecordFacts, why: str, sources: tuple[str, ...]) -> Answer:
    why = m.why or why
    sources = m.sources or sources
    if m.periods:
        for p in m.periods:
            if _in_period(p, facts.on):
                return _resolve(p, facts, why, sources)
    for dim in _DIM_ORDER:
        table = getattr(m, f"by_{dim}")
        if not table:
            continue
        rest = m.model_copy(update={f"by_{dim}": None})
        value = getattr(facts, dim)
        branches: list[Match] | None = _pick(table, dim, value, facts.on) if value is not None else None
        unresolved = branches is None or len(branches) > 1
        if branches is None:
            branches = list(table.values())
        answers = [_resolve(b, facts, why, sources) for b in branches]
        # A further table on the same Match (e.g. by_subsection and by_weapon) applies too.
        if rest.dimensions():
            answers = [_and_rest(a, rest, facts, why, sources) for a in answers]
        results = {a.result for a in answers}
        if len(results) == 1:
            only = answers[0]
            if only.result != DEPENDS or not unresolved:
                return Answer(
                    only.result,
                    only.why,
                    only.grounds,
                    only.depends_on,
                    _uniq(s for a in answers for s in a.sources),
                    only.trace,
                )
        return Answer(
            DEPENDS,
            why or f"The answer turns on the {DIMENSION_LABELS[dim]} the record of conviction establishes.",
            (),
            _uniq(((_open_question(dim, value),) if unresolved else ()) + tuple(d for a in answers for d in a.depends_on)),
            _uniq((*sources, *(s for a in answers for s in a.sources))),
        )
    if m.result == DEPENDS:
        return Answer(DEPENDS, why, (), m.depends_on or ("classification of the offense",), sources)
    return Answer(m.result, why, (), (), sources)


def _open_question(dim: str, value: str | None) -> str:
    """What an unresolved table turns on: the dimension, or, for a substance the record names that the federal
    table does not settle, whether the federal schedules list it (not 'substance': the record gives it)."""
    if dim != "substance" or value is None:
        return dim
    change = SCHEDULE_CHANGES.get(value)
    if change is not None:
        return (f"whether the federal schedules that govern list {value} (its federal status changed on "
                f"{change[0].isoformat()}: {change[2]})")
    return f"whether the federal schedules (21 U.S.C. 812) list {value}"


def _and_rest(a: Answer, rest: Match, facts: RecordFacts, why: str, sources: tuple[str, ...]) -> Answer:
    """Both tables must match (conjunction)."""
    if a.result == "no":
        return a
    b = _resolve(rest, facts, why, sources)
    if a.result == "yes" or b.result == "no":
        return b
    return Answer(DEPENDS, a.why, (), _uniq((*a.depends_on, *b.depends_on)), _uniq((*a.sources, *b.sources)))
