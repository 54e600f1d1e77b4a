"""Criminal bars to relief: asylum (208), withholding (241(b)(3)), cancellation of removal
(240A(a), (b)(1)) with the stop-time rule (240A(d)(1)), DACA (8 CFR 236.22), TPS (244(c)(2)(B);
8 CFR 244.4) and naturalization good moral character (101(f))."""

from __future__ import annotations

import datetime as dt

from iiu.law.answer import Answer, combine_any, depends, no, yes
from iiu.law.federal import inadmissibility
from iiu.law.federal import parameters as P
from iiu.law.federal.deportability import PERSONAL_USE_QUESTION, within_years_of_admission
from iiu.law.federal.record import Priors, RecordFindings, daca_custody_limit
from iiu.law.tri import DEPENDS, NO, YES, Tri, all_of, any_of

PSC = "whether the offense is found a particularly serious crime"


def _potentially_serious(r: RecordFindings) -> Tri:
    """Whether the conviction could be found a particularly serious crime case by case. Outside the
    aggravated-felony rule no offense is excluded by its elements (Matter of N-A-M-, 24 I&N Dec. 336
    (BIA 2007)), so any felony can be; a misdemeanor involving violence, firearms, domestic violence or
    drug trafficking (Matter of G-G-S-, 26 I&N Dec. 339 (BIA 2014)), or driving under the influence
    (Delgado v. Holder, 648 F.3d 1095 (9th Cir. 2011) (en banc)), can be too."""
    violent = any_of((r.crime_of_violence.result, r.domestic_violence.result, r.firearm.result, r.drug_trafficking.result,
                      r.dui))
    return any_of((r.felony, violent))


def asylum_bar(r: RecordFindings) -> Answer:
    src = ("8 U.S.C. 1158(b)(2)(A)(ii), (B)(i)",)
    af = r.aggravated_felony
    if af.result == YES:
        return yes("An aggravated felony is a particularly serious crime for asylum.", src, ("INA 208(b)(2)(B)(i)",))
    if r.conviction.result == NO:
        return no("No conviction.", src)
    serious = _potentially_serious(r)
    if af.result == DEPENDS or serious != NO:
        return depends(
            "Other convictions can be found particularly serious case by case, from the elements and the facts.",
            (*af.depends_on, PSC),
            (*src, "Matter of N-A-M-, 24 I&N Dec. 336 (BIA 2007)", "Matter of G-G-S-, 26 I&N Dec. 339 (BIA 2014)",
             "Delgado v. Holder, 648 F.3d 1095 (9th Cir. 2011) (en banc)"),
            ("INA 208(b)(2)(A)(ii)",),
        )
    return no("A misdemeanor that is not an aggravated felony and involves no violence, firearm, drug trafficking or "
              "drunk driving: not one that could be found particularly serious.",
              (*src, "Matter of N-A-M-, 24 I&N Dec. 336 (BIA 2007)", "Matter of G-G-S-, 26 I&N Dec. 339 (BIA 2014)"))


def withholding_bar(r: RecordFindings, p: Priors) -> Answer:
    src = ("8 U.S.C. 1231(b)(3)(B)",)
    af = r.aggravated_felony
    if af.result == NO:
        a = asylum_bar(r)
        if a.result == NO:
            return no("No conviction that could be a particularly serious crime.", src)
        return depends("A particularly serious crime bars withholding; outside the per se rule it is decided case by case.",
                       (PSC,), (*src, "Matter of N-A-M-, 24 I&N Dec. 336 (BIA 2007)"))
    agg = P.value("withholding.aggregate_sentence_days", r.law_as_of) or 1825
    if af.result == YES and r.term_days >= agg:
        return yes("An aggravated felony with a term of imprisonment of five years or more is per se particularly serious.",
                   src, ("INA 241(b)(3)(B)",))
    return depends("An aggravated felony with less than five years may still be found particularly serious.",
                   (*af.depends_on, PSC), src)


STOP_TIME_OTHER_GROUNDS = ("whether an offense rendering the person inadmissible under 212(a)(2)(B), (C) or (D) (not as a CIMT or "
                           "drug offense) is an offense 'referred to in section 212(a)(2)' that stops time under 240A(d)(1)(B)")


def lpr_cancellation_bar(r: RecordFindings, inadmissible: Answer, deportable: Answer, admission: dt.date | None,
                         petty: Answer | None = None) -> Answer:
    """240A(a)(3) aggravated felony; 240A(d)(1) stop-time: an offense referred to in 212(a)(2) that renders
    the person inadmissible or removable, committed within 7 years of admission (Barton v. Barr). A CIMT within
    the petty offense exception is not 'referred to in 212(a)(2)', even if it makes the person deportable
    (Matter of Garcia, 25 I&N Dec. 332 (BIA 2010); Matter of Deanda-Romo, 27 I&N Dec. 1 (BIA 2019))."""
    parts: list[Answer] = []
    af = r.aggravated_felony
    if af.result != NO:
        parts.append(Answer(af.result, "An aggravated felony bars LPR cancellation.", ("INA 240A(a)(3)",),
                            af.depends_on, ("8 U.S.C. 1229b(a)(3)", *af.sources)))
    outside_petty: Tri = YES if petty is None else {YES: NO, NO: YES}.get(petty.result, DEPENDS)
    referred = any_of((all_of((r.cimt.result, outside_petty)), r.controlled_substance.result))
    renders = any_of((inadmissible.result, deportable.result))
    trigger = all_of((referred, renders))
    open_question = "whether the offense renders the person inadmissible or removable"
    if trigger == NO and inadmissible.result != NO:
        # Inadmissible under 212(a)(2) through (B) multiple convictions, (C) or (D) alone: those grounds refer to
        # offenses too ("2 or more offenses" in (B)), and whether they stop time is not settled. Not a "no".
        trigger, open_question = DEPENDS, STOP_TIME_OTHER_GROUNDS
    if trigger != NO:
        clock = within_years_of_admission(admission, r.offense_date, 7)
        res = all_of((trigger, clock.result))
        if res != NO:
            deps = () if res == YES else (*clock.depends_on, *(() if trigger == YES else (open_question,)))
            parts.append(Answer(res, "The stop-time rule ends continuous residence on the date an offense referred to in "
                                     "212(a)(2) is committed, if within the first 7 years after admission.",
                                ("INA 240A(d)(1)(B) stop-time",), deps,
                                ("8 U.S.C. 1229b(a)(2), (d)(1)", "Barton v. Barr, 590 U.S. 222 (2020)")))
    return combine_any(parts, "No aggravated felony, and no stop-time offense within the first seven years.", ("8 U.S.C. 1229b(a)",))


def conduct_classes_without_conviction(r: RecordFindings) -> list[Answer]:
    """101(f)(3) without a conviction: the 212(a)(2)(D) class bars 'whether inadmissible or not' (engaging in
    prostitution), and the (C) trafficker class reaches an offense the person admits committing. A dismissed or
    diverted charge leaves both open (was: 'no' for every non-conviction, while inadmissibility said 'depends')."""
    parts: list[Answer] = []
    if r.prostitution.result != NO:
        parts.append(depends("101(f)(3) bars good moral character for one who engaged in prostitution during the statutory "
                             "period (the 212(a)(2)(D) class), convicted or not.",
                             ("whether the person engaged in prostitution during the statutory period",),
                             ("8 U.S.C. 1101(f)(3)", "8 U.S.C. 1182(a)(2)(D)"), ("INA 101(f)(3): INA 212(a)(2)(D) prostitution",)))
    if r.drug_trafficking.result != NO:
        parts.append(depends("101(f)(3) reaches the 212(a)(2)(C) trafficker class for an offense the person admits "
                             "committing, without a conviction.",
                             ("whether the person admits committing the trafficking offense",),
                             ("8 U.S.C. 1101(f)(3)", "8 U.S.C. 1182(a)(2)(C)"),
                             ("INA 101(f)(3): INA 212(a)(2)(C) controlled substance trafficker",)))
    return parts


def two_dui_presumption(r: RecordFindings, p: Priors) -> Answer | None:
    """Two or more DUI convictions during the period presume a lack of good moral character (Matter of
    Castillo-Perez, a 240A(b)(1)(B) case; rebuttable). A DUI that may be one counts as possibly one."""
    cur = all_of((r.conviction.result, r.dui))
    n = p.count(p.dui_yes, p.dui_maybe, 2, cur)
    if n == NO:
        return None
    return depends("Two or more DUI convictions in the period raise a presumption against good moral character.",
                   ("rebuttal of the presumption", *(() if n == YES else ("whether each disposition is a DUI conviction",))),
                   ("Matter of Castillo-Perez, 27 I&N Dec. 664 (A.G. 2019)", "8 U.S.C. 1101(f)"), ("Castillo-Perez: two DUIs",))


def gambling_bars(r: RecordFindings, p: Priors) -> list[Answer]:
    """101(f)(5): two or more gambling offenses committed during the period; 101(f)(4): income derived
    principally from illegal gambling (a fact the record does not give)."""
    src = ("8 U.S.C. 1101(f)(4)", "8 U.S.C. 1101(f)(5)")
    cur = all_of((r.conviction.result, r.gambling))
    if cur == NO:
        return []
    n = p.count(p.gambling_yes, p.gambling_maybe, 2, cur)
    return [depends("One whose income derives principally from illegal gambling lacks good moral character (101(f)(4)).",
                     ("whether the person's income derives principally from illegal gambling",
                      *(("whether the offense is a gambling offense",) if cur == DEPENDS else ())), src, ("INA 101(f)(4) gambling income",)),
            *_counted(n, "Two or more gambling offenses committed during the statutory period bar good moral character.",
                      "INA 101(f)(5) two gambling offenses", ("whether each disposition is a gambling offense conviction",), src)]


def non_lpr_cancellation_bar(r: RecordFindings, p: Priors, petty: Answer) -> Answer:
    """240A(b)(1)(C): convicted of an offense under 212(a)(2), 237(a)(2) or 237(a)(3). 'Under' means
    described in (Matter of Cortez Canales); 212(h) cannot cure it (Matter of Bustamante)."""
    src = "8 U.S.C. 1229b(b)(1)(C)"
    gmc = ("8 U.S.C. 1229b(b)(1)(B)",)  # ten years of good moral character: the 101(f) bars
    if r.conviction.result == NO:
        return combine_any([_with_sources(a, gmc) for a in conduct_classes_without_conviction(r)], "No conviction.", (src,))
    parts: list[Answer] = []
    cimt = r.cimt
    if cimt.result != NO:
        if r.possible_max_known and (r.possible_max_days is None or r.possible_max_days >= 365):
            parts.append(Answer(cimt.result, "A CIMT for which a sentence of one year may be imposed is an offense described "
                                "in 237(a)(2)(A)(i), whatever the admission date or the petty offense exception.",
                                ("INA 240A(b)(1)(C): CIMT described in 237(a)(2)",), cimt.depends_on,
                                (src, "Matter of Cortez Canales, 25 I&N Dec. 301 (BIA 2010)", *cimt.sources)))
        elif petty.result == NO:
            parts.append(Answer(cimt.result, "A CIMT outside the petty offense exception is an offense under 212(a)(2).",
                                ("INA 240A(b)(1)(C): CIMT under 212(a)(2)",), cimt.depends_on, (src, *cimt.sources)))
        else:
            parts.append(depends(
                "A CIMT punishable by less than a year that keeps the petty offense exception is not itself a bar, but the "
                "exception covers a single CIMT only and good moral character over ten years is also required.",
                (*cimt.depends_on, *petty.depends_on, "whether this is the person's only CIMT (petty offense exception)"),
                (src, "Matter of Pedroza, 25 I&N Dec. 312 (BIA 2010)", "Matter of Cortez Canales, 25 I&N Dec. 301 (BIA 2010)"),
                ("INA 240A(b)(1)(C): CIMT",)))
    for a, label in ((r.controlled_substance, "controlled substance offense"), (r.aggravated_felony, "aggravated felony"),
                     (r.firearm, "firearm offense"), (r.domestic_violence, "domestic violence offense")):
        if a.result != NO:
            parts.append(Answer(a.result, f"A {label} is an offense under 212(a)(2) or 237(a)(2).",
                                (f"INA 240A(b)(1)(C): {label}",), a.depends_on,
                                (src, "Matter of Bustamante, 25 I&N Dec. 564 (BIA 2011)", *a.sources)))
    conf = P.value("naturalization.confinement_days", r.law_as_of) or 180
    if r.custody_days + p.custody_total >= conf:
        parts.append(yes(f"Confinement of {conf} days or more for convictions bars good moral character (101(f)(7)).",
                         (src, "8 U.S.C. 1101(f)(7)", "8 U.S.C. 1229b(b)(1)(B)"), ("INA 101(f)(7) confinement",)))
    agg = P.value("inadmissibility.aggregate_sentence_days", r.law_as_of) or 1825
    if p.conv_yes + p.conv_maybe >= 1 and r.term_days + p.term_total >= agg:
        parts.append(Answer(YES if p.conv_yes else DEPENDS, "Two or more convictions with aggregate sentences of five years.",
                            ("INA 240A(b)(1)(C): 212(a)(2)(B)",), () if p.conv_yes else ("whether the earlier dispositions are convictions",),
                            (src, "8 U.S.C. 1182(a)(2)(B)")))
    # Good moral character (240A(b)(1)(B)) also reads the 101(f) bars that are not offenses under 212(a)(2):
    # the two-DUI presumption (Castillo-Perez was a cancellation case) and the gambling bars.
    dui = two_dui_presumption(r, p)
    parts += [_with_sources(a, gmc) for a in (*([dui] if dui else []), *gambling_bars(r, p))]
    return combine_any(parts, "The conviction is not an offense under 212(a)(2), 237(a)(2) or 237(a)(3).", (src,))


def _counted(n: Tri, why: str, ground: str, open_question: tuple[str, ...], sources: tuple[str, ...]) -> list[Answer]:
    """A bar that counts records (this one and the history's): none if not reached, else its answer, naming
    ``open_question`` when only possible records reach it."""
    if n == NO:
        return []
    return [Answer(n, why, (ground,), () if n == YES else open_question, sources)]


def _with_sources(a: Answer, sources: tuple[str, ...]) -> Answer:
    return Answer(a.result, a.why, a.grounds, a.depends_on, (*sources, *a.sources), a.trace)


def daca_bar(r: RecordFindings, p: Priors) -> Answer:
    """8 CFR 236.22(b)(6): a felony, a significant misdemeanor, or three or more other misdemeanors."""
    src = ("8 CFR 236.22(b)(6)", "USCIS DACA Frequently Asked Questions (2012), Q61-Q65")
    conv = r.conviction.result
    if conv == NO:
        return no("No conviction (juvenile adjudications and expunged convictions are weighed in discretion).", src)
    parts: list[Answer] = []
    # A conviction that is itself open must name what it turns on (was: 'depends' naming nothing).
    conv_deps = r.conviction.depends_on if conv == DEPENDS else ()
    if r.felony != NO:
        parts.append(Answer(all_of((conv, r.felony)), "A felony (punishable by more than one year) bars DACA.",
                            ("DACA: felony",), (*(("offense_level",) if r.felony == DEPENDS else ()), *conv_deps), src))
    misd = all_of((conv, r.countable_misdemeanor))
    if misd != NO:
        # What an open misdemeanor turns on: the conviction's own question, else whether it is a misdemeanor.
        misd_deps = (*conv_deps, *(("offense_level",) if misd == DEPENDS and not conv_deps else ()))
        sig = r.daca_significant
        limit = daca_custody_limit(r.law_as_of)
        if sig.result != NO:
            parts.append(Answer(all_of((misd, sig.result)), "A misdemeanor of domestic violence, sexual abuse, burglary, unlawful "
                                "firearm possession, drug distribution or DUI is a significant misdemeanor regardless of sentence.",
                                ("DACA: significant misdemeanor",), (*sig.depends_on, *misd_deps), (*src, *sig.sources)))
        if r.custody_days > limit:
            parts.append(Answer(misd, f"A misdemeanor with more than {limit} days in custody (suspended time not counted) is significant.",
                                ("DACA: significant misdemeanor (custody)",), misd_deps, src))
        if r.minor_traffic != YES:
            parts += _counted(p.count(p.daca_misd_yes, p.daca_misd_maybe, 3, misd),
                              "Three or more misdemeanors not on the same date or from the same scheme.",
                              "DACA: three or more misdemeanors", ("whether the earlier dispositions are countable misdemeanors",), src)
    # The bars are the person's, not this record's alone: an earlier felony or significant misdemeanor
    # conviction bars DACA whatever this one is (as tps_bar counts an earlier felony).
    parts += _counted(p.count(p.felony_yes, p.felony_maybe, 1), "An earlier felony conviction bars DACA.", "DACA: felony",
                      ("whether the earlier disposition is a felony conviction",), src)
    parts += _counted(p.count(p.daca_sig_yes, p.daca_sig_maybe, 1), "An earlier significant misdemeanor conviction bars DACA.",
                      "DACA: significant misdemeanor", ("whether the earlier disposition is a significant misdemeanor conviction",), src)
    return combine_any(parts, "Neither a felony, a significant misdemeanor nor a third misdemeanor.", src)


def single_marijuana_possession(r: RecordFindings, p: Priors) -> Tri:
    """A single offense of simple possession of 30 g or less of marijuana (101(f)(3); 244(c)(2)(A)(iii)(II)).
    "Single": an earlier record that is, or may be, a controlled-substance offense leaves it open (depends),
    never 'yes' — counting only certain priors made a possible second drug offense read as 'no bar'."""
    grams = P.value("marijuana.personal_use_grams", r.law_as_of) or 0
    only_one: Tri = NO if p.cs_yes else (DEPENDS if p.cs_maybe else YES)
    size: Tri = DEPENDS if r.marijuana_grams is None else (YES if r.marijuana_grams <= grams else NO)
    return all_of((r.marijuana_personal_use if grams else NO, only_one, size))


def _single_deps(r: RecordFindings, p: Priors) -> tuple[str, ...]:
    return (*(("marijuana_grams",) if r.marijuana_grams is None else ()),
            *(("whether an earlier offense is a controlled substance offense",) if p.cs_maybe and not p.cs_yes else ()))


TPS_WAIVER = "whether USCIS grants a TPS waiver (244(c)(2)(A)(ii): humanitarian purposes, family unity, public interest)"


def tps_inadmissibility(r: RecordFindings, p: Priors, petty: Answer, inadmissible: Answer | None = None) -> Answer:
    """TPS requires admissibility as an immigrant (244(c)(1)(A)(iii)). The criminal grounds 212(a)(2)(A), (B) and
    (C) cannot be waived, except a single simple possession of 30 g or less of marijuana (244(c)(2)(A)(iii);
    8 CFR 244.3(c)); other grounds, such as prostitution (212(a)(2)(D)), only by a discretionary waiver.
    (212(a)(2)(C) 'reason to believe' and (D) conduct need no conviction.)"""
    src = ("8 U.S.C. 1254a(c)(1)(A)(iii), (c)(2)(A)(iii)", "8 CFR 244.3(c)")
    cs = r.controlled_substance
    single = single_marijuana_possession(r, p) if cs.result != NO else NO
    if single != NO:
        cs = Answer(DEPENDS, cs.why + " A single simple possession of 30 g or less of marijuana can be waived for TPS.",
                    cs.grounds, (*cs.depends_on, *_single_deps(r, p), TPS_WAIVER), (*cs.sources, "8 U.S.C. 1254a(c)(2)(A)(iii)(II)"))
    if inadmissible is not None and single == NO and r.prostitution.result == NO:
        core = inadmissible  # nothing waivable to set apart: the grounds are the person's inadmissibility itself
    else:
        grounds = [inadmissibility.cimt_ground(r, p, petty), inadmissibility.controlled_substance_ground(cs)]
        grounds += [g for g in (inadmissibility.multiple_convictions_ground(r, p), inadmissibility.trafficker_ground(r))
                    if g is not None]
        core = combine_any(grounds, inadmissibility.NONE_APPLIES, ("8 U.S.C. 1182(a)(2)",))
    parts: list[Answer] = []
    if core.result != NO:
        parts.append(Answer(core.result, "TPS requires admissibility; the criminal grounds of 212(a)(2)(A), (B) and (C) cannot "
                            "be waived. " + core.why, tuple(f"TPS: inadmissible, {g}" for g in core.grounds),
                            core.depends_on, (*src, *core.sources)))
    if r.prostitution.result != NO:
        parts.append(depends("Prostitution (212(a)(2)(D)) makes a TPS applicant inadmissible unless USCIS waives it.",
                             (*r.prostitution.depends_on, TPS_WAIVER),
                             ("8 U.S.C. 1254a(c)(2)(A)(ii)", "8 U.S.C. 1182(a)(2)(D)", *r.prostitution.sources),
                             ("TPS: inadmissible, INA 212(a)(2)(D) prostitution (waivable)",)))
    return combine_any(parts, "No ground of inadmissibility that bars TPS.", src)


def tps_bar(r: RecordFindings, p: Priors, asylum: Answer, petty: Answer | None = None, inadmissible: Answer | None = None) -> Answer:
    """INA 244(c)(2)(B): any felony or two or more misdemeanors committed in the United States, or a 208(b)(2)(A)
    bar; and 244(c)(1)(A)(iii), (c)(2)(A)(iii): the criminal grounds of inadmissibility that cannot be waived."""
    src = ("8 U.S.C. 1254a(c)(2)(B)", "8 CFR 244.1", "8 CFR 244.4")
    if petty is None:
        petty = inadmissibility.petty_offense_exception(r, p)
    inadm = tps_inadmissibility(r, p, petty, inadmissible)
    conv = r.conviction.result
    if conv == NO:
        # 212(a)(2)(C) reason to believe and (D) conduct need no conviction (was: always 'no' without one).
        return combine_any([inadm], "No conviction, and no conduct ground of inadmissibility.", src)
    parts: list[Answer] = [inadm]
    conv_deps = r.conviction.depends_on if conv == DEPENDS else ()
    felony = r.felony
    if felony != NO and r.term_days <= 365 and r.countable_misdemeanor != NO:
        felony = DEPENDS  # a state misdemeanor with a sentence of a year or less is a misdemeanor (8 CFR 244.1)
    if felony != NO:
        parts.append(Answer(all_of((conv, felony)), "A felony (punishable by more than one year) bars TPS.", ("TPS: felony",),
                            (*(("offense_level",) if felony == DEPENDS else ()), *conv_deps), src))
    misd = all_of((conv, r.countable_misdemeanor))
    if misd != NO:
        parts += _counted(p.count(p.misd_yes, p.misd_maybe, 2, misd), "Two or more misdemeanors bar TPS.", "TPS: two misdemeanors",
                          ("whether the earlier dispositions are misdemeanor convictions", *conv_deps), src)
        parts += _counted(p.count(p.felony_yes, p.felony_maybe, 1), "An earlier felony conviction bars TPS.", "TPS: felony",
                          ("earlier felony",), src)
    if asylum.result != NO:
        parts.append(Answer(asylum.result, "The asylum bars of 208(b)(2)(A) (including a particularly serious crime) bar TPS.",
                            ("TPS: 208(b)(2)(A)(ii)",), asylum.depends_on, (*src, *asylum.sources)))
    return combine_any(parts, "One misdemeanor and no felony: TPS remains available.", src)


def naturalization_bar(r: RecordFindings, p: Priors, petty: Answer) -> Answer:
    """101(f): permanent bars (aggravated felony from 1990-11-29, murder) and bars during the statutory period."""
    src = ("8 U.S.C. 1101(f)", "USCIS Policy Manual vol. 12, pt. F, ch. 4")
    conv = r.conviction.result
    if conv == NO:
        return combine_any(conduct_classes_without_conviction(r), "No conviction (conduct may still be weighed in discretion).", src)
    parts: list[Answer] = []
    af = r.aggravated_felony
    if af.result != NO and r.disposition_date >= dt.date(1990, 11, 29):
        parts.append(Answer(af.result, "An aggravated felony conviction is a permanent bar to good moral character.",
                            ("INA 101(f)(8) aggravated felony (permanent)",), af.depends_on, ("8 U.S.C. 1101(f)(8)", *af.sources)))
    if r.murder != NO:
        parts.append(Answer(all_of((conv, r.murder)), "Murder is a permanent bar.", ("8 CFR 316.10(b)(1)(i) murder (permanent)",),
                            () if r.murder == YES else ("whether the offense is murder",), ("8 CFR 316.10(b)(1)(i)",)))
    cimt = r.cimt
    if cimt.result != NO:
        if petty.result == YES:
            parts.append(depends("A CIMT within the petty offense exception is not a statutory bar, but may be weighed in discretion.",
                                 ("discretionary good moral character determination (8 CFR 316.10(b)(3))",), ("8 CFR 316.10(b)(3)(iii)",)))
        else:
            deps = (*cimt.depends_on, *petty.depends_on) if (cimt.result == DEPENDS or petty.result == DEPENDS) else ()
            res = all_of((cimt.result, "depends" if petty.result == DEPENDS else "yes"))
            parts.append(Answer(res, "A CIMT (212(a)(2)(A)) committed during the statutory period bars good moral character.",
                                ("INA 101(f)(3) CIMT (statutory period)",), deps, ("8 U.S.C. 1101(f)(3)", *cimt.sources)))
    cs = r.controlled_substance
    if cs.result != NO:
        grams = P.value("marijuana.personal_use_grams", r.law_as_of) or 0
        # A possible earlier drug offense leaves "a single offense" open (was: read as single, a false 'no').
        single_small = single_marijuana_possession(r, p)
        res = all_of((cs.result, "no" if single_small == YES else ("depends" if single_small == DEPENDS else "yes")))
        if res != NO:
            parts.append(Answer(res, "A controlled substance offense during the statutory period bars good moral character "
                                f"(except a single offense of {grams} g or less of marijuana).",
                                ("INA 101(f)(3) controlled substance (statutory period)",),
                                () if res == YES else (*cs.depends_on, *((_single_deps(r, p) or (PERSONAL_USE_QUESTION,)) if single_small == DEPENDS else ())),
                                ("8 U.S.C. 1101(f)(3)", *cs.sources)))
    # 101(f)(3) also names the classes of 212(a)(2)(B) (two or more convictions, aggregate sentences of five years,
    # suspended time included), (C) (trafficker) and (D) (prostitution), for an offense of which the person was
    # convicted; these were missing, so e.g. two suspended 3-year terms read as no bar.
    other = combine_any([g for g in (inadmissibility.multiple_convictions_ground(r, p), inadmissibility.trafficker_ground(r),
                                     inadmissibility.prostitution_ground(r)) if g is not None],
                        inadmissibility.NONE_APPLIES, ("8 U.S.C. 1182(a)(2)",))
    if other.result != NO:
        parts.append(Answer(other.result, "101(f)(3) bars good moral character for the classes of 212(a)(2)(B), (C) and (D) "
                            "(during the statutory period). " + other.why, tuple(f"INA 101(f)(3): {g}" for g in other.grounds),
                            other.depends_on, ("8 U.S.C. 1101(f)(3)", *other.sources)))
    conf = P.value("naturalization.confinement_days", r.law_as_of) or 180
    if r.custody_days + p.custody_total >= conf:
        parts.append(yes(f"Confinement of {conf} days or more as a result of conviction during the statutory period.",
                         ("8 U.S.C. 1101(f)(7)",), ("INA 101(f)(7) confinement",)))
    dui = two_dui_presumption(r, p)
    parts += [*([dui] if dui else []), *gambling_bars(r, p)]
    return combine_any(parts, "No statutory bar to good moral character follows from this conviction.", src)
