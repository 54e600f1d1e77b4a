"""What is a conviction, INA 101(a)(48)(A), and a term of imprisonment, 101(a)(48)(B).

8 U.S.C. 1101(a)(48)(A): a formal judgment of guilt, or, where adjudication is withheld,
(i) a finding of guilt, a plea of guilty or nolo contendere, or an admission of facts
sufficient for guilt, and (ii) some punishment, penalty or restraint on liberty ordered.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from iiu.law.answer import Answer, depends, no, yes

Disposition = Literal[
    "guilty_plea",
    "nolo_contendere_plea",
    "alford_plea",
    "trial_conviction",
    "deferred_adjudication",
    "pre_plea_diversion",
    "acd",
    "dismissed",
    "acquitted",
    "declined",
    "youthful_offender",
    "juvenile_adjudication",
    "vacated_legal_defect",
    "vacated_other",
    "charged",
]

DISPOSITIONS: Final[tuple[str, ...]] = get_args(Disposition)

# Dispositions in which the person was arrested or charged (for INA 236(c)(1)(E)).
ARRESTED_OR_CHARGED: Final[frozenset[str]] = frozenset(DISPOSITIONS) - {"declined"}

S48A: Final = "8 U.S.C. 1101(a)(48)(A)"


def federal_conviction(disposition: str) -> Answer:
    """The federal default for a disposition kind, before any state-specific rule."""
    if disposition in ("guilty_plea", "trial_conviction"):
        return yes("A formal judgment of guilt is a conviction.", (S48A,))
    if disposition == "nolo_contendere_plea":
        return yes("A plea of nolo contendere with a judgment is a conviction.", (S48A,))
    if disposition == "alford_plea":
        return yes("An Alford plea is a plea of guilty; with a judgment it is a conviction.", (S48A,))
    if disposition == "deferred_adjudication":
        return yes(
            "A plea or admission of facts followed by any punishment or restraint is a conviction even "
            "if the state later dismisses the case.",
            (S48A, "Matter of Punu, 22 I&N Dec. 224 (BIA 1998)", "Matter of Roldan, 22 I&N Dec. 512 (BIA 1999)"),
        )
    if disposition == "pre_plea_diversion":
        return no(
            "Diversion without a plea, a finding of guilt or an admission of facts is not a conviction.",
            (S48A,),
        )
    if disposition == "acd":
        return no(
            "An adjournment in contemplation of dismissal involves no plea, finding or admission.",
            (S48A, "N.Y. CPL 170.55"),
        )
    if disposition in ("dismissed", "acquitted", "declined"):
        return no("No plea, finding of guilt or admission: not a conviction.", (S48A,))
    if disposition == "charged":
        return no(
            "A pending charge is not a conviction (some consequences follow from the charge alone).",
            (S48A, "8 U.S.C. 1226(c)(1)(E)"),
        )
    if disposition == "juvenile_adjudication":
        return no(
            "A juvenile delinquency adjudication is not a conviction.",
            (
                "Matter of Devison-Charles, 22 I&N Dec. 1362 (BIA 2000)",
                "Matter of Ramirez-Rivero, 18 I&N Dec. 135 (BIA 1981)",
            ),
        )
    if disposition == "youthful_offender":
        return depends(
            "A youthful-offender adjudication is not a conviction only where it corresponds to a federal "
            "juvenile-delinquency finding (New York's does; Michigan's HYTA does not).",
            ("whether the state youthful-offender adjudication corresponds to federal juvenile delinquency",),
            (
                "Matter of Devison-Charles, 22 I&N Dec. 1362 (BIA 2000)",
                "Uritsky v. Gonzales, 399 F.3d 728 (6th Cir. 2005)",
            ),
        )
    if disposition == "vacated_legal_defect":
        return no(
            "A conviction vacated for a procedural or substantive defect in the underlying proceedings no "
            "longer counts.",
            ("Matter of Pickering, 23 I&N Dec. 621 (BIA 2003)", "Matter of Marquez Conde, 27 I&N Dec. 251 (BIA 2018)"),
        )
    if disposition == "vacated_other":
        return yes(
            "A vacatur for rehabilitation or to avoid immigration consequences leaves the conviction in place.",
            ("Matter of Pickering, 23 I&N Dec. 621 (BIA 2003)", "Matter of Roldan, 22 I&N Dec. 512 (BIA 1999)"),
        )
    raise ValueError(f"unknown disposition kind {disposition!r}")


def term_of_imprisonment(custody_days: int, suspended_custody_days: int) -> int:
    """INA 101(a)(48)(B): the period ordered, regardless of any suspension of it."""
    return custody_days + suspended_custody_days
