"""What one disposition establishes (history-independent), and what earlier ones add.

``RecordFindings`` is the per-record result of applying the catalog and the definitions
to one disposition. ``Priors`` sums what the person's earlier records contribute; the
bulk path computes the same sums with SQL window functions over ``contribution()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from iiu.law.answer import Answer
from iiu.law.federal import parameters as P
from iiu.law.tri import DEPENDS, NO, YES, Tri, all_of, any_of


@dataclass(frozen=True, slots=True)
class RecordFindings:
    disposition: str
    disposition_date: dt.date
    offense_date: dt.date | None
    law_as_of: dt.date
    conviction: Answer
    term_days: int  # 101(a)(48)(B): custody + suspended
    custody_days: int  # custody actually ordered (DACA, 101(f)(7))
    possible_max_days: int | None  # None: life
    possible_max_known: bool  # False for a wobbler whose level the record does not state
    felony: Tri  # punishable by more than one year (8 CFR 244.1, 236.22)
    countable_misdemeanor: Tri  # punishable by more than 5 days and at most one year
    aggravated_felony: Answer
    cimt: Answer
    controlled_substance: Answer
    firearm: Answer
    domestic_violence: Answer
    crime_of_violence: Answer
    marijuana_personal_use: Tri
    marijuana_grams: float | None
    drug_trafficking: Answer  # the offense, whatever the disposition (212(a)(2)(C) reason to believe)
    prostitution: Answer  # the conduct (212(a)(2)(D))
    laken_riley: Answer  # the offense as the state defines it (236(c)(1)(E))
    daca_significant: Answer  # DV, sexual abuse, burglary, firearm, drug distribution, DUI
    minor_traffic: Tri
    dui: Tri
    murder: Tri
    gambling: Tri = "no"  # a gambling offense (101(f)(4), (5))
    # The offense's CIMT answer whatever the disposition: the petty offense exception turns on the crimes a person
    # committed, not only those of which they were convicted (212(a)(2)(A)(ii): "committed only one crime").
    cimt_charged: Tri = "no"
    minor_at_offense: Tri = "no"  # under 18 when the offense was committed (only when a birth date is given)
    # 237(a)(2)(E)(ii): the offense's protection-order match, whatever the disposition. That ground needs a
    # court's determination of the violation, not a conviction (Matter of Obshatko, 27 I&N Dec. 173 (BIA 2017)).
    protection_order: Answer = field(default_factory=lambda: Answer("no"))


def _n(t: Tri, want: Tri) -> int:
    return 1 if t == want else 0


def daca_custody_limit(on: dt.date) -> int:
    """DACA: more than this many days in custody make a misdemeanor significant (8 CFR 236.22(b)(6))."""
    return int(P.value("daca.significant_misdemeanor_custody_days", on) or 90)


def daca_significant_misdemeanor(r: RecordFindings) -> Tri:
    """A significant misdemeanor conviction for DACA (8 CFR 236.22(b)(6)): by its kind (domestic violence,
    sexual abuse, burglary, firearm, drug distribution, DUI) or by more than 90 days in custody."""
    by_custody: Tri = YES if r.custody_days > daca_custody_limit(r.law_as_of) else NO
    return all_of((r.conviction.result, r.countable_misdemeanor, any_of((r.daca_significant.result, by_custody))))


def contribution(r: RecordFindings) -> dict[str, int]:
    """What one record adds to a later record's ``Priors`` (summed over earlier records)."""
    conv = r.conviction.result
    cimt = r.cimt.result
    cs = r.controlled_substance.result
    misd_tps = all_of((conv, r.countable_misdemeanor))
    daca_misd = all_of((misd_tps, "no" if r.minor_traffic == YES else "yes", "no" if r.daca_significant.result == YES else "yes"))
    daca_sig = daca_significant_misdemeanor(r)
    counted = conv != NO
    return {
        "cimt_yes": _n(cimt, YES),
        "cimt_maybe": _n(cimt, DEPENDS),
        "cs_yes": _n(cs, YES),
        "cs_maybe": _n(cs, DEPENDS),
        "conv_yes": _n(conv, YES),
        "conv_maybe": _n(conv, DEPENDS),
        "misd_yes": _n(misd_tps, YES),
        "misd_maybe": _n(misd_tps, DEPENDS),
        "felony_yes": _n(all_of((conv, r.felony)), YES),
        "felony_maybe": _n(all_of((conv, r.felony)), DEPENDS),
        "daca_misd_yes": _n(daca_misd, YES),
        "daca_misd_maybe": _n(daca_misd, DEPENDS),
        "daca_sig_yes": _n(daca_sig, YES),
        "daca_sig_maybe": _n(daca_sig, DEPENDS),
        # A charged CIMT that ended without a conviction (dismissed, diverted, declined; not an acquittal) may
        # still be a crime the person committed.
        "cimt_not_convicted": 1 if conv == NO and r.cimt_charged != NO and r.disposition != "acquitted" else 0,
        "dui_yes": _n(all_of((conv, r.dui)), YES),
        "dui_maybe": _n(all_of((conv, r.dui)), DEPENDS),
        "gambling_yes": _n(all_of((conv, r.gambling)), YES),
        "gambling_maybe": _n(all_of((conv, r.gambling)), DEPENDS),
        "term_total": r.term_days if counted else 0,
        "custody_total": r.custody_days if counted else 0,
    }


@dataclass(frozen=True, slots=True)
class Priors:
    """Sums over the person's other (earlier or same-day) records."""

    cimt_yes: int = 0
    cimt_yes_same_date: int = 0  # of cimt_yes, those with the same offense date (single scheme?)
    cimt_maybe: int = 0
    cimt_not_convicted: int = 0  # earlier CIMT charges without a conviction (the petty offense exception)
    cs_yes: int = 0
    cs_maybe: int = 0
    conv_yes: int = 0
    conv_maybe: int = 0
    misd_yes: int = 0
    misd_maybe: int = 0
    felony_yes: int = 0
    felony_maybe: int = 0
    daca_misd_yes: int = 0
    daca_misd_maybe: int = 0
    daca_sig_yes: int = 0  # significant misdemeanors (DACA), by kind or custody
    daca_sig_maybe: int = 0
    dui_yes: int = 0
    dui_maybe: int = 0
    gambling_yes: int = 0
    gambling_maybe: int = 0
    term_total: int = 0
    custody_total: int = 0

    @classmethod
    def of(cls, current_offense_date: dt.date | None, others: list[RecordFindings]) -> Priors:
        sums = dict.fromkeys((f.name for f in fields(cls)), 0)
        for r in others:
            c = contribution(r)
            for k, v in c.items():
                sums[k] += v
            if (
                c["cimt_yes"]
                and current_offense_date is not None
                and r.offense_date is not None
                and r.offense_date == current_offense_date
            ):
                sums["cimt_yes_same_date"] += 1
        return cls(**sums)

    def count(self, yes_n: int, maybe_n: int, need: int, current: Tri = NO) -> Tri:
        """Whether ``need`` records are reached: 'yes' on certain ones, 'depends' counting possible ones.
        ``current``: this record's own answer, counted with the earlier ones."""
        yes_n += 1 if current == YES else 0
        maybe_n += 1 if current == DEPENDS else 0
        if yes_n >= need:
            return YES
        if yes_n + maybe_n >= need:
            return DEPENDS
        return NO
