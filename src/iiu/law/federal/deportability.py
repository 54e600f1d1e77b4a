"""Deportability on criminal grounds, INA 237(a)(2) (8 U.S.C. 1227(a)(2)), for a person who was admitted."""

from __future__ import annotations

import datetime as dt

from iiu.law.answer import Answer, Step, combine_any, depends, no, yes
from iiu.law.federal import parameters as P
from iiu.law.federal.record import Priors, RecordFindings
from iiu.law.tri import DEPENDS, NO, YES, all_of

S237 = "8 U.S.C. 1227(a)(2)"


def years_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def years_later(d: dt.date, years: int) -> dt.date:
    """The anniversary ``years`` after ``d`` (29 February: 1 March of a common year)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 3, 1)


ALYAZJI = "Matter of Alyazji, 25 I&N Dec. 397 (BIA 2011)"
EARLIER_ADMISSION = ("whether the person was present under an earlier admission when the offense was committed "
                     "(the period runs from the admission under which the person was then present)")


def within_years_of_admission(admission: dt.date | None, offense: dt.date | None, years: int) -> Answer:
    if admission is None or offense is None:
        missing = tuple(n for n, v in (("admission_date", admission), ("offense_date", offense)) if v is None)
        return depends(
            f"Turns on whether the offense was committed within {years} years after the date of admission.",
            missing,
            (ALYAZJI,),
        )
    if offense < admission:
        # Alyazji: the clock runs from the admission by virtue of which the person was present when the offense
        # was committed. An offense before the admission given means the person was then present some other
        # way — possibly under an earlier admission (e.g. a visa admission before adjustment), whose clock
        # the request does not give. Not a "no".
        return depends(
            f"The offense was committed before the admission given ({admission}); the period runs from the admission "
            "under which the person was present when the offense was committed, which may be an earlier one.",
            (EARLIER_ADMISSION,),
            (ALYAZJI,),
        )
    # Calendar years, the anniversary included (365.25-day years misplaced the boundary by a day).
    inside = offense <= years_later(admission, years)
    return (yes if inside else no)(
        f"Offense committed {years_between(admission, offense):.1f} years after admission.",
        (ALYAZJI,),
    )


def cimt_within_five_years(r: RecordFindings, admission: dt.date | None) -> Answer:
    """237(a)(2)(A)(i): one CIMT within 5 years of admission, for which a sentence of one year or
    longer may be imposed — the maximum as it stood at conviction (Matter of Velasquez-Rios;
    Peguero Vasquez v. Garland)."""
    if r.cimt.result == NO:
        return r.cimt
    src = ("8 U.S.C. 1227(a)(2)(A)(i)", "Matter of Velasquez-Rios, 27 I&N Dec. 470 (BIA 2018)")
    threshold = P.value("cimt.deportability_possible_sentence_days", r.law_as_of)
    if threshold is None:
        # Before AEDPA: a sentence to confinement of one year or longer was required.
        sentence = YES if r.term_days >= 365 else NO
    elif not r.possible_max_known:
        sentence = DEPENDS
    else:
        sentence = YES if (r.possible_max_days is None or r.possible_max_days >= threshold) else NO
    if sentence == NO:
        return no(
            f"A sentence of one year cannot be imposed (maximum {r.possible_max_days} days at conviction), "
            "so one CIMT does not make the person deportable under 237(a)(2)(A)(i).",
            src,
        )
    years = P.value("cimt.deportability_years_after_admission", r.law_as_of) or 5
    clock = within_years_of_admission(admission, r.offense_date, years)
    years_j = P.value("cimt.deportability_years_after_admission_245j", r.law_as_of)
    if clock.result == NO and years_j is not None and within_years_of_admission(admission, r.offense_date, years_j).result != NO:
        # 237(a)(2)(A)(i)(I): "within five years (or 10 years in the case of an alien provided lawful permanent
        # resident status under section 245(j))". The engine is status-blind, so 5 to 10 years is not a "no".
        clock = depends(
            f"Committed more than {years} but within {years_j} years after admission: the period is {years_j} years "
            "for a person who became a permanent resident under INA 245(j).",
            (f"whether the person became a permanent resident under INA 245(j) (S nonimmigrant), for whom the period is {years_j} years",),
            ("8 U.S.C. 1227(a)(2)(A)(i)(I)", "8 U.S.C. 1255(j)", *clock.sources),
        )
    result = all_of((r.cimt.result, sentence, clock.result))
    ground = ("INA 237(a)(2)(A)(i) CIMT within five years of admission",)
    step = (Step("INA 237(a)(2)(A)(i)", f"maximum at conviction {r.possible_max_days} days; offense {r.offense_date}; admission {admission}",
                 (P.used("cimt.deportability_possible_sentence_days", r.law_as_of), P.used("cimt.deportability_years_after_admission", r.law_as_of),
                  P.used("cimt.deportability_years_after_admission_245j", r.law_as_of))),)
    if result == YES:
        return yes("A CIMT committed within five years of admission, punishable by a year or more.", src, ground, step)
    if result == NO:
        return no(clock.why, (*src, *clock.sources), step)
    deps = (*r.cimt.depends_on, *(("offense_level",) if sentence == DEPENDS else ()), *clock.depends_on)
    return depends(
        "A CIMT punishable by a year or more makes a person deportable if committed within five years of admission.",
        deps,
        (*src, *clock.sources),
        ground,
        step,
    )


def two_cimts(r: RecordFindings, p: Priors) -> Answer:
    """237(a)(2)(A)(ii): two CIMT convictions after admission, not arising out of a single scheme."""
    if r.cimt.result == NO:
        return r.cimt
    distinct = p.cimt_yes - p.cimt_yes_same_date
    other = YES if distinct >= 1 else (DEPENDS if (p.cimt_yes_same_date + p.cimt_maybe) >= 1 else NO)
    src = ("8 U.S.C. 1227(a)(2)(A)(ii)", "Matter of Adetiba, 20 I&N Dec. 506 (BIA 1992)")
    if other == NO:
        return no("No other CIMT conviction is known.", src)
    result = all_of((r.cimt.result, other))
    ground = ("INA 237(a)(2)(A)(ii) two CIMTs not arising out of a single scheme",)
    if result == YES:
        return yes("Two CIMT convictions after admission (a single trial does not matter).", src, ground)
    deps = list(r.cimt.depends_on)
    if p.cimt_yes_same_date and distinct < 1:
        deps.append("whether the CIMTs arose out of a single scheme of criminal misconduct")
    if p.cimt_maybe and distinct < 1:
        deps.append("whether an earlier offense is a CIMT")
    return depends("Two CIMT convictions make a person deportable.", deps or ["cimt"], src, ground)


def controlled_substance(r: RecordFindings, p: Priors) -> Answer:
    """237(a)(2)(B)(i), except a single offense of possession for own use of 30 g or less of marijuana."""
    cs = r.controlled_substance
    if cs.result == NO:
        return cs
    grams = P.value("marijuana.personal_use_grams", r.law_as_of)
    src = ("8 U.S.C. 1227(a)(2)(B)(i)", "Matter of Davey, 26 I&N Dec. 37 (BIA 2012)", "Matter of Dominguez-Rodriguez, 26 I&N Dec. 408 (BIA 2014)")
    ground = ("INA 237(a)(2)(B)(i) controlled substance offense",)
    if r.marijuana_personal_use == NO or grams is None:
        exception = NO
    else:
        single = NO if p.cs_yes else (DEPENDS if p.cs_maybe else YES)
        amount = DEPENDS if r.marijuana_grams is None else (YES if r.marijuana_grams <= grams else NO)
        exception = all_of((r.marijuana_personal_use, single, amount))
    if exception == YES:
        return no(f"A single offense of possession for one's own use of {grams} grams or less of marijuana is excepted.", src)
    if exception == NO:
        return Answer(cs.result, cs.why, ground, cs.depends_on, (src[0], *cs.sources))
    deps = list(cs.depends_on)
    if r.marijuana_grams is None:
        deps.append("marijuana_grams")
    if p.cs_maybe:
        deps.append("whether an earlier offense is a controlled substance offense")
    if r.marijuana_personal_use == DEPENDS:
        deps.append(PERSONAL_USE_QUESTION)
    return depends(f"Deportable unless a single offense of possession for own use of {grams} g or less of marijuana.", deps, src, ground)


# What an open marijuana_personal_use turns on: the substance or the purpose (own use), not always the
# substance (was: "substance" also when the request named marijuana).
PERSONAL_USE_QUESTION = "whether the offense was possession of marijuana for one's own use"


# Dispositions in which a court itself found that the person committed the offense, without a conviction.
COURT_FINDING_WITHOUT_CONVICTION = frozenset({"juvenile_adjudication", "youthful_offender"})
COURT_DETERMINATION = ("whether a civil or criminal court determined that the person violated the portion of the order "
                       "protecting against credible threats of violence, repeated harassment or bodily injury")


def protection_order_violation(r: RecordFindings) -> Answer:
    """237(a)(2)(E)(ii) without a conviction. The ground reaches a person "whom the court determines has engaged
    in conduct that violates" the protective portion of a protection order: a civil or criminal court's
    determination suffices and no conviction is needed (Matter of Obshatko, 27 I&N Dec. 173 (BIA 2017)). A
    conviction is read through ``r.domestic_violence``; a disposition that is not one (dismissed, acquitted,
    diversion, a pending charge) leaves open whether a court (a family court's contempt finding, say) determined
    the violation, so it is never a "no" for an offense that may be a protection-order violation."""
    po = r.protection_order
    src = ("8 U.S.C. 1227(a)(2)(E)(ii)", "Matter of Obshatko, 27 I&N Dec. 173 (BIA 2017)")
    if po.result == NO or r.conviction.result == YES:
        return no("No protection-order violation to read apart from a conviction.", src)
    ground = ("INA 237(a)(2)(E)(ii) violation of a protection order (a court's determination; no conviction needed)",)
    if r.disposition in COURT_FINDING_WITHOUT_CONVICTION:
        return Answer(po.result, "A court (here a juvenile or youthful-offender court) that finds the person violated the "
                      "protective portion of a protection order makes the person deportable; no conviction is needed.",
                      ground, po.depends_on, (*src, *po.sources))
    return depends(
        "Not a conviction, but 237(a)(2)(E)(ii) needs none: a civil or criminal court's determination that the person "
        "violated the protective portion of a protection order makes the person deportable.",
        (*po.depends_on, COURT_DETERMINATION),
        (*src, *po.sources),
        ground,
    )


def deportable(r: RecordFindings, p: Priors, admission: dt.date | None) -> tuple[Answer, dict[str, Answer]]:
    dv, po = r.domestic_violence, protection_order_violation(r)
    parts = {
        "cimt_within_5_years": cimt_within_five_years(r, admission),
        "two_cimts": two_cimts(r, p),
        "aggravated_felony": _ground(r.aggravated_felony, "INA 237(a)(2)(A)(iii) aggravated felony", "8 U.S.C. 1227(a)(2)(A)(iii)"),
        "controlled_substance": controlled_substance(r, p),
        "firearm": _ground(r.firearm, "INA 237(a)(2)(C) firearm offense", "8 U.S.C. 1227(a)(2)(C)"),
        "domestic_violence": _ground(
            dv if po.result == NO else combine_any([dv, po], "No ground under 237(a)(2)(E) applies.", ("8 U.S.C. 1227(a)(2)(E)",)),
            "INA 237(a)(2)(E) domestic violence, stalking, child abuse or protection order", "8 U.S.C. 1227(a)(2)(E)"),
    }
    return combine_any(list(parts.values()), "No criminal ground of deportability under 237(a)(2) applies.", (S237,)), parts


def _ground(a: Answer, label: str, source: str) -> Answer:
    if a.result == NO:
        return a
    grounds = a.grounds if label in a.grounds else (label, *a.grounds)
    return Answer(a.result, a.why, grounds, a.depends_on, (source, *a.sources), a.trace)
