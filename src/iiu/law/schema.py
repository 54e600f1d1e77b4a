"""Schema of the offense catalogs (``law/catalogs/<JUR>/``), validated on load.

A catalog entry records, for one state offense, how its elements match each federal
generic definition the immigration statute uses. The federal rule functions in
``iiu.law.federal`` then apply thresholds (sentence, loss, grams) and the disposition.

A ``Match`` is the categorical-approach answer for one generic definition:
``result`` is yes/no/depends; a divisible statute carries ``by_subsection`` (or
``by_substance``, ``by_weapon``, ``by_victim_relationship``, ``by_victim_age``) so the
record of conviction can resolve it; ``periods`` dates an answer that changed with the
case law (for example theft CIMTs before and after Matter of Diaz-Lizarraga).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from iiu.law.tri import Tri

Dimension = Literal["subsection", "substance", "weapon", "victim_relationship", "victim_age", "offense_level"]

# The generic categories of INA 101(a)(43) a catalog may match, besides the crime of
# violence of (43)(F), which every entry states in ``crime_of_violence``.
AF_CATEGORIES: tuple[str, ...] = (
    "murder",  # (A)
    "rape",  # (A)
    "sexual_abuse_of_minor",  # (A)
    "drug_trafficking",  # (B)
    "firearms_trafficking",  # (C)
    "money_laundering",  # (D) funds > $10,000
    "firearms_explosives_offense",  # (E)
    "theft",  # (G) incl. receipt of stolen property, TOI >= 1 year
    "burglary",  # (G) TOI >= 1 year
    "ransom",  # (H)
    "child_pornography",  # (I)
    "racketeering_gambling",  # (J) 1 year may be imposed
    "prostitution_business",  # (K)(i)-(ii)
    "human_trafficking",  # (K)(iii)
    "national_defense",  # (L)
    "fraud_deceit",  # (M)(i) loss > $10,000
    "tax_evasion",  # (M)(ii) revenue loss > $10,000
    "alien_smuggling",  # (N)
    "illegal_reentry",  # (O)
    "document_fraud",  # (P) TOI >= 12 months
    "failure_to_appear_sentence",  # (Q) underlying punishable >= 5 years
    "forgery_counterfeiting_bribery",  # (R) TOI >= 1 year
    "obstruction_perjury",  # (S) TOI >= 1 year
    "failure_to_appear_felony",  # (T) felony charge, >= 2 years possible
)

# Optional grounds an entry may state; absent means the elements do not match.
OTHER_GROUNDS: tuple[str, ...] = (
    "domestic_violence",  # 237(a)(2)(E)(i); when absent: crime_of_violence x victim relationship
    "stalking",  # 237(a)(2)(E)(i)
    "child_abuse",  # 237(a)(2)(E)(i) child abuse, neglect or abandonment
    "protection_order_violation",  # 237(a)(2)(E)(ii)
    "marijuana_personal_use",  # possession for own use of marijuana (30 g exception)
    "prostitution",  # 212(a)(2)(D)
    "sexual_abuse",  # DACA significant misdemeanor
    "dui",  # DACA significant misdemeanor; 101(f) habitual drunkard evidence
    "murder_or_torture",  # 212(h) bar
    "minor_traffic",  # DACA: not counted
    "gambling",  # 101(f)(4)-(5)
)

REQUIRED_GROUNDS: tuple[str, ...] = (
    "cimt",
    "controlled_substance",
    "firearm",
    "crime_of_violence",
    "laken_riley",
)

_SUBSECTION_PART = re.compile(r"\(?\s*([0-9]+(?:\.[0-9]+)?|[a-zA-Z]{1,4})\s*\)?")


def normalize_subsection(value: str) -> str:
    """Canonical form of a subsection: "c", "(c)", "(C)" -> "(c)"; "(a)(1)", "a1", "a.1" -> "(a)(1)";
    "(a-7)" stays "(a-7)" (Illinois inserts (a-5), (a-7), (b-1) ... between lettered subsections), and so
    does a decimal paragraph: "(a)(3.5)" is not "(a)(3)(5)".

    Roman numerals and letters are lower-cased; digits kept.
    """
    text = str(value).strip()
    if not text:
        raise ValueError("empty subsection")
    parts: list[str] = []
    # Split "(a)(1)", "a(1)", "a-1", "a.1", "a 1", "a1" into parts.
    tokens = re.findall(r"\(([^()]+)\)|([0-9]+[a-zA-Z]?|[a-zA-Z]+)", text)
    for paren, bare in tokens:
        tok = (paren or bare).strip()
        if not tok:
            continue
        # A hyphenated part in parentheses is its own subsection, not a part of the one it follows:
        # 720 ILCS 5/31-1(a-7) was inserted after (a) and is not (a)(7); NY's (4-a) is not (4)(a).
        if paren and re.fullmatch(r"[a-zA-Z]+-[0-9]+(?:\.[0-9]+)?|[0-9]+-[a-zA-Z]+", tok):
            parts.append(tok.lower())
            continue
        # A decimal paragraph is its own paragraph too: 720 ILCS 5/26-1(a)(3.5) was inserted after (a)(3) and
        # is not (a)(3)(5); 12-2(b)(4.1) is not a part of (b)(4).
        if paren and re.fullmatch(r"[0-9]+\.[0-9]+", tok):
            parts.append(tok)
            continue
        # "a1" or "1a" inside one bare token -> split letters and digits
        for sub in re.findall(r"[0-9]+(?:-[0-9]+)?|[a-zA-Z]+", tok):
            parts.append(sub.lower())
    if not parts:
        raise ValueError(f"cannot read subsection {value!r}")
    return "".join(f"({p})" for p in parts)


class Match(BaseModel):
    """How the offense's elements match one federal generic definition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    result: Tri = "depends"
    why: str = ""
    depends_on: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    follows: str | None = None  # whose law: "BIA", "2d Cir.", "9th Cir.", "7th Cir.", "S. Ct."
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    periods: tuple[Match, ...] = ()
    by_subsection: dict[str, Match] | None = None
    by_substance: dict[str, Match] | None = None
    by_weapon: dict[str, Match] | None = None
    by_victim_relationship: dict[str, Match] | None = None
    by_victim_age: dict[str, Match] | None = None
    by_offense_level: dict[str, Match] | None = None  # "felony" | "misdemeanor"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # "yes" / "no" / "depends" alone is a Match with that result.
        if isinstance(data, str):
            return {"result": data}
        return data

    @field_validator("by_subsection", mode="after")
    @classmethod
    def _norm_subsections(cls, v: dict[str, Match] | None) -> dict[str, Match] | None:
        if v is None:
            return None
        return {(k if k == "_other" else normalize_subsection(k)): m for k, m in v.items()}

    def dimensions(self) -> dict[str, dict[str, Match]]:
        out: dict[str, dict[str, Match]] = {}
        for dim in ("subsection", "substance", "weapon", "victim_relationship", "victim_age", "offense_level"):
            table = getattr(self, f"by_{dim}")
            if table:
                out[dim] = table
        return out


class ClassPeriod(BaseModel):
    """One effective period of an offense class's maximum sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: dt.date
    effective_to: dt.date | None = None
    max_custody_days: int | None = Field(default=None, description="null only for life")
    # The longest lawful sentence with extended-term or repeat-offender enhancements (used only to tell a
    # lawful sentence from an impossible one; the immigration rules read max_custody_days).
    extended_max_custody_days: int | None = None
    felony: bool = False
    sources: tuple[str, ...] = Field(min_length=1)


class OffensePeriod(BaseModel):
    """An offense's class for one effective period (when its class or maximum changed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: dt.date
    effective_to: dt.date | None = None
    offense_class: str | None = Field(default=None, alias="class")
    max_custody_days: int | None = None
    life: bool = False
    sources: tuple[str, ...] = ()


class SaferAlternative(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    citation: str
    subsection: str | None = None
    why: str
    sources: tuple[str, ...] = ()


class Offense(BaseModel):
    """One offense in a jurisdiction's catalog."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    citation: str
    aliases: tuple[str, ...] = ()
    title: str
    offense_class: str = Field(alias="class")
    max_custody_days: int | None = None  # overrides the class maximum when set
    life: bool = False
    wobbler: bool = False  # California: felony or misdemeanor at the court's election (PC 17(b))
    misdemeanor_class: str | None = None  # the class when a wobbler is a misdemeanor
    periods: tuple[OffensePeriod, ...] = ()
    effective_from: dt.date
    effective_to: dt.date | None = None
    elements: str = ""
    subsections: dict[str, str] = Field(default_factory=dict)
    divisible_by: tuple[Dimension, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    record_advice: str = ""
    safer_alternatives: tuple[SaferAlternative, ...] = ()
    notes: str = ""
    inchoate_of: str | None = None  # e.g. "PL 110.00" generic attempt entries

    cimt: Match
    controlled_substance: Match
    firearm: Match
    crime_of_violence: Match
    laken_riley: Match
    aggravated_felony: dict[str, Match] = Field(default_factory=dict)

    domestic_violence: Match | None = None
    stalking: Match | None = None
    child_abuse: Match | None = None
    protection_order_violation: Match | None = None
    marijuana_personal_use: Match | None = None
    prostitution: Match | None = None
    sexual_abuse: Match | None = None
    dui: Match | None = None
    murder_or_torture: Match | None = None
    minor_traffic: Match | None = None
    gambling: Match | None = None
    # INA 212(a)(2)(C) "reason to believe" the person trafficked: the conduct the offense requires. Unset, it is
    # the (43)(B) answer; set where the two differ, e.g. simple possession, which is (B) only as a recidivist or
    # flunitrazepam federal felony (Carachuri-Rosendo v. Holder, 560 U.S. 563 (2010)), not trafficking conduct.
    trafficking_conduct: Match | None = None

    @field_validator("subsections", mode="after")
    @classmethod
    def _norm_subs(cls, v: dict[str, str]) -> dict[str, str]:
        return {normalize_subsection(k): t for k, t in v.items()}

    @field_validator("aggravated_felony", mode="after")
    @classmethod
    def _af_keys(cls, v: dict[str, Match]) -> dict[str, Match]:
        unknown = sorted(set(v) - set(AF_CATEGORIES))
        if unknown:
            raise ValueError(
                f"unknown aggravated-felony categories {unknown}; known: {', '.join(AF_CATEGORIES)}"
            )
        return v

    @property
    def by_subsection_keys(self) -> list[str]:
        """Every subsection any of the entry's matches distinguishes."""
        keys: dict[str, None] = {}
        for m in (self.cimt, self.controlled_substance, self.firearm, self.crime_of_violence, self.laken_riley,
                  *self.aggravated_felony.values()):
            for k in (m.by_subsection or {}):
                keys.setdefault(k, None)
        return [k for k in keys if k != "_other"]

    def ground(self, name: str) -> Match | None:
        if name in self.aggravated_felony:
            return self.aggravated_felony[name]
        if name not in type(self).model_fields:  # not a ground this entry can carry (pydantic's miss path is slow)
            return None
        value = getattr(self, name)
        return value if isinstance(value, Match) else None


class DispositionRule(BaseModel):
    """Whether a disposition kind exists in a state and what it is under INA 101(a)(48)(A)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exists: bool = True
    name: str = ""
    conviction: Tri | None = None  # overrides the federal default for this kind when set
    why: str = ""
    sources: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class Vehicle(BaseModel):
    """A state post-conviction vehicle."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    citation: str
    name: str
    conditions: str
    immigration_effective: Tri = "depends"
    why: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class DatedFact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    result: Tri
    why: str = ""
    sources: tuple[str, ...] = Field(min_length=1)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class Jurisdiction(BaseModel):
    """A jurisdiction's levers: circuit, classes and their dated maxima, dispositions, vehicles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    circuit: str
    citation_prefixes: dict[str, str] = Field(default_factory=dict)  # variant -> canonical prefix
    classes: dict[str, tuple[ClassPeriod, ...]]
    attempt_rule: Literal["one_class_lower", "half_maximum", "same_as_completed"] = "same_as_completed"
    class_order: tuple[str, ...] = ()  # most to least serious, for one_class_lower
    # The class of an attempt by the class attempted, where the ladder is not one step (one_class_lower reads it first).
    attempt_classes: dict[str, str] = Field(default_factory=dict)
    dispositions: dict[str, DispositionRule] = Field(default_factory=dict)
    post_conviction_vehicles: tuple[Vehicle, ...] = ()
    padilla_retroactive: DatedFact | None = None
    misdemeanor_maximum: tuple[ClassPeriod, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    notes: str = ""

    @model_validator(mode="after")
    def _attempt_classes_are_classes(self) -> Jurisdiction:
        # An attempt's class must have a dated maximum, or the attempt's sentence could not be checked.
        unknown = sorted({c for c in self.attempt_classes.values() if c not in self.classes})
        if unknown:
            raise ValueError(f"attempt_classes names classes not in classes: {', '.join(unknown)}")
        return self
