"""Turning the engine's answers into the report of DESIGN §5.1."""

from __future__ import annotations

from typing import Any

from iiu.engine.evaluate import CONSEQUENCES, Stage1
from iiu.engine.request import Request
from iiu.engine.status import matrix
from iiu.law.answer import Answer

DISCLAIMER = (
    "Not legal advice. This analysis applies published statutes, regulations and decisions to the facts given; "
    "defense counsel advises the individual client on their actual status and history."
)


def offense_block(req: Request, s1: Stage1) -> dict[str, Any]:
    off = req.offense
    r = s1.findings
    return {
        "jurisdiction": req.catalog.code,
        "circuit": req.catalog.jurisdiction.circuit,
        "citation": off.citation,
        "title": off.title,
        "class": s1.possible_offense_class,
        "subsection": req.subsection,
        "inchoate": req.inchoate,
        "max_custody_days_at_conviction": r.possible_max_days,
        "max_known": r.possible_max_known,
        "term_of_imprisonment_days": r.term_days,
        "sources": list(dict.fromkeys((*off.sources, *s1.max_sources))),
        "record_advice": off.record_advice,
    }


def render(req: Request, s1: Stage1, answers: dict[str, Answer], *, with_trace: bool = True) -> dict[str, Any]:
    r = s1.findings
    findings = {
        "aggravated_felony": r.aggravated_felony.as_dict(with_trace),
        "cimt": r.cimt.as_dict(with_trace),
        "controlled_substance": r.controlled_substance.as_dict(with_trace),
        "firearm": r.firearm.as_dict(with_trace),
        "domestic_violence": r.domestic_violence.as_dict(with_trace),
        "petty_offense_exception": answers["petty_offense_exception"].as_dict(with_trace),
        "crime_of_violence": r.crime_of_violence.as_dict(with_trace),
        # Whether the offense is one INA 236(c)(1)(E) lists, as the state defines it (an arrest or charge suffices).
        "laken_riley": r.laken_riley.as_dict(with_trace),
    }
    consequences = {k: answers[k].as_dict(with_trace) for k in CONSEQUENCES}
    consequences["mandatory_detention"]["laken_riley"] = answers["laken_riley_detention"].as_dict(with_trace)
    return {
        "conviction": r.conviction.result,
        "conviction_detail": r.conviction.as_dict(with_trace),
        "offense": offense_block(req, s1),
        "findings": findings,
        "consequences": consequences,
        "status_profiles": matrix(answers),
        "alternatives": [],
        "law_as_of": req.law_as_of.isoformat(),
        "disposition_date": req.disposition_date.isoformat(),
        "warnings": list(req.warnings),
        "disclaimer": DISCLAIMER,
    }


def short(s1: Stage1, answers: dict[str, Answer]) -> dict[str, Any]:
    """The short report an alternative carries: every result, no prose."""
    r = s1.findings
    return {
        "conviction": r.conviction.result,
        "findings": {
            "aggravated_felony": r.aggravated_felony.result,
            "cimt": r.cimt.result,
            "controlled_substance": r.controlled_substance.result,
            "firearm": r.firearm.result,
            "domestic_violence": r.domestic_violence.result,
            "petty_offense_exception": answers["petty_offense_exception"].result,
        },
        "consequences": {k: answers[k].result for k in CONSEQUENCES},
    }
