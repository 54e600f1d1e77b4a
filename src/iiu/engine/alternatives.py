"""Safer alternatives: a bounded search over changes to the request, each re-analysed.

Nothing here asserts a legal effect: every alternative is run through the same engine,
and ``removes``/``adds`` are the differences between the two analyses. The search covers
the sentence (364 days; 180 days for the petty offense exception; no suspended time), the
disposition (non-conviction kinds the jurisdiction has), the offense (the catalog's safer
pleas), the record of conviction (a specific subsection; a loss not over $10,000) and
combinations of a sentence change with the others. PC 1016.3(b) asks prosecutors to weigh
exactly this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from iiu.engine.evaluate import CONSEQUENCES, Stage1, consequences, stage1
from iiu.engine.report import short
from iiu.engine.request import Request
from iiu.engine.sentence import possible_sentence
from iiu.engine.unknown_sentence import longest_lawful_days
from iiu.law.answer import Answer
from iiu.law.catalog import UnknownCitation, resolve
from iiu.law.federal import detention
from iiu.law.federal.record import Priors
from iiu.law.tri import DEPENDS, NO, YES, Tri

HARM_KEYS: tuple[str, ...] = (
    "conviction", "aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence", *CONSEQUENCES,
)
WEIGHT: dict[str, int] = {
    "conviction": 1, "aggravated_felony": 10, "cimt": 2, "controlled_substance": 3, "firearm": 3, "domestic_violence": 3,
    "deportable": 10, "inadmissible": 6, "mandatory_detention": 8, "asylum_bar": 5, "withholding_bar": 4,
    "lpr_cancellation_bar": 5, "non_lpr_cancellation_bar": 4, "daca_bar": 4, "tps_bar": 4, "naturalization_bar": 3,
}
LEVEL: dict[str, int] = {NO: 0, DEPENDS: 1, YES: 2}
NON_CONVICTIONS = ("pre_plea_diversion", "acd", "dismissed")
CONVICTIONS = ("guilty_plea", "nolo_contendere_plea", "alford_plea", "trial_conviction", "deferred_adjudication", "vacated_other")
MAX_ALTERNATIVES = 8
MAX_PARTS = 4  # divisible parts tried for each safer plea


def _results(s1: Stage1, answers: dict[str, Answer]) -> dict[str, Tri]:
    r = s1.findings
    out: dict[str, Tri] = {
        "conviction": r.conviction.result,
        "aggravated_felony": r.aggravated_felony.result,
        "cimt": r.cimt.result,
        "controlled_substance": r.controlled_substance.result,
        "firearm": r.firearm.result,
        "domestic_violence": r.domestic_violence.result,
    }
    for k in CONSEQUENCES:
        out[k] = answers[k].result
    return out


def keeps_arrest_ground(change: dict[str, Any], answers: dict[str, Answer]) -> bool:
    """A plea to another offense leaves the arrest for the original charge behind it: its
    INA 236(c)(1)(E) ground stays (``detention.after_arrest``)."""
    return "offense" in change and answers["laken_riley_detention"].result != NO


def with_arrest_ground(candidate: dict[str, Answer], original: dict[str, Answer]) -> dict[str, Answer]:
    """The candidate's answers with the original charge's arrest ground (INA 236(c)(1)(E)) kept."""
    lra = original["laken_riley_detention"]
    return {**candidate, "laken_riley_detention": lra,
            "mandatory_detention": detention.after_arrest(candidate["mandatory_detention"], lra)}


def harm(results: dict[str, Tri]) -> int:
    return sum(WEIGHT[k] * LEVEL[results[k]] for k in HARM_KEYS)


def _sentence_change(req: Request, custody: int, suspended: int, probation: int | None = None) -> tuple[Request, dict[str, Any]]:
    new = replace(req, custody_days=custody, suspended_custody_days=suspended,
                  probation_days=req.probation_days if probation is None else probation)
    change: dict[str, Any] = {"custody_days": custody, "suspended_custody_days": suspended}
    if probation is not None and probation != req.probation_days:
        change["probation_days"] = probation
    return new, {"sentence": change}


def _candidates(req: Request, s1: Stage1) -> list[tuple[str, Request, dict[str, Any]]]:
    out: list[tuple[str, Request, dict[str, Any]]] = []
    r = s1.findings
    term = req.custody_days + req.suspended_custody_days
    sentence_alts: list[tuple[str, Request, dict[str, Any]]] = []
    # A sentence the record does not give is not replaced by another (``engine.unknown_sentence``).
    if r.conviction.result != NO and req.sentence_known:
        if term >= 365:
            custody = min(req.custody_days, 364)
            suspended = max(0, min(req.suspended_custody_days, 364 - custody))
            new, ch = _sentence_change(req, custody, suspended)
            sentence_alts.append((f"A term of 364 days instead of {term} (suspended time counts: INA 101(a)(48)(B)).", new, ch))
            if req.custody_days >= 365 or req.suspended_custody_days:
                new, ch = _sentence_change(req, 364, 0, max(req.probation_days, 365 * 3))
                sentence_alts.append(("A split sentence: 364 days of custody followed by probation, with no suspended time.", new, ch))
        if req.suspended_custody_days > 0:
            new, ch = _sentence_change(req, req.custody_days, 0, max(req.probation_days, req.suspended_custody_days))
            sentence_alts.append(("No suspended custody (it counts as imprisonment under INA 101(a)(48)(B)); probation instead.", new, ch))
        if r.cimt.result != NO and term > 180:
            new, ch = _sentence_change(req, min(req.custody_days, 180), 0)
            sentence_alts.append(("A sentence of 180 days or less keeps the petty offense exception for a first CIMT "
                                  "(INA 212(a)(2)(A)(ii)(II)).", new, ch))
        if r.custody_days > 90:
            new, ch = _sentence_change(req, 90, 0)
            sentence_alts.append(("Custody of 90 days or less avoids a DACA 'significant misdemeanor' by sentence and the "
                                  "180-day confinement bar to good moral character.", new, ch))
    out.extend(sentence_alts)

    jur = req.catalog.jurisdiction
    if r.conviction.result != NO:
        for kind in NON_CONVICTIONS:
            rule = jur.dispositions.get(kind)
            if kind != "dismissed" and (rule is None or not rule.exists):
                continue
            name = rule.name if rule and rule.name else kind.replace("_", " ")
            new = replace(req, disposition=kind, custody_days=0, suspended_custody_days=0, probation_days=0)
            eligible = "" if kind == "dismissed" else ", where the person is eligible for it"
            out.append((f"Disposition: {name}{eligible} — no plea or admission, so no conviction under INA 101(a)(48)(A).", new,
                        {"disposition": kind, "sentence": {"custody_days": 0, "suspended_custody_days": 0, "probation_days": 0}}))

    offense_alts: list[tuple[str, Request, dict[str, Any]]] = []
    for alt in req.offense.safer_alternatives:
        try:
            off, sub = resolve(req.catalog.code, alt.citation)
        except UnknownCitation:
            continue
        subsection = alt.subsection or sub
        if off is req.offense and subsection == req.subsection:
            continue
        ps = possible_sentence(jur, off, req.disposition_date, req.inchoate, req.offense_level)
        custody, suspended = req.custody_days, req.suspended_custody_days
        if not req.sentence_known:
            # Still not given: read at the longest the other offense allows, as the record's own was.
            custody, suspended = longest_lawful_days(replace(req, offense=off)), 0
        elif ps.max_days is not None and custody + suspended > ps.max_days:
            custody, suspended = min(custody, ps.max_days), 0
        new = replace(req, offense=off, subsection=None if subsection is None else subsection,
                      custody_days=custody, suspended_custody_days=suspended)
        change: dict[str, Any] = {"offense": off.citation, "subsection": subsection}
        if req.sentence_known and (custody, suspended) != (req.custody_days, req.suspended_custody_days):
            change["sentence"] = {"custody_days": custody, "suspended_custody_days": suspended}
        label = off.citation + (subsection or "")
        offense_alts.append((f"Plea to {label} ({off.title}): {alt.why}", new, change))
        if subsection is None:
            # The safer plea's own divisible parts: a record naming the part can matter (Descamps).
            for part in list(off.subsections)[:MAX_PARTS]:
                offense_alts.append((f"Plea to {off.citation}{part} ({off.title}: {off.subsections[part]}), with the "
                                     f"record of conviction naming that subdivision: {alt.why}",
                                     replace(new, subsection=part), {**change, "subsection": part}))
    subs = list(req.offense.subsections)
    if req.offense.by_subsection_keys:
        subs.extend(k for k in req.offense.by_subsection_keys if k not in subs)
    for sub in subs:
        if sub == req.subsection or sub == "_other":
            continue
        title = req.offense.subsections.get(sub, "")
        new = replace(req, subsection=sub)
        offense_alts.append((f"A record of conviction that names subsection {sub}" + (f" ({title})" if title else "") + ".",
                             new, {"subsection": sub}))
    if r.aggravated_felony.result != NO and "loss_usd" in r.aggravated_felony.depends_on or (
        req.loss_usd is not None and req.loss_usd > 10_000 and r.aggravated_felony.result != NO
    ):
        new = replace(req, loss_usd=10_000.0)
        offense_alts.append(("A plea colloquy and restitution order that establish a loss not over $10,000, where the facts "
                             "support it (Nijhawan v. Holder).", new, {"facts": {"loss_usd": 10000}}))
    if req.substance is not None and r.controlled_substance.result != NO:
        new = replace(req, substance=None)
        offense_alts.append(("A record of conviction that does not name the substance.", new, {"facts": {"substance": None}}))
    out.extend(offense_alts)
    # Combinations: the first sentence change with each change of offense or record.
    if sentence_alts:
        s_summary, s_req, s_change = sentence_alts[0]
        for summary, alt_req, change in offense_alts:
            custody = min(s_req.custody_days, alt_req.custody_days)
            suspended = min(s_req.suspended_custody_days, alt_req.suspended_custody_days)
            combo = replace(alt_req, custody_days=custody, suspended_custody_days=suspended)
            merged = {**change, "sentence": {"custody_days": custody, "suspended_custody_days": suspended}}
            out.append((summary + " " + s_summary, combo, merged))
    return out


def _severity(req: Request, s1: Stage1, new: Request, s1n: Stage1) -> str:
    a, b = s1.findings, s1n.findings
    if a.conviction.result != NO and b.conviction.result == NO:
        return "lowered"
    ma = a.possible_max_days if a.possible_max_days is not None else 10**9
    mb = b.possible_max_days if b.possible_max_days is not None else 10**9
    if mb < ma:
        return "lowered"
    if mb > ma:
        return "raised"
    ta, tb = a.term_days, b.term_days
    if tb < ta:
        return "lowered"
    if tb > ta:
        return "raised"
    return "kept"


def _severity_distance(s1: Stage1, s1n: Stage1) -> int:
    a, b = s1.findings, s1n.findings
    ma = a.possible_max_days if a.possible_max_days is not None else 36500
    mb = b.possible_max_days if b.possible_max_days is not None else 36500
    conv_gap = 1000 if (a.conviction.result != NO and b.conviction.result == NO) else 0
    return abs(ma - mb) + abs(a.term_days - b.term_days) + conv_gap


Refiner = Callable[[Request, Stage1, dict[str, Answer]], tuple[Stage1, dict[str, Answer]]]


def find_alternatives(
    req: Request, s1: Stage1, answers: dict[str, Answer], refine: Refiner | None = None
) -> list[dict[str, Any]]:
    """Each candidate is judged exactly as the report was: stages 1 and 2 at the request's law date, then
    ``refine`` (``analyze`` passes the same current-law merge it applied to the report). The merge only
    ever raises a 'no' to 'depends', so a candidate that gains nothing before it cannot gain after it:
    the refinement runs only for candidates that pass the first filter."""
    base = _results(s1, answers)
    base_harm = harm(base)
    if base_harm == 0:
        return []
    priors = Priors.of(req.offense_date, [stage1(h).findings for h in req.history])
    # One candidate per resulting request: the one that says it with the fewest changed fields.
    unique: dict[tuple[Any, ...], tuple[str, Request, dict[str, Any]]] = {}
    for summary, new, change in _candidates(req, s1):
        sig = (id(new.offense), new.subsection, new.disposition, new.custody_days, new.suspended_custody_days,
               new.probation_days, new.loss_usd, new.substance)
        if sig not in unique or len(change) < len(unique[sig][2]):
            unique[sig] = (summary, new, change)
    ranked: list[tuple[int, int, int, dict[str, Any]]] = []
    for summary, new, change in unique.values():
        s1n = stage1(new)
        an = consequences(s1n.findings, priors, new.admission_date)
        res = _results(s1n, an)
        removes = [k for k in HARM_KEYS if base[k] != NO and res[k] == NO]
        gain = base_harm - harm(res)
        if gain <= 0 or not removes and gain < 2:
            continue
        if refine is not None:
            s1n, an = refine(new, s1n, an)
            res = _results(s1n, an)
            removes = [k for k in HARM_KEYS if base[k] != NO and res[k] == NO]
            gain = base_harm - harm(res)
            if gain <= 0 or not removes and gain < 2:
                continue
        if keeps_arrest_ground(change, answers):
            an = with_arrest_ground(an, answers)
            res = _results(s1n, an)
            removes = [k for k in HARM_KEYS if base[k] != NO and res[k] == NO]
            gain = base_harm - harm(res)
            if gain <= 0 or not removes and gain < 2:
                continue
        adds = [k for k in HARM_KEYS if LEVEL[res[k]] > LEVEL[base[k]]]
        item = {
            "summary": summary,
            "change": change,
            "removes": removes,
            "reduces": [k for k in HARM_KEYS if base[k] == YES and res[k] == DEPENDS],
            "adds": adds,
            "severity_change": _severity(req, s1, new, s1n),
            "report": short(s1n, an),
        }
        ranked.append((-gain, _severity_distance(s1, s1n), len(change), item))
    ranked.sort(key=lambda t: (t[0], t[1], t[2]))
    chosen = [t[3] for t in ranked[:MAX_ALTERNATIVES]]
    # The smallest lever — a change of sentence alone (364 days; 180 days) — is always shown when it helps.
    sentence_only = [t[3] for t in ranked if set(t[3]["change"]) == {"sentence"}]
    if sentence_only and not any(set(a["change"]) == {"sentence"} for a in chosen):
        chosen = [*chosen[: MAX_ALTERNATIVES - 1], sentence_only[0]]
    return chosen


def compare_proposal(
    req: Request, s1: Stage1, answers: dict[str, Answer], proposal: Request, refine: Refiner | None = None
) -> dict[str, Any]:
    """Defense counsel's proposed resolution, analysed (and ``refine``d as the report was), and whether the
    office's position departs from it."""
    priors = Priors.of(proposal.offense_date, [stage1(h).findings for h in proposal.history])
    s1p = stage1(proposal)
    ap = consequences(s1p.findings, priors, proposal.admission_date)
    if refine is not None:
        s1p, ap = refine(proposal, s1p, ap)
    base, prop = _results(s1, answers), _results(s1p, ap)
    fields = {
        "offense": (req.offense.citation, proposal.offense.citation),
        "subsection": (req.subsection, proposal.subsection),
        "inchoate": (req.inchoate, proposal.inchoate),
        "disposition": (req.disposition, proposal.disposition),
        "custody_days": (req.custody_days, proposal.custody_days),
        "suspended_custody_days": (req.suspended_custody_days, proposal.suspended_custody_days),
        "probation_days": (req.probation_days, proposal.probation_days),
        "loss_usd": (req.loss_usd, proposal.loss_usd),
        "substance": (req.substance, proposal.substance),
    }
    differs = {k: {"office": a, "defense": b} for k, (a, b) in fields.items() if a != b}
    return {
        "offense": proposal.offense.citation,
        "departs": bool(differs),
        "differences": differs,
        "proposal_removes": [k for k in HARM_KEYS if base[k] != NO and prop[k] == NO],
        "proposal_adds": [k for k in HARM_KEYS if LEVEL[prop[k]] > LEVEL[base[k]]],
        "report": short(s1p, ap),
    }
