"""The state's possible sentence for an offense on a date, and the check that a sentence is lawful.

The maximum is measured on the date of conviction (Matter of Velasquez-Rios, 27 I&N Dec. 470
(BIA 2018); Peguero Vasquez v. Garland, No. 21-6380 (2d Cir. 2023)): a later state law
lowering it does not reach back for immigration purposes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iiu.engine.errors import RequestError
from iiu.law.schema import ClassPeriod, Jurisdiction, Offense
from iiu.law.tri import DEPENDS, NO, YES, Tri

if TYPE_CHECKING:
    from iiu.engine.request import Request


@dataclass(frozen=True, slots=True)
class PossibleSentence:
    max_days: int | None  # None: life
    lawful_max_days: int | None  # with extended-term enhancements (for rejecting impossible sentences)
    known: bool  # False when a wobbler's level is not established
    offense_class: str
    felony: Tri
    countable_misdemeanor: Tri  # more than 5 days, at most one year
    sources: tuple[str, ...]


def _class_period(jur: Jurisdiction, cls: str, on: dt.date) -> ClassPeriod | None:
    for p in jur.classes.get(cls, ()):
        if p.effective_from <= on and (p.effective_to is None or on <= p.effective_to):
            return p
    periods = jur.classes.get(cls, ())
    if periods and on < periods[0].effective_from:
        return periods[0]
    return None


def _lower_class(jur: Jurisdiction, cls: str) -> str:
    """The class of an attempt of an offense of class ``cls``: the jurisdiction's own map where it has
    one (Illinois, 720 ILCS 5/8-4(c), is not a one-step ladder), else the next class down."""
    if cls in jur.attempt_classes:
        return jur.attempt_classes[cls]
    order = jur.class_order
    if cls in order:
        i = order.index(cls)
        if i + 1 < len(order):
            return order[i + 1]
    return cls


def class_maximum(jur: Jurisdiction, cls: str, on: dt.date) -> tuple[int | None, bool, tuple[str, ...]]:
    """(max days or None for life, is_felony_class, sources) for a class on a date."""
    p = _class_period(jur, cls, on)
    if p is None:
        raise KeyError(cls)
    return p.max_custody_days, p.felony, p.sources


def _extended(jur: Jurisdiction, cls: str, on: dt.date, days: int | None) -> int | None:
    p = _class_period(jur, cls, on)
    if p is None or days is None or p.extended_max_custody_days is None:
        return days
    return max(days, p.extended_max_custody_days)


def _offense_class_on(off: Offense, on: dt.date) -> tuple[str, int | None, bool]:
    cls, override, life = off.offense_class, off.max_custody_days, off.life
    for per in off.periods:
        if per.effective_from <= on and (per.effective_to is None or on <= per.effective_to):
            cls = per.offense_class or cls
            override = per.max_custody_days if per.max_custody_days is not None else (None if per.offense_class else override)
            life = per.life
    return cls, override, life


def _max_for(jur: Jurisdiction, off: Offense, cls: str, override: int | None, life: bool, on: dt.date) -> tuple[int | None, tuple[str, ...], bool]:
    if life:
        return None, tuple(off.sources), True
    if override is not None:
        felony_flag = override > 365
        return override, tuple(off.sources), felony_flag
    try:
        days, felony, srcs = class_maximum(jur, cls, on)
    except KeyError:
        return None, tuple(off.sources), True
    return days, srcs, felony or days is None or (days is not None and days > 365)


def possible_sentence(jur: Jurisdiction, off: Offense, on: dt.date, inchoate: str | None, level: str | None) -> PossibleSentence:
    cls, override, life = _offense_class_on(off, on)
    if off.wobbler and level == "misdemeanor" and off.misdemeanor_class:
        cls, override, life = off.misdemeanor_class, None, False
    if inchoate == "attempt" and not off.inchoate_of and jur.attempt_rule == "one_class_lower" and override is None and not life:
        cls = _lower_class(jur, cls)
    days, srcs, felony = _max_for(jur, off, cls, override, life, on)
    if inchoate == "attempt" and jur.attempt_rule == "half_maximum" and days is not None and not off.inchoate_of:
        days = days // 2
    lawful = _extended(jur, cls, on, days) if override is None else days
    known = not (off.wobbler and level is None)
    if not known:
        # The record must say whether the conviction is a felony or a misdemeanor (e.g. Cal. Penal Code 17(b)).
        return PossibleSentence(days, lawful, False, cls, DEPENDS, DEPENDS, tuple(srcs))
    felony_t: Tri = YES if (days is None or days > 365) else NO
    misd: Tri = YES if (days is not None and 5 < days <= 365) else NO
    return PossibleSentence(days, lawful, True, cls, felony_t, misd, srcs)


def check_sentence(req: Request, path: str = "") -> None:
    """A sentence above the maximum in force on the disposition date is impossible: an error."""
    off, jur = req.offense, req.catalog.jurisdiction
    # An attempt is checked against the attempt's own maximum where the state's rule gives one
    # (Cal. Penal Code 664: half; N.Y. Penal Law 110.05: one class lower).
    ps = possible_sentence(jur, off, req.disposition_date, req.inchoate, req.offense_level if off.wobbler else None)
    limit = ps.lawful_max_days
    if limit is None:
        return
    term = req.custody_days + req.suspended_custody_days
    if term > limit:
        field = "sentence.custody_days" if req.custody_days > limit or req.suspended_custody_days == 0 else "sentence.suspended_custody_days"
        what = f"an attempt of {off.citation}" if req.inchoate == "attempt" else off.citation
        raise RequestError(
            f"a term of {term} days exceeds the maximum of {limit} days for {what} "
            f"({ps.offense_class}) in force on {req.disposition_date.isoformat()}",
            path + field,
        )
