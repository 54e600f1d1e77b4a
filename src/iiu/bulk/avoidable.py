"""Avoidable harm: would one of the engine's safer alternatives have removed a consequence?

``iiu.engine.alternatives.find_alternatives`` reads a record's priors from its request's
history; the bulk path has the priors as sums, so this module runs the same candidates
(``_candidates``) and the same comparison with those sums. Evaluated once per distinct
(stage-1 key, findings and priors) — never per record. (A ``priors=`` parameter on
``find_alternatives`` would let this module call it directly.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iiu.engine.alternatives import (
    HARM_KEYS,
    _candidates,
    _results,
    harm,
    keeps_arrest_ground,
    with_arrest_ground,
)
from iiu.engine.evaluate import CONSEQUENCES, Stage1, consequences, remember, stage1
from iiu.engine.request import Request
from iiu.law.answer import Answer
from iiu.law.federal.record import Priors
from iiu.law.tri import NO


def _kind(change: dict[str, Any]) -> str:
    keys = set(change)
    if keys == {"sentence"}:
        return "sentence"
    if "disposition" in keys:
        return "disposition"
    if "offense" in keys:
        return "plea to another offense" + (" with a sentence change" if "sentence" in keys else "")
    return "record of conviction" + (" with a sentence change" if "sentence" in keys else "")


KIND_ORDER = ("sentence", "record of conviction", "record of conviction with a sentence change", "plea to another offense",
              "plea to another offense with a sentence change", "disposition")


Candidates = dict[str, list[tuple[str, Request, dict[str, Any]]]]
_BY_KIND: dict[int, tuple[Request, Candidates]] = {}
_BY_KIND_LIMIT = 2_000


def _candidates_by_kind(req: Request, s1: Stage1) -> Candidates:
    """The engine's candidates (``_candidates``) for a request, without repeats, by kind. Memoised on
    the request object (kept alive with its entry): the bulk path searches one key's request once
    per distinct history, one after another."""
    hit = _BY_KIND.get(id(req))
    if hit is not None and hit[0] is req:
        return hit[1]
    by_kind: Candidates = {}
    seen: set[str] = set()
    for summary, new, change in _candidates(req, s1):
        sig = repr(sorted(change.items(), key=lambda kv: kv[0]))
        if sig in seen:
            continue
        seen.add(sig)
        by_kind.setdefault(_kind(change), []).append((summary, new, change))
    return remember(_BY_KIND, id(req), (req, by_kind), _BY_KIND_LIMIT)[1]


def best_alternative(req: Request, s1: Stage1, priors: Priors,
                     answers_of: Callable[[Stage1], dict[str, Answer]] | None = None) -> dict[str, Any] | None:
    """The least drastic candidate that removes a consequence and adds none — a sentence change
    before a different record of conviction, before a plea to another offense, before a
    non-conviction disposition; then the one that removes most (ties: the engine's order).

    By default each candidate's stage 2 is the engine's ``consequences`` on its findings and
    ``priors``. The bulk path passes ``answers_of``: its memo (``BulkState.answers``) on canonical
    findings with the priors made canonical for that candidate's own term and custody
    (``engine.canonical_priors``). Canonical findings with the real day totals would not do: the
    5-year aggregate of INA 212(a)(2)(B) compares the record's own term plus the totals, and a
    canonical own term with real totals can fall short of it (a false "removes"). As in
    ``iiu.engine.alternatives``, a plea to another offense keeps the original arrest's
    INA 236(c)(1)(E) ground."""
    if answers_of is None:
        def answers_of(s: Stage1) -> dict[str, Answer]:
            return consequences(s.findings, priors, None)

    answers = answers_of(s1)
    base = _results(s1, answers)
    if harm(base) == 0 or not any(base[k] != NO for k in CONSEQUENCES):
        return None
    by_kind = _candidates_by_kind(req, s1)
    for kind in KIND_ORDER:
        best: tuple[tuple[int, int], dict[str, Any]] | None = None
        for summary, new, change in by_kind.get(kind, []):
            s1n = stage1(new)
            an = answers_of(s1n)
            if keeps_arrest_ground(change, answers):
                an = with_arrest_ground(an, answers)
            res = _results(s1n, an)
            removes = [k for k in CONSEQUENCES if base[k] != NO and res[k] == NO]
            adds = [k for k in HARM_KEYS if res[k] != base[k] and res[k] != NO and base[k] == NO]
            if not removes or adds:
                continue
            score = (len(removes), harm(base) - harm(res))
            if best is None or score > best[0]:
                best = (score, {"summary": summary, "kind": kind, "removes": removes})
        if best is not None:
            return best[1]
    return None
