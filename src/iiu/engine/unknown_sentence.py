"""A disposition whose sentence the record does not give (``"sentence": "unknown"``).

Offices' exports often show a plea of guilty without its sentence (the Cook County dispositions
export; a sentence of "1 Term" of boot camp). Several grounds turn on the sentence — the term of
imprisonment of INA 101(a)(48)(B) (one year: INA 101(a)(43)(F), (G); the petty offense exception
of INA 212(a)(2)(A)(ii)(II): six months), the custody actually served (8 CFR 236.22(b)(6):
90 days; INA 101(f)(7): 180 days) — so reading an unknown sentence as none would be a false
"no".

Every rule compares a term or a custody with a threshold, and a longer sentence never takes a
consequence away (``tests/test_unknown_sentence.py`` checks this over the catalogs). So the
answers for every lawful sentence lie between those with no custody and those with the longest
lawful sentence (``engine.sentence.possible_sentence``; life: ``LIFE_DAYS``): where the two agree
that is the answer for any sentence; where they differ it is ``depends`` on the sentence.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Literal

from iiu.engine.evaluate import Stage1
from iiu.engine.request import Request
from iiu.engine.sentence import possible_sentence
from iiu.law.answer import Answer
from iiu.law.federal.record import RecordFindings
from iiu.law.tri import DEPENDS, YES

LIFE_DAYS = 36_500  # a life sentence, in days (100 years)
SOURCE = "8 U.S.C. 1101(a)(48)(B)"
DEPENDS_ON = "the sentence, which the record does not give (days of custody and of suspended custody)"

Bound = Literal["least", "most"]


def longest_lawful_days(req: Request) -> int:
    """The longest custody the law in force on the disposition date allows (``check_sentence``'s limit)."""
    off = req.offense
    ps = possible_sentence(req.catalog.jurisdiction, off, req.disposition_date, req.inchoate,
                           req.offense_level if off.wobbler else None)
    return LIFE_DAYS if ps.lawful_max_days is None else ps.lawful_max_days


def has_unknown_sentence(req: Request) -> bool:
    """Whether the request, its history or the defense's proposal leaves a sentence unknown."""
    return (not req.sentence_known or any(not h.sentence_known for h in req.history)
            or req.defense_proposal is not None and has_unknown_sentence(req.defense_proposal))


def _bounded(req: Request, bound: Bound) -> Request:
    if req.sentence_known:
        return req
    days = 0 if bound == "least" else longest_lawful_days(req)
    return replace(req, custody_days=days, suspended_custody_days=0)


def at_bound(req: Request, bound: Bound) -> Request:
    """The request with every unknown sentence (its own, its history's, the defense proposal's) at no
    custody (``least``) or at the longest lawful custody (``most``)."""
    out = replace(_bounded(req, bound), history=tuple(_bounded(h, bound) for h in req.history))
    if req.defense_proposal is not None:
        out = replace(out, defense_proposal=at_bound(req.defense_proposal, bound))
    return out


def combine(least: Answer, most: Answer) -> Answer:
    """One answer for every lawful sentence, from the answers at the two ends."""
    sources = tuple(dict.fromkeys((*most.sources, *least.sources)))
    if least.result == most.result:
        if (least.why, least.grounds, least.depends_on) == (most.why, most.grounds, most.depends_on):
            return most
        # Explained by the end that holds for every sentence between: a 'yes' already at no custody (its
        # grounds need no term), a 'no' even at the longest sentence; a 'depends' on what either end names.
        base = least if least.result == YES else most
        depends_on = tuple(dict.fromkeys((*most.depends_on, *least.depends_on))) if most.result == DEPENDS else ()
        return Answer(most.result, "The same for any lawful sentence (the record does not give it). " + base.why,
                      base.grounds, depends_on, sources, base.trace)
    return Answer(
        DEPENDS,
        f"Depends on the sentence, which the record does not give: '{least.result}' with no custody, "
        f"'{most.result}' with the longest lawful sentence. {most.why}",
        tuple(dict.fromkeys((*most.grounds, *least.grounds))),
        tuple(dict.fromkeys((DEPENDS_ON, *most.depends_on, *least.depends_on))),
        tuple(dict.fromkeys((*sources, SOURCE))),
        most.trace,
    )


_ANSWER_FIELDS = tuple(f.name for f in fields(RecordFindings) if f.type in ("Answer", Answer))


def combine_stage1(least: Stage1, most: Stage1) -> Stage1:
    """The findings at the longest sentence with each of their answers combined with those at none."""
    a, b = least.findings, most.findings
    changes: dict[str, Any] = {k: combine(getattr(a, k), getattr(b, k)) for k in _ANSWER_FIELDS}
    findings = replace(b, **changes)
    return replace(most, findings=findings)


def combine_answers(least: dict[str, Answer], most: dict[str, Answer]) -> dict[str, Answer]:
    return {k: combine(least[k], v) if k in least else v for k, v in most.items()}
