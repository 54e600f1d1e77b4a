"""Aggravated felonies, INA 101(a)(43)(A)-(U) (8 U.S.C. 1101(a)(43)).

The catalog says which generic definitions the state offense matches; this module applies
each subparagraph's threshold. The definition applies to convictions "whether entered
before, on, or after" 1996-09-30, under the thresholds in force on the analysis date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from iiu.law.answer import Answer, Step, _uniq, combine_any, depends, no
from iiu.law.federal import parameters as P
from iiu.law.tri import DEPENDS, NO, YES

Threshold = Literal["none", "term", "document_term", "loss", "funds", "possible", "underlying_5y", "underlying_2y"]

S43: Final = "8 U.S.C. 1101(a)(43)"


@dataclass(frozen=True, slots=True)
class Subparagraph:
    letter: str
    label: str
    threshold: Threshold = "none"
    family_exception: bool = False  # (N) and (P): first offense to assist spouse, child or parent


SUBPARAGRAPHS: Final[dict[str, Subparagraph]] = {
    "murder": Subparagraph("A", "murder"),
    "rape": Subparagraph("A", "rape"),
    "sexual_abuse_of_minor": Subparagraph("A", "sexual abuse of a minor"),
    "drug_trafficking": Subparagraph("B", "illicit trafficking in a controlled substance"),
    "firearms_trafficking": Subparagraph("C", "illicit trafficking in firearms or destructive devices"),
    "money_laundering": Subparagraph("D", "money laundering of funds over the threshold", "funds"),
    "firearms_explosives_offense": Subparagraph("E", "an offense described in the listed firearms or explosives statutes"),
    "crime_of_violence": Subparagraph("F", "crime of violence (18 U.S.C. 16(a)) with a term of imprisonment of at least one year", "term"),
    "theft": Subparagraph("G", "theft offense (including receipt of stolen property) with a term of imprisonment of at least one year", "term"),
    "burglary": Subparagraph("G", "burglary offense with a term of imprisonment of at least one year", "term"),
    "ransom": Subparagraph("H", "demand for or receipt of ransom"),
    "child_pornography": Subparagraph("I", "child pornography"),
    "racketeering_gambling": Subparagraph("J", "racketeering or gambling offense for which a sentence of one year or more may be imposed", "possible"),
    "prostitution_business": Subparagraph("K", "managing a prostitution business or transporting for prostitution for commercial advantage"),
    "human_trafficking": Subparagraph("K", "peonage, slavery or trafficking in persons"),
    "national_defense": Subparagraph("L", "national defense, sabotage or treason offense"),
    "fraud_deceit": Subparagraph("M", "fraud or deceit with a loss to the victim or victims over the threshold", "loss"),
    "tax_evasion": Subparagraph("M", "tax evasion with a revenue loss over the threshold", "loss"),
    "alien_smuggling": Subparagraph("N", "alien smuggling", family_exception=True),
    "illegal_reentry": Subparagraph("O", "illegal entry or reentry after removal for an aggravated felony"),
    "document_fraud": Subparagraph("P", "passport or document fraud with a term of imprisonment of at least 12 months", "document_term", family_exception=True),
    "failure_to_appear_sentence": Subparagraph("Q", "failure to appear for service of sentence for an offense punishable by 5 years or more", "underlying_5y"),
    "forgery_counterfeiting_bribery": Subparagraph("R", "commercial bribery, counterfeiting, forgery or vehicle-identification trafficking with a term of imprisonment of at least one year", "term"),
    "obstruction_perjury": Subparagraph("S", "obstruction of justice, perjury or bribery of a witness with a term of imprisonment of at least one year", "term"),
    "failure_to_appear_felony": Subparagraph("T", "failure to appear on a felony charge for which 2 years or more may be imposed", "underlying_2y"),
}


def _cite(sub: Subparagraph) -> str:
    return f"{S43}({sub.letter})"


def subparagraph_answer(
    category: str,
    match: Answer,
    *,
    term_days: int,
    loss_usd: float | None,
    possible_max_days: int | None,
    possible_max_known: bool,
    law_as_of: dt.date,
    inchoate: str | None = None,
) -> Answer:
    """One subparagraph: the categorical match and the subparagraph's threshold."""
    sub = SUBPARAGRAPHS[category]
    if match.result == NO:
        return match
    cite = _cite(sub)
    ground = f"INA 101(a)(43)({sub.letter}) {sub.label}"
    srcs = _uniq((cite, *match.sources))
    steps: list[Step] = []
    threshold_result: Answer | None = None
    if sub.threshold in ("term", "document_term"):
        name = "aggravated_felony.term_of_imprisonment_days" if sub.threshold == "term" else "aggravated_felony.document_fraud_days"
        th = P.value(name, law_as_of)
        steps.append(Step(f"{cite} term of imprisonment", f"ordered {term_days} days", (P.used(name, law_as_of),)))
        if th is None or term_days < th:
            threshold_result = no(
                f"The term of imprisonment ({term_days} days, suspended time included) is below "
                f"{th or 'the threshold'} days, so this is not a (43)({sub.letter}) aggravated felony.",
                (cite, "8 U.S.C. 1101(a)(48)(B)"),
                tuple(steps),
            )
    elif sub.threshold in ("loss", "funds"):
        name = "aggravated_felony.fraud_loss_usd" if sub.threshold == "loss" else "aggravated_felony.money_laundering_usd"
        th = P.value(name, law_as_of)
        steps.append(Step(f"{cite} amount", f"loss_usd={loss_usd}", (P.used(name, law_as_of),)))
        if th is None:
            threshold_result = no(f"(43)({sub.letter}) was not in force on {law_as_of}.", (cite,), tuple(steps))
        elif th == 0:
            pass  # (43)(D) before 1994-10-25: money laundering whatever the amount (IMMACT 1990 sec. 501)
        elif loss_usd is None:
            threshold_result = depends(
                f"An aggravated felony under (43)({sub.letter}) only if the loss or funds exceed ${th:,}; "
                "that is proved from the facts of the case (circumstance-specific), not the elements.",
                ("loss_usd",),
                (cite, "Nijhawan v. Holder, 557 U.S. 29 (2009)"),
                (ground,),
                tuple(steps),
            )
        elif loss_usd <= th and inchoate is not None:
            # (43)(U): for an attempt or conspiracy the measure is the intended or potential loss, not the
            # loss actually caused (Matter of Onyido, 22 I&N Dec. 552 (BIA 1999); Matter of S-I-K-, 24 I&N
            # Dec. 324 (BIA 2007)); an actual loss at or under the threshold left a false 'no'.
            threshold_result = depends(
                f"The loss actually caused (${loss_usd:,.0f}) does not exceed ${th:,}, but for an {inchoate} "
                f"(43)({sub.letter}) with (43)(U) turns on the loss intended or risked.",
                ("the intended or potential loss (attempt or conspiracy)",),
                (cite, f"{S43}(U)", "Matter of Onyido, 22 I&N Dec. 552 (BIA 1999)", "Matter of S-I-K-, 24 I&N Dec. 324 (BIA 2007)"),
                (ground,),
                tuple(steps),
            )
        elif loss_usd <= th:
            threshold_result = no(
                f"The loss (${loss_usd:,.0f}) does not exceed ${th:,}.",
                (cite, "Nijhawan v. Holder, 557 U.S. 29 (2009)"),
                tuple(steps),
            )
    elif sub.threshold == "possible":
        if possible_max_known and possible_max_days is not None and possible_max_days < 365:
            threshold_result = no("A sentence of one year or more cannot be imposed.", (cite,))
        elif not possible_max_known:
            threshold_result = depends(
                "Turns on whether a sentence of one year may be imposed (felony or misdemeanor).",
                ("offense_level",),
                (cite,),
                (ground,),
            )
    elif sub.threshold == "underlying_5y":
        threshold_result = depends(
            "An aggravated felony only if the underlying offense is punishable by 5 years or more.",
            ("underlying offense's maximum sentence",),
            (cite,),
            (ground,),
        )
    elif sub.threshold == "underlying_2y":
        threshold_result = depends(
            "An aggravated felony only if the underlying charge was a felony for which 2 years may be imposed.",
            ("underlying charge's maximum sentence",),
            (cite,),
            (ground,),
        )
    if threshold_result is not None and threshold_result.result == NO:
        return threshold_result
    if sub.family_exception and match.result == YES:
        match = depends(
            match.why or f"Matches (43)({sub.letter}).",
            ("whether a first offense committed only to assist the person's spouse, child or parent",),
            match.sources,
        )
    if threshold_result is not None and threshold_result.result == DEPENDS:
        return Answer(
            DEPENDS,
            threshold_result.why,
            (ground,),
            _uniq((*threshold_result.depends_on, *match.depends_on)),
            _uniq((*srcs, *threshold_result.sources)),
            match.trace + tuple(steps),
        )
    return Answer(match.result, match.why or f"Matches (43)({sub.letter}).", (ground,), match.depends_on, srcs, match.trace + tuple(steps))


def inchoate_answer(answer: Answer, inchoate: str | None) -> Answer:
    """(43)(U): an attempt or conspiracy to commit a listed offense is one too."""
    if inchoate is None or answer.result == NO:
        return answer
    if inchoate in ("attempt", "conspiracy"):
        return Answer(
            answer.result,
            answer.why + f" An {inchoate} to commit it is covered by (43)(U).",
            tuple(g + f" ((43)(U) {inchoate})" for g in answer.grounds),
            answer.depends_on,
            _uniq((*answer.sources, f"{S43}(U)")),
            answer.trace,
        )
    return Answer(
        DEPENDS,
        answer.why + f" (43)(U) names only attempt and conspiracy; whether {inchoate} is covered is unsettled.",
        answer.grounds,
        _uniq((*answer.depends_on, f"whether {inchoate} is covered by 101(a)(43)(U) (circuits differ)")),
        _uniq((*answer.sources, f"{S43}(U)", "Coronado-Durazo v. INS, 123 F.3d 1322 (9th Cir. 1997)")),
        answer.trace,
    )


def aggravated_felony(parts: list[Answer], law_as_of: dt.date) -> Answer:
    """Any subparagraph that applies makes the conviction an aggravated felony."""
    if P.value("aggravated_felony.defined_from", law_as_of) is None:
        return no("The aggravated-felony category did not exist on the analysis date.", ("Anti-Drug Abuse Act of 1988",))
    return combine_any(
        parts,
        "The offense's elements, sentence and established facts match no subparagraph of 101(a)(43).",
        (S43,),
    )
