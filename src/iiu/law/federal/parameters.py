"""Dated federal parameters (``parameters.yaml``): one value for each period, with sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from iiu.law.yaml_data import load_yaml


@dataclass(frozen=True, slots=True)
class Period:
    effective_from: dt.date
    effective_to: dt.date | None
    value: Any

    def label(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "today"
        return f"{self.effective_from.isoformat()} to {end}"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    sources: tuple[str, ...]
    periods: tuple[Period, ...]

    def at(self, on: dt.date) -> Period | None:
        for p in self.periods:
            if p.effective_from <= on and (p.effective_to is None or on <= p.effective_to):
                return p
        return None


@lru_cache(maxsize=1)
def all_parameters() -> dict[str, Parameter]:
    text = resources.files("iiu.law.federal").joinpath("parameters.yaml").read_text(encoding="utf-8")
    raw = load_yaml(text)
    out: dict[str, Parameter] = {}
    for name, spec in raw.items():
        periods = tuple(
            Period(v["effective_from"], v.get("effective_to"), v["value"]) for v in spec["values"]
        )
        out[name] = Parameter(name, spec["description"], tuple(spec["sources"]), periods)
    return out


def parameter(name: str) -> Parameter:
    return all_parameters()[name]


@lru_cache(maxsize=65536)
def value(name: str, on: dt.date) -> Any:
    """The value in force on ``on``; None when the rule did not exist yet (memoised)."""
    p = parameter(name).at(on)
    return None if p is None else p.value


def used(name: str, on: dt.date) -> tuple[str, Any, str]:
    """A trace entry (name, value, period) for a parameter used on a date."""
    p = parameter(name).at(on)
    if p is None:
        return (name, None, "not in force")
    return (name, p.value, p.label())
