"""The shape of every legal answer: result, why, grounds, what it depends on, sources, trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iiu.law.tri import DEPENDS, NO, YES, Tri, all_of


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a trace: the rule applied and the dated parameters it used."""

    rule: str
    detail: str = ""
    parameters: tuple[tuple[str, Any, str], ...] = ()  # (name, value, "effective from .. to ..")

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "detail": self.detail,
            "parameters": [{"name": n, "value": v, "in_force": p} for n, v, p in self.parameters],
        }


@dataclass(frozen=True, slots=True)
class Answer:
    result: Tri
    why: str = ""
    grounds: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    trace: tuple[Step, ...] = field(default=(), compare=False)

    def as_dict(self, with_trace: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "result": self.result,
            "grounds": list(self.grounds),
            "why": self.why,
            "depends_on": list(self.depends_on) if self.result == DEPENDS else [],
            "sources": list(self.sources),
        }
        if with_trace:
            out["trace"] = [s.as_dict() for s in self.trace]
        return out


def _uniq(items: Any) -> tuple[str, ...]:
    """Distinct non-empty strings, in order (dict.fromkeys keeps the first of each)."""
    seen = dict.fromkeys(items)
    seen.pop("", None)
    return tuple(seen)


def _flat(parts: list[Answer], attr: str) -> tuple[str, ...]:
    out: list[str] = []
    for p in parts:
        out.extend(getattr(p, attr))
    return _uniq(out)


def yes(why: str, sources: tuple[str, ...] | list[str], grounds: tuple[str, ...] = (), trace: tuple[Step, ...] = ()) -> Answer:
    return Answer(YES, why, grounds, (), tuple(sources), trace)


def no(why: str, sources: tuple[str, ...] | list[str], trace: tuple[Step, ...] = ()) -> Answer:
    return Answer(NO, why, (), (), tuple(sources), trace)


def depends(
    why: str,
    depends_on: tuple[str, ...] | list[str],
    sources: tuple[str, ...] | list[str],
    grounds: tuple[str, ...] = (),
    trace: tuple[Step, ...] = (),
) -> Answer:
    if not depends_on:
        raise ValueError("a 'depends' answer must name what it depends on")
    return Answer(DEPENDS, why, grounds, tuple(depends_on), tuple(sources), trace)


def combine_any(parts: list[Answer], none_why: str, none_sources: tuple[str, ...]) -> Answer:
    """A person is exposed if any ground applies. Grounds that are yes or depends are kept."""
    live = [p for p in parts if p.result != NO]
    if not live:
        trace: tuple[Step, ...] = ()
        for p in parts:
            if p.trace:
                trace += p.trace
        return Answer(NO, none_why, (), (), _flat(parts, "sources") or none_sources, trace)
    trace = ()
    for p in live:
        if p.trace:
            trace += p.trace
    if any(p.result == YES for p in live):
        return Answer(
            YES,
            " ".join(_uniq([p.why for p in live if p.result == YES])),
            _flat(live, "grounds"),
            (),
            _flat(live, "sources"),
            trace,
        )
    return Answer(
        DEPENDS,
        " ".join(_uniq([p.why for p in live])),
        _flat(live, "grounds"),
        _flat(live, "depends_on"),
        _flat(live, "sources"),
        trace,
    )


def gate(condition: Answer, then: Answer) -> Answer:
    """``then`` holds only if ``condition`` does (e.g. a ground needs a conviction)."""
    result = all_of((condition.result, then.result))
    if result == then.result and condition.result == YES:
        return then
    if result == NO:
        return condition if condition.result == NO else then
    # depends: carry both
    return Answer(
        DEPENDS,
        " ".join(_uniq((then.why, condition.why) if condition.result == DEPENDS else (then.why,))),
        then.grounds,
        _uniq((*then.depends_on, *(condition.depends_on if condition.result == DEPENDS else ()))),
        _uniq((*then.sources, *condition.sources)),
        then.trace + condition.trace,
    )
