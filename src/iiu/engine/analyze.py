"""``analyze(request) -> report``: the engine's one entry point (DESIGN §5.1, §5.5)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

from iiu.engine.evaluate import CONSEQUENCES, REGISTERED_CACHES, Stage1, consequences, request_key, stage1
from iiu.engine.report import render, short
from iiu.engine.request import Request, parse_request
from iiu.engine.unknown_sentence import at_bound, combine_answers, combine_stage1, has_unknown_sentence
from iiu.law.answer import Answer
from iiu.law.federal.record import Priors, RecordFindings
from iiu.law.tri import DEPENDS, NO


def evaluate(req: Request) -> tuple[Stage1, dict[str, Answer]]:
    """Both stages for one parsed request, its history included."""
    s1 = stage1(req)
    priors = Priors.of(req.offense_date, [stage1(h).findings for h in req.history])
    return s1, consequences(s1.findings, priors, req.admission_date)


MERGED_FINDINGS = ("aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence")


def _law_date_answer(then: Answer, now: Answer, law_then: dt.date, today: dt.date) -> Answer:
    return Answer(
        DEPENDS,
        f"Under the law in force on {law_then.isoformat()} (the disposition date) this was '{then.result}'; under the law "
        f"in force today ({today.isoformat()}) it is '{now.result}': {now.why}",
        now.grounds,
        (f"which law applies: the law in force on {law_then.isoformat()} or today's ({now.result} under today's law)",
         *now.depends_on),
        (*now.sources, *then.sources),
        now.trace,
    )


def merge_current_law(
    s1: Stage1, answers: dict[str, Answer], s1_now: Stage1, answers_now: dict[str, Answer], today: dt.date
) -> tuple[Stage1, dict[str, Answer]]:
    """Never a false 'no' because of the analysis date: where the law at the disposition date says 'no'
    but today's law does not, the answer is 'depends' on which law applies (immigration authorities
    act under the law in force when they act; e.g. INA 236(c)(1)(E) from 2025-01-29)."""
    r, rn = s1.findings, s1_now.findings
    changes: dict[str, Answer] = {}
    for k in MERGED_FINDINGS:
        a, b = getattr(r, k), getattr(rn, k)
        if a.result == NO and b.result != NO:
            changes[k] = _law_date_answer(a, b, r.law_as_of, today)
    merged = dict(answers)
    for k, a in answers.items():
        b = answers_now.get(k)
        if k == "petty_offense_exception" or b is None:
            continue
        if a.result == NO and b.result != NO:
            merged[k] = _law_date_answer(a, b, r.law_as_of, today)
    if not changes:
        return s1, merged
    findings: RecordFindings = replace(r, **changes)  # type: ignore[arg-type]
    return replace(s1, findings=findings), merged


_MERGED: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_ALTERNATIVES: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
REGISTERED_CACHES.extend((_MERGED, _ALTERNATIVES))
_MERGED_LIMIT = 50_000


def as_of(req: Request, on: dt.date) -> Request:
    return replace(req, law_as_of=on, history=tuple(replace(h, law_as_of=on) for h in req.history))


def _results(s1: Stage1, answers: dict[str, Answer]) -> dict[str, str]:
    out = {k: v for k, v in short(s1, answers)["findings"].items()}
    out.update({k: answers[k].result for k in CONSEQUENCES})
    return out


def analyze(
    request: dict[str, Any],
    *,
    as_of_date: dt.date | None = None,
    today: dt.date | None = None,
    alternatives: bool = True,
    trace: bool = True,
) -> dict[str, Any]:
    """Analyse one disposition. Raises ``RequestError`` (with ``field``) on bad input."""
    today = today or dt.date.today()
    req = parse_request(request, today=today, as_of=as_of_date)
    explicit_as_of = as_of_date is not None or request.get("as_of") not in (None, "")
    if has_unknown_sentence(req):
        return _analyze_unknown_sentence(req, explicit_as_of, today, alternatives, trace)
    return _analyze(req, explicit_as_of, today, alternatives, trace)[0]


def _judged(r: Request, s1x: Stage1, ax: dict[str, Answer], merge_today: bool,
            today: dt.date) -> tuple[Stage1, dict[str, Answer]]:
    """A candidate alternative or the defense's proposal, already judged at its law date: apply the
    same current-law merge as the report, so no alternative claims a 'no' the report would not give."""
    if not merge_today or r.law_as_of == today:
        return s1x, ax
    # Memoised: s1x and ax come from the stage caches, so their identities (held alive by the entry)
    # stand for every field the merge reads, with the history and admission date.
    key = (id(s1x), id(ax), id(r.history), r.admission_date, today)
    hit = _MERGED.get(key)
    if hit is not None and hit[0] is s1x and hit[1] is ax and hit[2] is r.history:
        cached: tuple[Stage1, dict[str, Answer]] = hit[3]
        return cached
    s1y, ay = evaluate(as_of(r, today))
    out = merge_current_law(s1x, ax, s1y, ay, today)
    if len(_MERGED) < _MERGED_LIMIT:
        _MERGED[key] = (s1x, ax, r.history, out)
    return out


def _alternatives_any_sentence(most_req: Request, s1: Stage1, answers: dict[str, Answer], merge_today: bool,
                               today: dt.date) -> list[dict[str, Any]]:
    """The safer alternatives of a request with a sentence not given, judged as the report is: each candidate
    (searched on the request at the longest lawful sentences, ``most_req``; none sets a sentence the record does
    not give) is analysed at both ends of its own unknown sentences and combined, then compared with the
    report's combined answers. (Judged at the longest sentence alone, a candidate could claim to make a
    'yes' uncertain where the report already says 'depends', or hide what it makes worse.)"""
    from iiu.engine.alternatives import find_alternatives

    def any_sentence(r: Request, s1x: Stage1, ax: dict[str, Answer]) -> tuple[Stage1, dict[str, Answer]]:
        s1m, am = _judged(r, s1x, ax, merge_today, today)
        least = at_bound(r, "least")
        s1l = stage1(least)
        al = consequences(s1l.findings, Priors.of(least.offense_date, [stage1(h).findings for h in least.history]),
                          least.admission_date)
        s1l, al = _judged(least, s1l, al, merge_today, today)
        return combine_stage1(s1l, s1m), combine_answers(al, am)

    return find_alternatives(most_req, s1, answers, any_sentence)


def _analyze_unknown_sentence(req: Request, explicit_as_of: bool, today: dt.date, alternatives: bool,
                              trace: bool) -> dict[str, Any]:
    """A sentence the record does not give (``engine.unknown_sentence``): the analysis with no custody and
    with the longest lawful sentence, each answer combined. The alternatives are those at the longest
    sentence (none sets a sentence): each removes its consequences for any sentence."""
    least = _analyze(at_bound(req, "least"), explicit_as_of, today, False, trace)
    most_req = at_bound(req, "most")
    most = _analyze(most_req, explicit_as_of, today, False, trace)
    s1 = combine_stage1(least[1], most[1])
    answers = combine_answers(least[2], most[2])
    report = render(req, s1, answers, with_trace=trace)
    if not req.sentence_known:
        report["offense"]["term_of_imprisonment_days"] = None
    report["offense"]["sentence_known"] = req.sentence_known
    for r in (most[0], least[0]):
        if "under_current_law" in r:
            report["under_current_law"] = r["under_current_law"]
            break
    report["warnings"] = list(dict.fromkeys((
        *most[0]["warnings"], *least[0]["warnings"],
        "The sentence is not given" + ("" if req.sentence_known else " for this disposition")
        + ("" if all(h.sentence_known for h in req.history) else " (or for an earlier one)")
        + ": each answer holds for any lawful sentence, or is 'depends' on the sentence; alternatives "
        "were judged at the longest lawful sentence.")))
    if alternatives:
        merge_today = not explicit_as_of and req.law_as_of != today
        report["alternatives"] = copy.deepcopy(_alternatives_any_sentence(most_req, s1, answers, merge_today, today))
    if "defense_proposal" in most[0]:
        report["defense_proposal"] = most[0]["defense_proposal"]
    return report


def _analyze(req: Request, explicit_as_of: bool, today: dt.date, alternatives: bool,
             trace: bool) -> tuple[dict[str, Any], Stage1, dict[str, Answer]]:
    """The report for a parsed request, with its stage 1 and answers as the report gives them."""
    s1, answers = evaluate(req)
    report = render(req, s1, answers, with_trace=trace)
    if not explicit_as_of and req.law_as_of != today:
        now_req = as_of(req, today)
        s1n, an = evaluate(now_req)
        then, now = _results(s1, answers), _results(s1n, an)
        changed = {k: {"then": then[k], "today": now[k]} for k in then if then[k] != now[k]}
        if changed:
            s1, answers = merge_current_law(s1, answers, s1n, an, today)
            report = render(req, s1, answers, with_trace=trace)
            report["under_current_law"] = {"law_as_of": today.isoformat(), "changed": changed, **short(s1n, an)}
            report["warnings"].append(
                "The law in force today gives different answers for: " + ", ".join(sorted(changed))
                + " (see under_current_law); where the law at the disposition date said 'no', the answer is 'depends' "
                "on which law applies."
            )
    merge_today = not explicit_as_of and req.law_as_of != today

    def judged_like_report(r: Request, s1x: Stage1, ax: dict[str, Answer]) -> tuple[Stage1, dict[str, Answer]]:
        return _judged(r, s1x, ax, merge_today, today)

    if alternatives:
        from iiu.engine.alternatives import find_alternatives

        # Memoised: the search is a pure function of the request (and its history), the law date and today.
        akey = (request_key(req), req.probation_days, req.admission_date, tuple(request_key(h) for h in req.history),
                merge_today, today)
        alts = _ALTERNATIVES.get(akey)
        if alts is None:
            alts = find_alternatives(req, s1, answers, judged_like_report)
            if len(_ALTERNATIVES) < _MERGED_LIMIT:
                _ALTERNATIVES[akey] = alts
        report["alternatives"] = copy.deepcopy(alts)
    if req.defense_proposal is not None:
        from iiu.engine.alternatives import compare_proposal

        report["defense_proposal"] = compare_proposal(req, s1, answers, req.defense_proposal, judged_like_report)
    return report, s1, answers
