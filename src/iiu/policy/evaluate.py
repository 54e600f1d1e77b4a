"""Evaluate a case at a stage against the office's policy: which directives apply, and why.

A case is a person's charges at one stage (DESIGN §5.4):
``{"jurisdiction", "stage", "charges": [analysis requests], "defense_proposal": optional}``.
Each charge is analysed by the engine twice when needed: as it stands at the stage (a pending
charge can already trigger consequences) and as a conviction on the charge (what the office's
decision risks). Evaluation is status-blind: it never asks for or uses a person's immigration
status; a trigger fires when a consequence is ``yes`` (or ``depends``) for *some* status
profile of the engine's matrix. A case that carries a status field is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from iiu.engine.errors import RequestError
from iiu.policy.loader import load_policy
from iiu.policy.schema import (
    APPROVER_NAMES,
    STAGES,
    CitationRef,
    Directive,
    Level,
    Policy,
    Program,
    Trigger,
)

# Fields that would carry a person's immigration status: the policy layer refuses them.
STATUS_FIELDS = frozenset({
    "immigration_status", "status", "citizenship", "citizenship_status", "nationality", "country_of_birth",
    "a_number", "alien_number", "visa_status", "status_profile", "place_of_birth",
})
# Charge fields the policy reads and the engine does not.
POLICY_CHARGE_FIELDS = ("counts", "provable_counts")
CONVICTION_DISPOSITIONS = frozenset({
    "guilty_plea", "nolo_contendere_plea", "alford_plea", "trial_conviction", "deferred_adjudication",
})
DEFAULT_DISPOSITION = {
    "pre_arrest": "charged", "charging": "charged", "pretrial": "charged", "plea": "guilty_plea",
    "sentencing": "guilty_plea", "post_conviction": "guilty_plea", "release": "guilty_plea",
}
LEVEL_RANK = {"violation": 0, "misdemeanor": 1, "felony": 2, "any": 3}
TRI_RANK = {"no": 0, "depends": 1, "yes": 2}


@dataclass
class Charge:
    index: int
    request: dict[str, Any]
    jurisdiction: str
    citation: str
    title: str
    subsection: str | None
    level: str  # violation | misdemeanor | felony | wobbler
    report: dict[str, Any]
    conviction: dict[str, Any]  # the report for a conviction on this charge
    conviction_request: dict[str, Any] = field(default_factory=dict)
    counts: int = 1
    provable_counts: int | None = None
    declined: bool = False
    offense: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.citation}{self.subsection or ''} ({self.title})"

    def worst_profile(self, consequences: tuple[str, ...] = ()) -> str:
        """The worst result any status profile faces on conviction (status-blind)."""
        if consequences:
            vals = [self.conviction["consequences"].get(c, {}).get("result", "no") for c in consequences]
        else:
            vals = [p["any_consequence"] for p in self.conviction.get("status_profiles", {}).values()]
            vals += [c["result"] for c in self.conviction["consequences"].values()]
        return max(vals, key=lambda v: TRI_RANK.get(v, 1), default="no")

    def harmful(self, results: tuple[str, ...]) -> list[str]:
        return sorted(k for k, v in self.conviction["consequences"].items() if v["result"] in results)

    def profiles(self, results: tuple[str, ...]) -> list[str]:
        return [v["label"] for v in self.conviction.get("status_profiles", {}).values()
                if v["any_consequence"] in results]

    @property
    def effective_level(self) -> str:
        """A wobbler counts as a misdemeanor unless it is charged as a felony (offense_level)."""
        if self.level == "wobbler":
            return "felony" if self.request.get("offense_level") == "felony" else "misdemeanor"
        return self.level

    def fits(self, max_level: Level) -> bool:
        return LEVEL_RANK[self.effective_level] <= LEVEL_RANK[max_level]


def _check_status_blind(obj: Any, path: str) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if str(k).lower() in STATUS_FIELDS:
                raise RequestError(
                    "the policy is status-blind: do not send a person's immigration status; every status profile "
                    "is evaluated (defense counsel may record status in the protected fields of a case)",
                    f"{path}{k}",
                )
            if k in ("person", "defense_proposal", "history") or isinstance(v, dict):
                _check_status_blind(v, f"{path}{k}.")
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    _check_status_blind(x, f"{path}{k}[{i}].")


def _level(req: Any) -> str:
    from iiu.engine.sentence import possible_sentence

    ps = possible_sentence(req.catalog.jurisdiction, req.offense, req.disposition_date, req.inchoate, req.offense_level)
    if ps.felony == "yes":
        return "felony"
    if ps.felony == "depends":
        return "wobbler"
    cls = ps.offense_class.lower()
    if any(w in cls for w in ("violation", "infraction", "petty")):
        return "violation"
    return "misdemeanor"


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RequestError(f"{name.rsplit('.', 1)[-1]} must be a whole number of at least 1", name)
    return value


def _prepare(case: dict[str, Any], stage: str, today: dt.date) -> list[Charge]:
    from iiu.engine.analyze import analyze
    from iiu.engine.request import parse_request

    jur = case.get("jurisdiction")
    if jur is not None and not isinstance(jur, str):
        raise RequestError("jurisdiction must be a code such as NY, CA or IL", "jurisdiction")
    charges = case.get("charges")
    if not isinstance(charges, list) or not charges:
        raise RequestError("charges must be a non-empty list of analysis requests", "charges")
    proposals = _proposals(case, len(charges))
    want_alts = stage in ("plea", "sentencing", "post_conviction", "release")
    out: list[Charge] = []
    for i, raw in enumerate(charges):
        p = f"charges[{i}]."
        if not isinstance(raw, dict):
            raise RequestError("each charge must be a JSON object in the shape of an analysis request", p.rstrip("."))
        counts = _int(raw.get("counts", 1), p + "counts")
        provable = raw.get("provable_counts")
        provable = None if provable is None else _int(provable, p + "provable_counts")
        req = {k: v for k, v in raw.items() if k not in POLICY_CHARGE_FIELDS}
        req.setdefault("jurisdiction", jur)
        if not req.get("disposition"):
            req["disposition"] = DEFAULT_DISPOSITION[stage]
        if case.get("date") and not req.get("disposition_date"):
            req["disposition_date"] = case["date"]
        if proposals.get(i) is not None:
            req["defense_proposal"] = proposals[i]
        try:
            parsed = parse_request(req, today=today)
            report = analyze(req, today=today, alternatives=want_alts, trace=False)
            conv_req = {k: v for k, v in req.items() if k != "defense_proposal"}
            if report["conviction"] == "yes":
                conviction = report
            else:
                conv_req["disposition"] = "guilty_plea"
                conviction = analyze(conv_req, today=today, alternatives=stage == "plea", trace=False)
        except RequestError as e:
            raise RequestError(e.message, p + e.field, **e.extra) from None
        off = report["offense"]
        out.append(Charge(
            index=i, request=req, jurisdiction=off["jurisdiction"], citation=off["citation"], title=off["title"],
            subsection=off.get("subsection"), level=_level(parsed), report=report, conviction=conviction,
            counts=counts, provable_counts=provable, offense=parsed.offense, conviction_request=conv_req,
        ))
    return out


def _proposals(case: dict[str, Any], n: int) -> dict[int, dict[str, Any]]:
    dp = case.get("defense_proposal")
    if dp is None:
        return {}
    items = dp if isinstance(dp, list) else [dp]
    out: dict[int, dict[str, Any]] = {}
    for j, item in enumerate(items):
        path = f"defense_proposal[{j}]" if isinstance(dp, list) else "defense_proposal"
        if not isinstance(item, dict):
            raise RequestError("defense_proposal must be an object in the shape of a request (or a list of them)", path)
        idx = item.get("charge")
        if idx is None:
            idx = 0
            for i, ch in enumerate(case["charges"]):
                if isinstance(ch, dict) and item.get("offense") and ch.get("offense") == item.get("offense"):
                    idx = i
                    break
        if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < n:
            raise RequestError(f"charge must be the index of one of the {n} charges", path + ".charge")
        out[idx] = {k: v for k, v in item.items() if k != "charge"}
    return out


# --- matching --------------------------------------------------------------------------------


def _ref_matches(ch: Charge, jur: str, ref: CitationRef) -> bool:
    from iiu.policy.loader import resolve_ref

    if jur != ch.jurisdiction:
        return False
    try:
        cite, sub = resolve_ref(jur, ref)
    except (LookupError, ValueError):
        return False
    if cite != ch.citation:
        return False
    if sub is not None and (ch.subsection is None or not ch.subsection.startswith(sub)):
        return False
    level = ch.request.get("offense_level")
    return not (ref.level is not None and ch.level == "wobbler" and level != ref.level)


def _in_lists(ch: Charge, lists: dict[str, tuple[CitationRef, ...]]) -> CitationRef | None:
    for ref in lists.get(ch.jurisdiction, ()):
        if _ref_matches(ch, ch.jurisdiction, ref):
            return ref
    return None


# --- building directives ---------------------------------------------------------------------


class _Out:
    def __init__(self, stage: str, today: dt.date) -> None:
        self.stage = stage
        self.today = today
        self.items: list[dict[str, Any]] = []

    def add(self, d: Directive, proposal: int, *, charge: Charge | None = None, reasons: list[str] | None = None,
            text: str | None = None, action: str | None = None, sources: tuple[str, ...] = (),
            ident: str | None = None, **extra: Any) -> None:
        approver = d.approver
        item: dict[str, Any] = {
            "id": ident or d.id,
            "stage": self.stage,
            "action": action or d.action,
            "title": d.title,
            "text": text or d.text,
            "requires_approval": d.requires_approval,
            "approver": approver,
            "deviation_approver": d.deviation_approver,
            "sources": list(dict.fromkeys((*d.sources, *sources))),
            "reasons": [d.reason, *(reasons or [])],
            "proposal": proposal,
            "charge": None if charge is None else {
                "index": charge.index, "offense": charge.citation, "subsection": charge.subsection,
                "title": charge.title, "jurisdiction": charge.jurisdiction,
            },
        }
        item.update(extra)
        self.items.append(item)


def _declination(p: Policy, charges: list[Charge], out: _Out) -> None:
    stage = out.stage
    # First pass: rules without "only charge"; second: "only charge" rules on what remains.
    for only_pass in (False, True):
        for ch in charges:
            if ch.declined:
                continue
            for rule in p.declination.categorical:
                if stage not in rule.stages or not ch.fits(rule.max_level):
                    continue
                ref = _in_lists(ch, rule.citations)
                if ref is None:
                    continue
                only = ref.only_charge if ref.only_charge is not None else rule.only_charge
                if only != only_pass:
                    continue
                d = Directive(id=rule.id, title=f"Categorical declination: {rule.category}", action="decline",
                              text=rule.text, reason=rule.reason, sources=rule.sources,
                              deviation_approver=rule.deviation_approver)
                reasons = [f"{ch.citation} is on the office's categorical declination list ({rule.category}) "
                           f"for {ch.jurisdiction}." + (f" {ref.note}" if ref.note else "")]
                if ch.level == "wobbler" and rule.max_level != "any":
                    reasons.append("The offense can be a felony or a misdemeanor: the rule applies when it is "
                                   "charged as a misdemeanor.")
                if only:
                    others = [c.citation for c in charges if c is not ch and not c.declined]
                    if others:
                        continue
                    reasons.append("It is the only charge that remains in the case.")
                limit = ref.max_loss_usd if ref.max_loss_usd is not None else rule.max_loss_usd
                if limit is not None:
                    loss = (ch.request.get("facts") or {}).get("loss_usd")
                    if loss is None:
                        out.add(d, 2, charge=ch, action="recommend", ident=f"{rule.id}.value",
                                text=f"Establish the value involved: at ${limit:,.0f} or less this charge is declined "
                                     f"under the categorical declination rule for {rule.category.lower()}.",
                                reasons=[*reasons, "facts.loss_usd is not given."])
                        break
                    if float(loss) > limit:
                        continue
                    reasons.append(f"The value (${float(loss):,.0f}) is not over ${limit:,.0f}.")
                ch.declined = True
                if rule.exceptions:
                    reasons.append("Exceptions (each needs approval): " + "; ".join(rule.exceptions))
                out.add(d, 2, charge=ch, reasons=reasons)
                break
    for ch in charges:
        if ch.declined:
            continue
        protected = _in_lists(ch, p.declination.never_categorical) is not None
        for rule in p.declination.nullification:
            if stage not in rule.stages or not ch.fits(rule.when.max_level):
                continue
            if protected and rule.action == "decline":
                continue  # decided case by case: the next trigger (an approval) applies instead
            if not _trigger(ch, rule.when):
                continue
            worst = ch.worst_profile(rule.when.consequences)
            results = tuple(r for r in rule.when.any_profile)
            reasons = [
                f"On conviction the worst result for some status profile is '{worst}' "
                f"({', '.join(ch.harmful(results)) or 'see the matrix'}).",
                "Profiles affected: " + (", ".join(ch.profiles(results)) or "unknown") + ".",
                f"{ch.citation} is a {ch.level} offense.",
            ]
            if protected:
                reasons.append(f"{ch.citation} is never declined as a category: "
                               f"{p.declination.never_categorical_reason}")
            out.add(rule, 2, charge=ch, reasons=reasons, sources=_consequence_sources(ch, results))
            break


def _trigger(ch: Charge, when: Trigger) -> bool:
    return ch.worst_profile(when.consequences) in when.any_profile


def _consequence_sources(ch: Charge, results: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for v in ch.conviction["consequences"].values():
        if v["result"] in results:
            out.extend(s for s in v.get("sources", []) if "U.S.C." in s or "CFR" in s)
    return tuple(dict.fromkeys(out))


def _charging(p: Policy, charges: list[Charge], out: _Out) -> None:
    c = p.charging
    out.add(c.standard, 3)
    from iiu.engine.sentence import possible_sentence
    from iiu.law.catalog import get_catalog, resolve

    by_cite: dict[str, int] = {}
    for ch in charges:
        by_cite[ch.citation] = by_cite.get(ch.citation, 0) + ch.counts
    for ch in charges:
        if ch.declined:
            continue
        if ch.level in ("felony", "wobbler") and ch.offense is not None:
            jur = get_catalog(ch.jurisdiction).jurisdiction
            lesser = []
            for alt in ch.offense.safer_alternatives:
                try:
                    off, _ = resolve(ch.jurisdiction, alt.citation)
                except LookupError:
                    continue
                ps = possible_sentence(jur, off, dt.date.today(), None, "misdemeanor")
                if ps.felony == "no" and off.citation != ch.citation:
                    lesser.append((off, alt))
            if lesser:
                names = "; ".join(f"{o.citation} ({o.title}, {o.offense_class}): {a.why}" for o, a in lesser)
                out.add(c.felony_over_misdemeanor, 3, charge=ch,
                        text=f"{c.felony_over_misdemeanor.text} Lesser charges the catalog lists for this conduct: {names}",
                        reasons=[f"{ch.citation} is charged as a felony; the catalog lists a misdemeanor or lesser "
                                 f"offense covering the conduct."],
                        sources=tuple(s for o, a in lesser for s in (*a.sources, *o.sources[:1])),
                        alternatives=[o.citation for o, _ in lesser])
        if c.wobbler_as_misdemeanor is not None and ch.level == "wobbler" or (
            c.wobbler_as_misdemeanor is not None and ch.offense is not None and ch.offense.wobbler
            and ch.request.get("offense_level") == "felony"
        ):
            assert c.wobbler_as_misdemeanor is not None
            out.add(c.wobbler_as_misdemeanor, 3, charge=ch,
                    reasons=[f"{ch.citation} may be charged as a felony or a misdemeanor."])
        rule = c.counts
        n = ch.counts
        total = by_cite.get(ch.citation, n)
        why: list[str] = []
        if ch.provable_counts is not None and n > ch.provable_counts:
            why.append(f"{n} counts are charged but {ch.provable_counts} are likely provable at trial.")
        if total > rule.max_counts_without_approval:
            why.append(f"{total} counts of {ch.citation} exceed the {rule.max_counts_without_approval} the policy "
                       f"allows without approval.")
        if why:
            out.add(rule, 3, charge=ch, reasons=why)


def _capped_gain(ch: Charge, days: int, today: dt.date) -> list[str]:
    """What a term of ``days`` (suspended time included, INA 101(a)(48)(B)) removes from the conviction's
    findings and consequences, by asking the engine again."""
    from iiu.engine.analyze import analyze
    from iiu.engine.request import UNKNOWN

    raw = ch.conviction_request.get("sentence") or {}
    if not isinstance(raw, dict) or UNKNOWN in (raw.get("custody_days"), raw.get("suspended_custody_days")):
        return []  # no sentence proposed (``"unknown"``): nothing to cap
    sent = dict(raw)
    custody = int(sent.get("custody_days") or 0)
    suspended = int(sent.get("suspended_custody_days") or 0)
    if custody + suspended <= days:
        return []
    sent["custody_days"] = min(custody, days)
    sent["suspended_custody_days"] = max(0, min(suspended, days - sent["custody_days"]))
    req = {**ch.conviction_request, "sentence": sent}
    try:
        capped = analyze(req, today=today, alternatives=False, trace=False)
    except RequestError:
        return []
    out: list[str] = []
    for part in ("findings", "consequences"):
        for k, b in ch.conviction[part].items():
            a = capped[part].get(k)
            if k == "petty_offense_exception" or a is None:
                continue
            if TRI_RANK[a["result"]] < TRI_RANK[b["result"]]:
                out.append(f"{k} ({b['result']} to {a['result']})")
            elif b["result"] != "no" and part == "findings":
                gone = [g for g in b.get("grounds", []) if g not in a.get("grounds", [])]
                if gone:
                    out.append(f"{k} ground: {'; '.join(gone)}")
    return out


def _offers(ch: Charge, n: int) -> list[dict[str, Any]]:
    alts = ch.conviction.get("alternatives") or []
    return [{"summary": a["summary"], "change": a["change"], "removes": a["removes"]} for a in alts[:n]]


def _plea(p: Policy, charges: list[Charge], out: _Out) -> None:
    pl = p.plea
    out.add(pl.consider_avoidance, 4)
    for ch in charges:
        if ch.declined:
            continue
        worst = ch.worst_profile()
        if worst != "no":
            offers = _offers(ch, pl.default_offers.max_offers)
            if offers:
                listed = " ".join(f"({k}) {o['summary']}" for k, o in enumerate(offers, 1))
                text = f"{pl.default_offers.text} Immigration-safe offers, best first: {listed}"
            else:
                text = (f"{pl.default_offers.text} The engine found no safer alternative in the catalog for this "
                        f"charge: consult the Immigration Integrity Unit and defense counsel.")
            out.add(pl.default_offers, 4, charge=ch, text=text, offers=offers,
                    reasons=[f"On conviction the worst result for some status profile is '{worst}' "
                             f"({', '.join(ch.harmful(('yes', 'depends')))})."])
        ns = pl.no_sanction
        if ch.fits(ns.max_level) and worst in ns.when_any_profile:
            out.add(ns, 4, charge=ch, reasons=[f"{ch.citation} is a {ch.level} offense and a conviction has the "
                                               f"result '{worst}' for some status profile."])


def _defense(p: Policy, charges: list[Charge], out: _Out) -> None:
    for ch in charges:
        dp = ch.report.get("defense_proposal")
        if dp is None:
            continue
        if dp.get("proposal_removes") and not dp.get("proposal_adds"):
            out.add(p.plea.defense_accept, 4, charge=ch,
                    reasons=[f"Defense counsel's proposal removes: {', '.join(dp['proposal_removes'])}."])
        if dp.get("departs"):
            diffs = "; ".join(f"{k}: office {v['office']!r}, defense {v['defense']!r}" for k, v in dp["differences"].items())
            out.add(p.plea.defense_departure, 4, charge=ch, reasons=[f"The office's position departs from the "
                                                                     f"defense proposal ({diffs})."],
                    differences=dp["differences"])


def _sentencing(p: Policy, charges: list[Charge], out: _Out) -> None:
    s = p.sentencing
    for ch in charges:
        if ch.declined:
            continue
        rep = ch.conviction
        off = rep["offense"]
        term = off.get("term_of_imprisonment_days", 0) or 0
        one_year = [] if ch.fits("misdemeanor") else _capped_gain(ch, s.misdemeanor_cap.days, out.today)
        if ch.fits("misdemeanor"):
            reasons = [f"{ch.citation} is a {ch.level} offense: no sentence of a year or more."]
            if term > s.misdemeanor_cap.days:
                reasons.append(f"The term proposed ({term} days, suspended time included) exceeds the cap.")
            out.add(s.misdemeanor_cap, 5, charge=ch, reasons=reasons, cap_days=s.misdemeanor_cap.days)
        elif one_year:
            out.add(s.misdemeanor_cap, 5, charge=ch, cap_days=s.misdemeanor_cap.days,
                    reasons=[f"A term of {term} days has consequences that a term of {s.misdemeanor_cap.days} days "
                             f"avoids: {', '.join(one_year)}."])
        cimt = rep["findings"].get("cimt", {}).get("result", "no")
        max_days = off.get("max_custody_days_at_conviction")
        if cimt != "no" and max_days is not None and max_days <= 365 and off.get("max_known", True):
            reasons = [f"A conviction may be a crime involving moral turpitude (cimt: {cimt}); the petty offense "
                       f"exception needs a sentence of 180 days or less (INA 212(a)(2)(A)(ii)(II))."]
            if term > s.petty_offense_cap.days:
                reasons.append(f"The term proposed ({term} days) exceeds it.")
            out.add(s.petty_offense_cap, 5, charge=ch, reasons=reasons, cap_days=s.petty_offense_cap.days)
        if rep["offense"].get("term_of_imprisonment_days", 0) and (ch.request.get("sentence") or {}).get(
                "suspended_custody_days"):
            out.add(s.suspended_time, 5, charge=ch, reasons=["The proposed sentence includes suspended custody."])
        worst = ch.worst_profile()
        for rule in (s.memo, s.approval):
            if worst in rule.when_any_consequence:
                out.add(rule, 5, charge=ch, sources=_consequence_sources(ch, rule.when_any_consequence),
                        reasons=[f"On conviction a consequence is '{worst}' for some status profile: "
                                 f"{', '.join(ch.harmful(rule.when_any_consequence))}."])


def _eligible(prog: Program, ch: Charge, stage: str) -> bool:
    if prog.jurisdiction != ch.jurisdiction or stage not in prog.stages or not ch.fits(prog.max_level):
        return False
    if _in_lists(ch, prog.excluded) is not None:
        return False
    return not prog.eligible or _in_lists(ch, prog.eligible) is not None


def _diversion(p: Policy, charges: list[Charge], out: _Out) -> None:
    dv = p.diversion
    for ch in charges:
        if ch.declined:
            continue
        progs = [pr for pr in dv.programs if _eligible(pr, ch, out.stage)]
        free = [pr for pr in progs if not pr.conviction_under_ina]
        plea = [pr for pr in progs if pr.conviction_under_ina]
        if free:
            names = "; ".join(f"{pr.name} ({pr.authority})" for pr in free)
            out.add(dv.prefer_plea_free, 6, charge=ch, text=f"{dv.prefer_plea_free.text} Eligible: {names}.",
                    sources=tuple(s for pr in free for s in pr.sources), programs=[pr.id for pr in free],
                    reasons=[f"{ch.citation} is eligible for a program that requires no plea and no admission, so "
                             f"completing it leaves no conviction under INA 101(a)(48)(A)."])
        if plea:
            names = "; ".join(f"{pr.name} ({pr.authority})" for pr in plea)
            out.add(dv.plea_required, 6, charge=ch, text=f"{dv.plea_required.text} Flagged: {names}.",
                    sources=tuple(s for pr in plea for s in pr.sources), programs=[pr.id for pr in plea],
                    ina_conviction=True,
                    reasons=["These programs require a plea or an admission up front: under INA 101(a)(48)(A) that "
                             "is a conviction once any penalty or restraint is ordered, even if the state court "
                             "later dismisses the case."
                             + ("" if free else " No plea-free program is listed for this charge.")])


def _pre_arrest(p: Policy, charges: list[Charge], out: _Out) -> None:
    pa = p.pre_arrest
    for ch in charges:
        for cat in pa.categories:
            if _in_lists(ch, cat.citations) is not None:
                out.add(pa.referral, 7, charge=ch, text=f"{pa.referral.text} Category: {cat.name} — refer to "
                                                         f"{cat.partner}.",
                        reasons=[f"{ch.citation} falls in the pre-arrest referral category '{cat.name}': "
                                 f"{cat.description}"], category=cat.id)
                ch.declined = True
                break


def _post_conviction(p: Policy, charges: list[Charge], out: _Out) -> None:
    from iiu.law.catalog import get_catalog

    pc = p.post_conviction
    for ch in charges:
        if ch.conviction["conviction"] == "no":
            continue
        hit = next((c for c in pc.criteria if ch.fits(c.when.max_level) and _trigger(ch, c.when)), None)
        if hit is None:
            continue
        board = pc.board
        out.add(pc.review, 8, charge=ch, priority=hit.priority, criterion=hit.id,
                text=f"{pc.review.text} Refer to the {board.name}.",
                reasons=[f"Review criterion '{hit.id}' (priority {hit.priority}): {hit.description}",
                         f"Consequences on this conviction: {', '.join(ch.harmful(('yes', 'depends')))}."])
        vehicles = [v for v in get_catalog(ch.jurisdiction).jurisdiction.post_conviction_vehicles
                    if v.effective_to is None]
        out.add(pc.position, 8, charge=ch,
                text=pc.position.text + (" Vehicles in " + ch.jurisdiction + ": "
                                         + "; ".join(f"{v.citation} ({v.name})" for v in vehicles) + "."
                                         if vehicles else ""),
                sources=tuple(v.citation for v in vehicles), vehicles=[v.citation for v in vehicles])


def _release(p: Policy, charges: list[Charge], out: _Out) -> None:
    r = p.release
    stage = out.stage
    if stage == "pretrial":
        out.add(r.pretrial_release, 9)
    if stage in ("pretrial", "sentencing", "release"):
        out.add(r.detainers, 9)
    if stage in ("release", "post_conviction"):
        for ch in charges:
            if ch.conviction["conviction"] == "no":
                continue
            for days in (p.sentencing.misdemeanor_cap.days, p.sentencing.petty_offense_cap.days):
                gain = _capped_gain(ch, days, out.today)
                if gain:
                    out.add(r.modification, 9, charge=ch, modified_term_days=days,
                            reasons=[f"A term of {days} days or less would remove: {', '.join(gain)}."])
                    break
    if stage == "release":
        out.add(r.notice_to_defense, 9)


def _sharing(p: Policy, out: _Out) -> None:
    s = p.information_sharing
    out.add(s.no_status_inquiry, 10)
    barred = ", ".join(x.name for x in s.barred_recipients)
    classes = ", ".join(x.name for x in s.protected_classes)
    out.add(s.no_sharing, 10, text=f"{s.no_sharing.text} Barred recipients: {barred}. Protected data: {classes}.",
            barred_recipients=[x.id for x in s.barred_recipients], protected_classes=[x.id for x in s.protected_classes])


def _courthouse(p: Policy, out: _Out) -> None:
    if out.stage in ("pretrial", "plea", "sentencing"):
        ca = p.advocacy.courthouse_arrests
        out.add(ca, 11, text=f"{ca.text} Report to {ca.report_to} within {ca.report_within_hours} hours.")


def _extra(p: Policy, charges: list[Charge], out: _Out) -> None:
    for d in p.directives:
        if out.stage not in d.stages:
            continue
        w = d.when
        per_charge = bool(w.citations or w.any_profile or w.max_level != "any")
        if not per_charge:
            if not w.jurisdictions or any(ch.jurisdiction in w.jurisdictions for ch in charges):
                out.add(d, d.proposal)
            continue
        for ch in charges:
            if ch.declined or (w.jurisdictions and ch.jurisdiction not in w.jurisdictions):
                continue
            if w.citations and _in_lists(ch, w.citations) is None:
                continue
            if not ch.fits(w.max_level):
                continue
            if w.any_profile and ch.worst_profile() not in w.any_profile:
                continue
            out.add(d, d.proposal, charge=ch)


def evaluate_case(case: Any, stage: str | None = None, policy: Policy | None = None,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The directives the policy gives for ``case`` at ``stage``; raises RequestError on bad input."""
    if not isinstance(case, dict):
        raise RequestError("the case must be a JSON object: {jurisdiction, stage, charges, defense_proposal}", "case")
    _check_status_blind(case, "")
    stage = stage or case.get("stage")
    if stage not in STAGES:
        raise RequestError(f"stage must be one of {', '.join(STAGES)}" + (f", not {stage!r}" if stage else ""), "stage")
    policy = policy or load_policy()
    today = today or dt.date.today()
    charges = _prepare(case, stage, today)
    out = _Out(stage, today)
    if stage == "pre_arrest":
        _pre_arrest(policy, charges, out)
    if stage in ("charging", "pretrial", "plea"):
        _declination(policy, charges, out)
    if stage == "charging":
        _charging(policy, charges, out)
    if stage == "plea":
        _plea(policy, charges, out)
    if stage in ("plea", "sentencing"):
        _defense(policy, charges, out)
    if stage in ("plea", "sentencing"):
        _sentencing(policy, charges, out)
    if stage in ("charging", "pretrial", "plea"):
        _diversion(policy, charges, out)
    if stage in ("post_conviction",):
        _post_conviction(policy, charges, out)
    _release(policy, charges, out)
    _courthouse(policy, out)
    _sharing(policy, out)
    _extra(policy, charges, out)
    items = sorted(out.items, key=lambda d: (d["proposal"], -1 if d["charge"] is None else d["charge"]["index"]))
    for d in items:
        if d["requires_approval"] and d["approver"]:
            d["reasons"].append(f"Approval by {APPROVER_NAMES[d['approver']]} is required.")
    return {
        "policy_version": policy.version,
        "policy_effective_from": policy.effective_from.isoformat(),
        "office": policy.office.name,
        "stage": stage,
        "status_blind": True,
        "presumptive": policy.presumptive,
        "directives": items,
        "charges": [
            {
                "index": ch.index, "offense": ch.citation, "subsection": ch.subsection, "title": ch.title,
                "jurisdiction": ch.jurisdiction, "level": ch.level, "declined": ch.declined,
                "disposition": ch.request["disposition"],
                "conviction_worst_result": ch.worst_profile(),
                "conviction_consequences": {k: v["result"] for k, v in ch.conviction["consequences"].items()},
            }
            for ch in charges
        ],
        "disclaimer": "Office policy applied to the engine's findings. Not legal advice: defense counsel advises the "
                      "person on their actual immigration status.",
    }
