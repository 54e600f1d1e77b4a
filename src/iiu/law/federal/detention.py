"""Mandatory detention, INA 236(c)(1) (8 U.S.C. 1226(c)(1)), including (E) added by the
Laken Riley Act, Pub. L. 119-1 (2025-01-29)."""

from __future__ import annotations

from iiu.law.answer import Answer, Step, combine_any, depends, no
from iiu.law.federal import parameters as P
from iiu.law.federal.conviction import ARRESTED_OR_CHARGED
from iiu.law.federal.record import RecordFindings
from iiu.law.tri import NO, YES

S236 = "8 U.S.C. 1226(c)(1)"
LRA_STATUS = "whether the person is inadmissible under 212(a)(6)(A), (6)(C) or (7) (e.g. present without admission or parole)"


def laken_riley(r: RecordFindings) -> Answer:
    """236(c)(1)(E): charged with, arrested for, convicted of or admitting a listed offense, for a person
    inadmissible under 212(a)(6)(A), (6)(C) or (7). State-law definitions apply (236(c)(2))."""
    src = ("8 U.S.C. 1226(c)(1)(E)", "Laken Riley Act, Pub. L. 119-1, sec. 2 (2025)")
    if P.value("detention.laken_riley_from", r.law_as_of) is None:
        return no(f"INA 236(c)(1)(E) was not in force on {r.law_as_of} (from 2025-01-29).", src)
    if r.laken_riley.result == NO:
        return no("The offense is not burglary, theft, larceny, shoplifting, assault of a law enforcement officer, "
                  "or a crime resulting in death or serious bodily injury.", (*src, *r.laken_riley.sources))
    deps = [LRA_STATUS, *r.laken_riley.depends_on]
    if r.disposition not in ARRESTED_OR_CHARGED:
        deps.append("whether the person was arrested for the offense")
    return depends(
        "An arrest or charge alone triggers mandatory detention for a person inadmissible under 212(a)(6)(A), "
        "(6)(C) or (7); a later dismissal does not undo it.",
        deps,
        (*src, *r.laken_riley.sources),
        ("INA 236(c)(1)(E) (Laken Riley Act)",),
        (Step("INA 236(c)(1)(E)", f"disposition {r.disposition}", (P.used("detention.laken_riley_from", r.law_as_of),)),),
    )


def mandatory_detention(
    r: RecordFindings, inadmissible: Answer, deport_parts: dict[str, Answer], lra: Answer
) -> Answer:
    parts: list[Answer] = []
    if inadmissible.result != NO:
        parts.append(Answer(inadmissible.result, "Inadmissible for an offense covered in 212(a)(2).",
                            ("INA 236(c)(1)(A)",), inadmissible.depends_on, ("8 U.S.C. 1226(c)(1)(A)", *inadmissible.sources)))
    for key in ("two_cimts", "aggravated_felony", "controlled_substance", "firearm"):
        a = deport_parts[key]
        if a.result != NO:
            parts.append(Answer(a.result, a.why, ("INA 236(c)(1)(B)", *a.grounds), a.depends_on, ("8 U.S.C. 1226(c)(1)(B)", *a.sources)))
    one = deport_parts["cimt_within_5_years"]
    if one.result != NO and r.term_days >= 365:
        parts.append(Answer(one.result, "Deportable for one CIMT with a sentence of at least one year.",
                            ("INA 236(c)(1)(C)",), one.depends_on, ("8 U.S.C. 1226(c)(1)(C)", *one.sources)))
    parts.append(lra)
    return combine_any(parts, "No ground of mandatory detention under 236(c)(1) applies.", (S236,))


def after_arrest(detention: Answer, lra_of_arrest: Answer) -> Answer:
    """236(c)(1)(E) reaches a person who 'is arrested for' or 'is charged with' a listed offense: a later plea
    to a different offense does not undo the arrest, so the arrest's (E) ground stays with any resolution."""
    if lra_of_arrest.result == NO:
        return detention
    return combine_any([detention, lra_of_arrest], "No ground of mandatory detention under 236(c)(1) applies.", (S236,))


__all__ = ["LRA_STATUS", "YES", "after_arrest", "laken_riley", "mandatory_detention"]
