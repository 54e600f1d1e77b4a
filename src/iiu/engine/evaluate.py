"""The engine's two stages, shared by the single-case and the bulk paths.

Stage 1, ``record_findings``: one disposition on its own — is it a conviction, which
federal generic definitions does it match, with which sentence.
Stage 2, ``consequences``: what that record does to a person, given the sums of the
person's other records (``Priors``) and, if known, the date of admission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from iiu.engine.request import Request
from iiu.engine.sentence import possible_sentence
from iiu.law.answer import Answer, Step, combine_any, depends, gate, no
from iiu.law.federal import aggravated_felony as AF
from iiu.law.federal import deportability, detention, inadmissibility, relief
from iiu.law.federal import parameters as P
from iiu.law.federal.categorical import RecordFacts, resolve_match
from iiu.law.federal.conviction import federal_conviction, term_of_imprisonment
from iiu.law.federal.record import Priors, RecordFindings
from iiu.law.schema import Jurisdiction, Offense
from iiu.law.tri import DEPENDS, NO, YES, Tri, all_of, any_of

FINDINGS = ("aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence", "petty_offense_exception")
CONSEQUENCES = (
    "deportable", "inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar", "lpr_cancellation_bar",
    "non_lpr_cancellation_bar", "daca_bar", "tps_bar", "naturalization_bar",
)


def conviction_for(disposition: str, jur: Jurisdiction, on: dt.date) -> Answer:
    rule = jur.dispositions.get(disposition)
    if rule is not None and rule.conviction is not None:
        in_force = (rule.effective_from is None or rule.effective_from <= on) and (rule.effective_to is None or on <= rule.effective_to)
        if in_force:
            base = federal_conviction(disposition)
            step = Step("INA 101(a)(48)(A) conviction", f"{disposition} in {jur.code}: {rule.name or disposition} (state rule)")
            return Answer(rule.conviction, rule.why or base.why, (), ("the state disposition's terms",) if rule.conviction == DEPENDS else (),
                          (*rule.sources, *base.sources), (step,))
    base = federal_conviction(disposition)
    return Answer(base.result, base.why, base.grounds, base.depends_on, base.sources,
                  (Step("INA 101(a)(48)(A) conviction", f"{disposition} (federal rule for this kind of disposition)"),))


def _facts_label(facts: RecordFacts) -> str:
    shown = [f"{k}={v}" for k, v in (("subsection", facts.subsection), ("substance", facts.substance), ("weapon", facts.weapon),
                                     ("victim_relationship", facts.victim_relationship), ("victim_age", facts.victim_age),
                                     ("offense_level", facts.offense_level)) if v]
    return "record establishes " + (", ".join(shown) if shown else "no divisible part") + f"; conviction date {facts.on.isoformat()}"


def _with_step(a: Answer, off: Offense, name: str, facts: RecordFacts) -> Answer:
    step = Step(f"categorical approach: {off.citation} against the generic '{name}' (INA 101(a)(43))", _facts_label(facts))
    return Answer(a.result, a.why, a.grounds, a.depends_on, a.sources, (step,))


def _match(off: Offense, name: str, facts: RecordFacts) -> Answer:
    m = off.ground(name)
    step = Step(f"categorical approach: {off.citation} against the generic '{name}'", _facts_label(facts))
    if m is None:
        return no(f"The elements of {off.citation} do not include this ground.", tuple(off.sources), (step,))
    a = resolve_match(m, facts, off.sources[0])
    return Answer(a.result, a.why, a.grounds, a.depends_on, a.sources, (step,))


def _relationship(rel: str | None) -> Answer:
    src = ("8 U.S.C. 1227(a)(2)(E)(i)", "Matter of H. Estrada, 26 I&N Dec. 749 (BIA 2016)")
    if rel == "domestic":
        return Answer(YES, "The victim is in a protected domestic relationship.", (), (), src)
    if rel == "other":
        return no("The victim is not in a protected domestic relationship.", src)
    return depends("A crime of violence is a crime of domestic violence if the victim was a spouse, former spouse, co-parent, "
                   "cohabitant or other person protected by domestic-violence law; that is proved from the facts.",
                   ("victim_relationship",), src)


def _inchoate(a: Answer, inchoate: str | None, ground: str) -> Answer:
    """Attempts and conspiracies: the CIMT, drug (237(a)(2)(B)(i)) and firearm (237(a)(2)(C)) grounds name them."""
    if inchoate is None or a.result == NO or inchoate in ("attempt", "conspiracy"):
        return a
    return Answer(DEPENDS, a.why + f" Whether {inchoate} is covered by the {ground} ground is unsettled.", a.grounds,
                  (*a.depends_on, f"whether {inchoate} is covered (circuits differ)"),
                  (*a.sources, "Coronado-Durazo v. INS, 123 F.3d 1322 (9th Cir. 1997)"))


@dataclass(frozen=True, slots=True)
class Stage1:
    findings: RecordFindings
    possible_offense_class: str
    max_sources: tuple[str, ...]


def record_findings(req: Request) -> RecordFindings:
    return stage1(req).findings


@dataclass(frozen=True, slots=True)
class OffenseMatches:
    """What the offense's elements match, for what the record establishes (no sentence, no disposition)."""

    cov: Answer
    cimt: Answer
    controlled_substance: Answer
    firearm: Answer
    af: tuple[tuple[str, Answer], ...]
    e_ground: Answer
    protection_order: Answer  # 237(a)(2)(E)(ii) alone: read without a conviction too
    trafficking: Answer
    burglary: Answer
    sexual: Tri
    dui: Answer
    mpu: Tri
    murder: Tri
    prostitution: Answer
    laken_riley: Answer
    minor_traffic: Tri
    gambling: Tri  # 101(f)(4)-(5)


T = TypeVar("T")

_MATCHES: dict[tuple[int, RecordFacts], OffenseMatches] = {}
_STAGE1: dict[tuple[object, ...], Stage1] = {}
_CACHE_LIMIT = 100_000


def set_cache_limit(n: int) -> None:
    """Entries each memo of this module keeps before it forgets them all (the bulk path lowers it
    in its workers: an entry holds a whole analysis, several kilobytes)."""
    global _CACHE_LIMIT
    _CACHE_LIMIT = max(1, n)


def remember(memo: dict[Any, T], key: Any, value: T, limit: int | None = None) -> T:
    """Store ``value`` in a pure memo and return it. When the memo holds ``limit`` entries (this
    module's limit by default) it starts again: recent keys are the likely ones, forgetting costs
    time, never exactness, and memory stays bounded on runs of any length."""
    if len(memo) >= (_CACHE_LIMIT if limit is None else limit):
        memo.clear()
    memo[key] = value
    return value


def offense_matches(off: Offense, facts: RecordFacts) -> OffenseMatches:
    key = (id(off), facts)
    hit = _MATCHES.get(key)
    if hit is not None:
        return hit
    on = facts.on
    cov = _match(off, "crime_of_violence", facts)
    # 237(a)(2)(E): crime of domestic violence, stalking, child abuse; protection-order violations.
    dv_own = off.ground("domestic_violence")
    dv = resolve_match(dv_own, facts, off.sources[0]) if dv_own else _dv_from_cov(cov, facts)
    if dv.result != NO:
        dv = Answer(dv.result, dv.why, ("crime of domestic violence",), dv.depends_on, dv.sources)
    e_parts = [dv]
    protection_order = no("Not a violation of a protection order.", ("8 U.S.C. 1227(a)(2)(E)(ii)",))
    for name, label in (("stalking", "crime of stalking"), ("child_abuse", "crime of child abuse, neglect or abandonment"),
                        ("protection_order_violation", "violation of a protection order (237(a)(2)(E)(ii))")):
        a = _match(off, name, facts)
        if a.result != NO:
            e_parts.append(Answer(a.result, a.why, (label,), a.depends_on, a.sources))
            if name == "protection_order_violation":
                protection_order = e_parts[-1]
    e_ground = combine_any(e_parts, "Not a crime of domestic violence, stalking, child abuse or a protection-order violation.",
                           ("8 U.S.C. 1227(a)(2)(E)",))
    if P.value("domestic_violence.ground_from", on) is None and e_ground.result != NO:
        e_ground = no("The domestic violence grounds apply only to convictions after 1996-09-30.", ("IIRIRA sec. 350(b)",))
    if P.value("domestic_violence.ground_from", on) is None and protection_order.result != NO:
        protection_order = no("The protection-order ground applies only to violations after 1996-09-30.", ("IIRIRA sec. 350(b)",))
    out = OffenseMatches(
        cov=cov,
        cimt=_match(off, "cimt", facts),
        controlled_substance=_match(off, "controlled_substance", facts),
        firearm=_match(off, "firearm", facts),
        af=tuple((cat, _with_step(resolve_match(m, facts, off.sources[0]), off, cat, facts)) for cat, m in off.aggravated_felony.items()),
        e_ground=e_ground,
        protection_order=protection_order,
        trafficking=_match(off, "trafficking_conduct" if off.trafficking_conduct is not None else "drug_trafficking", facts),
        burglary=_match(off, "burglary", facts),
        sexual=any_of((_match(off, "sexual_abuse", facts).result, _match(off, "sexual_abuse_of_minor", facts).result,
                       _match(off, "rape", facts).result)),
        dui=_match(off, "dui", facts),
        mpu=_match(off, "marijuana_personal_use", facts).result,
        murder=any_of((_match(off, "murder_or_torture", facts).result, _match(off, "murder", facts).result)),
        prostitution=_match(off, "prostitution", facts),
        laken_riley=_match(off, "laken_riley", facts),
        minor_traffic=_match(off, "minor_traffic", facts).result,
        gambling=_match(off, "gambling", facts).result,
    )
    remember(_MATCHES, key, out)
    return out


def request_key(req: Request) -> tuple[object, ...]:
    """Every field of a request that stage 1 reads."""
    return (id(req.offense), req.catalog.code, req.subsection, req.inchoate, req.disposition, req.disposition_date,
            req.offense_date, req.law_as_of, req.custody_days, req.suspended_custody_days, req.loss_usd, req.substance,
            req.marijuana_grams, req.victim_relationship, req.weapon, req.victim_age, req.offense_level, req.birth_range)


def stage1(req: Request) -> Stage1:
    """Stage 1 for one request; memoised on every field it reads (it is a pure function)."""
    key = request_key(req)
    hit = _STAGE1.get(key)
    if hit is not None:
        return hit
    out = _stage1(req)
    remember(_STAGE1, key, out)
    return out


def _stage1(req: Request) -> Stage1:
    off, jur = req.offense, req.catalog.jurisdiction
    on = req.disposition_date
    conv = conviction_for(req.disposition, jur, on)
    ps = possible_sentence(jur, off, on, req.inchoate, req.offense_level)
    level = req.offense_level or ({"yes": "felony", "no": "misdemeanor"}.get(ps.felony) if ps.known else None)
    facts = RecordFacts(on, req.subsection, req.substance, req.weapon, req.victim_relationship, req.victim_age, level)
    term = term_of_imprisonment(req.custody_days, req.suspended_custody_days)
    om = offense_matches(off, facts)

    cov = om.cov
    cimt = _inchoate(om.cimt, req.inchoate, "CIMT")
    cs = _inchoate(om.controlled_substance, req.inchoate, "controlled substance")
    firearm = _inchoate(om.firearm, req.inchoate, "firearm")
    def sub(cat: str, m: Answer) -> Answer:
        return AF.subparagraph_answer(cat, m, term_days=term, loss_usd=req.loss_usd, possible_max_days=ps.max_days,
                                      possible_max_known=ps.known, law_as_of=req.law_as_of, inchoate=req.inchoate)

    af_parts = [sub("crime_of_violence", cov)]
    af_parts.extend(sub(cat, m) for cat, m in om.af)
    af = AF.inchoate_answer(AF.aggravated_felony(af_parts, req.law_as_of), req.inchoate)
    e_ground = _inchoate(om.e_ground, req.inchoate if req.inchoate not in ("attempt", "conspiracy") else None, "domestic violence")
    protection_order = _inchoate(om.protection_order, req.inchoate if req.inchoate not in ("attempt", "conspiracy") else None,
                                 "protection order")
    sexual = om.sexual
    daca_sig = combine_any(
        [a for a in (e_ground, om.burglary, firearm, om.trafficking, om.dui,
                     Answer(sexual, "Sexual abuse or exploitation.", (), ("sexual abuse element",) if sexual == DEPENDS else (), ()))
         if a.result != NO],
        "Not of a kind that makes a misdemeanor significant.",
        ("8 CFR 236.22(b)(6)",),
    )
    findings = RecordFindings(
        disposition=req.disposition,
        disposition_date=req.disposition_date,
        offense_date=req.offense_date,
        law_as_of=req.law_as_of,
        conviction=conv,
        term_days=term,
        custody_days=req.custody_days,
        possible_max_days=ps.max_days,
        possible_max_known=ps.known,
        felony=ps.felony,
        countable_misdemeanor=ps.countable_misdemeanor,
        aggravated_felony=gate(conv, af),
        cimt=gate(conv, cimt),
        controlled_substance=gate(conv, cs),
        firearm=gate(conv, firearm),
        domestic_violence=gate(conv, e_ground),
        crime_of_violence=gate(conv, cov),
        marijuana_personal_use=om.mpu,
        marijuana_grams=req.marijuana_grams,
        drug_trafficking=om.trafficking,
        prostitution=om.prostitution,
        laken_riley=om.laken_riley,
        daca_significant=daca_sig,
        minor_traffic=om.minor_traffic,
        dui=om.dui.result,
        murder=om.murder,
        gambling=om.gambling,
        cimt_charged=cimt.result,
        minor_at_offense=_minor(req),
        protection_order=protection_order,
    )
    return Stage1(findings, ps.offense_class, ps.sources)


def _minor(req: Request) -> Tri:
    """Under 18 when the offense was committed (212(a)(2)(A)(ii)(I)); 'no' when no birth date is given."""
    if req.birth_range is None:
        return NO
    when = req.offense_date or req.disposition_date
    def age_on(b: dt.date) -> int:
        return when.year - b.year - ((when.month, when.day) < (b.month, b.day))
    oldest, youngest = age_on(req.birth_range[0]), age_on(req.birth_range[1])
    if oldest < 18:
        return YES
    if youngest >= 18:
        return NO
    return DEPENDS


def _dv_from_cov(cov: Answer, facts: RecordFacts) -> Answer:
    if cov.result == NO:
        return no("Not a crime of violence, so not a crime of domestic violence.", cov.sources)
    rel = _relationship(facts.victim_relationship)
    result: Tri = all_of((cov.result, rel.result))
    if result == NO:
        return no(rel.why if rel.result == NO else cov.why, (*cov.sources, *rel.sources))
    if result == YES:
        return Answer(YES, "A crime of violence against a person in a protected domestic relationship.", (), (), (*cov.sources, *rel.sources))
    return Answer(DEPENDS, "A crime of violence is a crime of domestic violence if the victim is in a protected relationship.",
                  (), (*cov.depends_on, *rel.depends_on), (*cov.sources, *rel.sources))


_STAGE2: dict[tuple[RecordFindings, Priors, dt.date | None], dict[str, Answer]] = {}


def consequences(r: RecordFindings, p: Priors, admission: dt.date | None) -> dict[str, Answer]:
    """Stage 2: findings that depend on other records, and every consequence (memoised: pure)."""
    key = (r, p, admission)
    hit = _STAGE2.get(key)
    if hit is not None:
        return hit
    out = _consequences(r, p, admission)
    remember(_STAGE2, key, out)
    return out


def clear_caches() -> None:
    """Forget memoised results (for cold-path benchmarks and tests)."""
    _MATCHES.clear()
    _STAGE1.clear()
    _STAGE2.clear()
    for cache in REGISTERED_CACHES:
        cache.clear()


# Memo tables of the layers above (analyze's merge and alternatives) register here to be cleared together.
REGISTERED_CACHES: list[dict[Any, Any]] = []


def _consequences(r: RecordFindings, p: Priors, admission: dt.date | None) -> dict[str, Answer]:
    petty = inadmissibility.petty_offense_exception(r, p)
    inadm = inadmissibility.inadmissible(r, p, petty)
    deport, deport_parts = deportability.deportable(r, p, admission)
    lra = detention.laken_riley(r)
    detain = detention.mandatory_detention(r, inadm, deport_parts, lra)
    asylum = relief.asylum_bar(r)
    return {
        "petty_offense_exception": petty,
        "deportable": deport,
        "inadmissible": inadm,
        "mandatory_detention": detain,
        "laken_riley_detention": lra,
        "asylum_bar": asylum,
        "withholding_bar": relief.withholding_bar(r, p),
        "lpr_cancellation_bar": relief.lpr_cancellation_bar(r, inadm, deport, admission, petty),
        "non_lpr_cancellation_bar": relief.non_lpr_cancellation_bar(r, p, petty),
        "daca_bar": relief.daca_bar(r, p),
        "tps_bar": relief.tps_bar(r, p, asylum, petty, inadm),
        "naturalization_bar": relief.naturalization_bar(r, p, petty),
        **{f"deportable.{k}": v for k, v in deport_parts.items()},
    }

