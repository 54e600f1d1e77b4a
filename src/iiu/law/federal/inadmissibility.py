"""Inadmissibility on criminal grounds, INA 212(a)(2) (8 U.S.C. 1182(a)(2)),
and the petty offense exception, 212(a)(2)(A)(ii)(II)."""

from __future__ import annotations

import datetime as dt

from iiu.law.answer import Answer, Step, combine_any, depends, gate, no, yes
from iiu.law.federal import parameters as P
from iiu.law.federal.deportability import years_later
from iiu.law.federal.record import Priors, RecordFindings
from iiu.law.tri import DEPENDS, NO, YES, all_of

S212A: tuple[str, ...] = ("8 U.S.C. 1182(a)(2)(A)(ii)(II)",)


def petty_offense_exception(r: RecordFindings, p: Priors) -> Answer:
    """The only CIMT, a maximum possible penalty of one year or less, and no sentence over 6 months."""
    if r.conviction.result == NO:
        return no("Not needed: the disposition is not a conviction.", S212A)
    if r.cimt.result == NO:
        return no("Not needed: the offense is not a crime involving moral turpitude.", S212A)
    max_possible = P.value("petty_offense.max_possible_days", r.law_as_of) or 0
    max_imposed = P.value("petty_offense.max_imposed_days", r.law_as_of) or 0
    if not r.possible_max_known:
        max_ok = DEPENDS
    else:
        max_ok = YES if (r.possible_max_days is not None and r.possible_max_days <= max_possible) else NO
    imposed_ok = YES if r.term_days <= max_imposed else NO
    only_one = p.count(p.cimt_yes, p.cimt_maybe + p.cimt_not_convicted, 1)
    only_one = NO if only_one == YES else (DEPENDS if only_one == DEPENDS else YES)
    result = all_of((max_ok, imposed_ok, only_one))
    why_parts = []
    if max_ok == NO:
        why_parts.append(f"the maximum possible sentence ({r.possible_max_days or 'life'} days at conviction) exceeds one year")
    if imposed_ok == NO:
        why_parts.append(f"the sentence imposed ({r.term_days} days, suspended time included) exceeds six months")
    if only_one == NO:
        why_parts.append("the person has another CIMT")
    sources = ("8 U.S.C. 1182(a)(2)(A)(ii)(II)", "8 U.S.C. 1101(a)(48)(B)")
    step = (Step("INA 212(a)(2)(A)(ii)(II) petty offense exception",
                 f"maximum {r.possible_max_days} days at conviction; term {r.term_days} days; other CIMTs {p.cimt_yes}+{p.cimt_maybe} possible",
                 (P.used("petty_offense.max_possible_days", r.law_as_of), P.used("petty_offense.max_imposed_days", r.law_as_of))),)
    if result == YES:
        return yes(
            "A first CIMT punishable by one year or less with a sentence of six months or less is excepted "
            "(this presumes no other CIMT than those in the history given).",
            sources,
            trace=step,
        )
    if result == NO:
        return no("The petty offense exception does not apply: " + "; ".join(why_parts) + ".", sources, step)
    deps: list[str] = []
    if max_ok == DEPENDS:
        deps.append("offense_level")
    if only_one == DEPENDS and p.cimt_maybe:
        deps.append("whether an earlier offense is a CIMT")
    if only_one == DEPENDS and p.cimt_not_convicted:
        # "Committed only one crime": an earlier CIMT charge without a conviction counts if the person committed it.
        deps.append("whether the person committed an earlier charged CIMT that ended without a conviction")
    return depends("The petty offense exception turns on facts the request leaves open.", deps, sources, trace=step)


def youthful_offender_exception(r: RecordFindings, p: Priors) -> Answer:
    """212(a)(2)(A)(ii)(I): the only crime, committed under 18, and the crime and any release from
    confinement more than 5 years before the application (here: the date of the law applied)."""
    src = ("8 U.S.C. 1182(a)(2)(A)(ii)(I)",)
    if r.cimt.result == NO or r.conviction.result == NO:
        return no("Not needed.", src)
    if r.minor_at_offense == NO:
        return no("Applies only to a crime committed under the age of 18 (no birth date given, or an adult).", src)
    release = r.disposition_date + dt.timedelta(days=r.custody_days)
    # "More than 5 years before": counted in calendar years (was 5 x 365 + 1 days, a day short across two leap days).
    five_years = (r.law_as_of > years_later(release, 5) and r.offense_date is not None
                  and r.law_as_of > years_later(r.offense_date, 5))
    only_one = NO if p.cimt_yes else (DEPENDS if p.cimt_maybe else YES)
    result = all_of((r.minor_at_offense, YES if five_years else NO, only_one))
    if result == YES:
        return yes("A single crime committed under 18, more than five years before, with release more than five years ago.", src)
    if result == NO:
        return no("The youthful offender exception does not apply (age, the five years, or another crime).", src)
    return depends("The youthful offender exception turns on facts the request leaves open.",
                   ("the person's age at the offense" if r.minor_at_offense == DEPENDS else "whether an earlier offense is a CIMT",), src)


def cimt_ground(r: RecordFindings, p: Priors, petty: Answer) -> Answer:
    """(A)(i)(I) CIMT, unless the petty offense or youthful offender exception applies."""
    youth = youthful_offender_exception(r, p)
    if youth.result == YES or (youth.result == DEPENDS and petty.result == NO):
        petty = youth
    cimt_ground = r.cimt
    if r.cimt.result != NO and petty.result != NO:
        if petty.result == YES:
            cimt_ground = no("The CIMT falls within the petty offense or youthful offender exception.", petty.sources)
        else:
            cimt_ground = depends(r.cimt.why, (*r.cimt.depends_on, *petty.depends_on) or ("petty offense exception",), (*r.cimt.sources, *petty.sources))
    return _label(cimt_ground, "INA 212(a)(2)(A)(i)(I) crime involving moral turpitude", "8 U.S.C. 1182(a)(2)(A)(i)(I)")


def controlled_substance_ground(cs: Answer) -> Answer:
    """(A)(i)(II) controlled substance: no 30-gram exception here (212(h) may waive it)."""
    return _label(cs, "INA 212(a)(2)(A)(i)(II) controlled substance violation", "8 U.S.C. 1182(a)(2)(A)(i)(II)")


def multiple_convictions_ground(r: RecordFindings, p: Priors) -> Answer | None:
    """(B) two or more convictions with aggregate sentences of 5 years or more."""
    conv = r.conviction
    agg = P.value("inadmissibility.aggregate_sentence_days", r.law_as_of) or 1825
    if conv.result != NO and p.conv_yes + p.conv_maybe >= 1 and r.term_days + p.term_total >= agg:
        two = YES if (conv.result == YES and p.conv_yes >= 1) else DEPENDS
        return Answer(two, f"Two or more convictions with aggregate sentences of {r.term_days + p.term_total} days (5 years or more).",
                      ("INA 212(a)(2)(B) multiple convictions",), ("whether the earlier dispositions are convictions",) if two == DEPENDS else (),
                      ("8 U.S.C. 1182(a)(2)(B)",))
    return None


def trafficker_ground(r: RecordFindings) -> Answer | None:
    """(C) reason to believe the person is or was a trafficker: no conviction required."""
    if r.drug_trafficking.result == NO:
        return None
    if r.conviction.result == YES and r.drug_trafficking.result == YES:
        return yes("A trafficking conviction gives reason to believe the person is a trafficker.",
                   ("8 U.S.C. 1182(a)(2)(C)",), ("INA 212(a)(2)(C) controlled substance trafficker",))
    return depends(
        "A trafficking charge can give an officer 'reason to believe' the person is a trafficker even without a conviction.",
        ("whether the evidence gives reason to believe the person trafficked",),
        ("8 U.S.C. 1182(a)(2)(C)",), ("INA 212(a)(2)(C) controlled substance trafficker",))


def prostitution_ground(r: RecordFindings) -> Answer | None:
    """(D) prostitution: conduct-based."""
    if r.prostitution.result == NO:
        return None
    res = YES if (r.conviction.result == YES and r.prostitution.result == YES) else DEPENDS
    return Answer(res, "Engaging in prostitution within 10 years is a ground of inadmissibility whether or not convicted.",
                  ("INA 212(a)(2)(D) prostitution",), () if res == YES else ("whether the person engaged in prostitution within 10 years",),
                  ("8 U.S.C. 1182(a)(2)(D)",))


NONE_APPLIES = "No criminal ground of inadmissibility under 212(a)(2) applies."


def inadmissible(r: RecordFindings, p: Priors, petty: Answer) -> Answer:
    grounds = [cimt_ground(r, p, petty), controlled_substance_ground(r.controlled_substance)]
    grounds += [g for g in (multiple_convictions_ground(r, p), trafficker_ground(r), prostitution_ground(r)) if g is not None]
    return combine_any(grounds, NONE_APPLIES, ("8 U.S.C. 1182(a)(2)",))


def _label(a: Answer, ground: str, source: str) -> Answer:
    if a.result == NO:
        return a
    return Answer(a.result, a.why, (ground,), a.depends_on, (source, *a.sources), a.trace)


__all__ = ["gate", "inadmissible", "petty_offense_exception"]
