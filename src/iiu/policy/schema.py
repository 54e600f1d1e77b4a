"""Schema of an office's written immigration policy (YAML), validated on load.

One file holds the whole policy: the office, the version and its change history, and one
section for each of the twelve proposals of Part IV of Peleg, "The Call for the Progressive
Prosecutor to End the Deportation Pipeline" (2021). Every directive a line prosecutor can
receive carries an ``action``, its text, the reason for it and its sources; the public
document and the per-case evaluation are generated from the same data.

Citations in lists are written as the jurisdiction's offense catalog writes them
(``PL 140.10``, ``PC 602``, ``720 ILCS 5/21-3``); ``iiu policy check`` resolves each one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ACTIONS: tuple[str, ...] = (
    "decline",
    "divert_pre_arrest",
    "divert_pre_plea",
    "recommend",
    "avoid",
    "require_memo",
    "require_approval",
    "prohibit",
)
STAGES: tuple[str, ...] = ("pre_arrest", "charging", "pretrial", "plea", "sentencing", "post_conviction", "release")
RESULTS: tuple[str, ...] = ("yes", "no", "depends")

Action = Literal[
    "decline", "divert_pre_arrest", "divert_pre_plea", "recommend", "avoid", "require_memo", "require_approval",
    "prohibit",
]
Stage = Literal["pre_arrest", "charging", "pretrial", "plea", "sentencing", "post_conviction", "release"]
Result = Literal["yes", "no", "depends"]
Approver = Literal["supervisor", "iiu", "chief", "review_board"]
Level = Literal["violation", "misdemeanor", "felony", "any"]

# The twelve proposals of Part IV.B, in order; the public document has one part for each.
PROPOSALS: dict[int, str] = {
    1: "An Immigration Integrity Unit to audit and revise policies and remedy past harm",
    2: "Transparent declination policies and prosecutorial nullification",
    3: "No overcharging",
    4: "Avoiding immigration consequences in plea negotiations",
    5: "Proportionate sentencing",
    6: "Diversion without a plea",
    7: "Pre-arrest diversion",
    8: "Post-conviction review",
    9: "Immigration-aware release and decarceration",
    10: "No information sharing or cooperation with immigration enforcement",
    11: "Courthouse arrests and legislation",
    12: "Community partnership and open budgeting",
}

APPROVER_NAMES: dict[str, str] = {
    "supervisor": "a supervisor",
    "iiu": "the Immigration Integrity Unit",
    "chief": "the chief prosecutor",
    "review_board": "the post-conviction review board",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(v: Any) -> Any:
    return " ".join(v.split()) if isinstance(v, str) else v


class Directive(_Model):
    """One instruction to line prosecutors: what to do, why, on what authority."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    action: Action
    text: str
    reason: str
    sources: tuple[str, ...] = Field(min_length=1)
    requires_approval: bool = False
    approver: Approver | None = None
    deviation_approver: Approver = "supervisor"

    _norm = field_validator("text", "reason", "title", mode="before")(_text)

    @model_validator(mode="after")
    def _approval(self) -> Directive:
        if self.requires_approval and self.approver is None:
            raise ValueError("requires_approval is true but no approver is named")
        return self


class CitationRef(_Model):
    """One offense in a list, as the jurisdiction's catalog cites it, with optional conditions."""

    citation: str
    subsection: str | None = None
    note: str = ""
    max_loss_usd: float | None = Field(default=None, ge=0)
    only_charge: bool | None = None
    level: Literal["misdemeanor", "felony"] | None = None  # for California wobblers: the level covered

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"citation": data}
        return data


CitationLists = dict[str, tuple[CitationRef, ...]]


class Office(_Model):
    name: str
    jurisdictions: tuple[str, ...] = Field(min_length=1)
    chief: str = ""
    website: str = ""
    contact: str = ""


class Change(_Model):
    version: str
    date: dt.date
    summary: str
    changes: tuple[str, ...] = ()

    @field_validator("version", mode="before")
    @classmethod
    def _v(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v


# --- 1. the IIU -------------------------------------------------------------------------


class IIU(_Model):
    name: str = "Immigration Integrity Unit"
    reports_to: str
    rank: str
    composition: tuple[str, ...] = Field(min_length=1)
    authority: tuple[str, ...] = Field(min_length=1)
    reviews: tuple[str, ...] = Field(min_length=1)
    approves: tuple[str, ...] = Field(min_length=1)
    audit: tuple[str, ...] = ()
    defers_to_defense: str
    sources: tuple[str, ...] = Field(min_length=1)


# --- 2. declination and nullification -----------------------------------------------------


class DeclinationRule(_Model):
    """A category of charges the office declines (or dismisses) across the board."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    category: str
    text: str
    reason: str
    sources: tuple[str, ...] = Field(min_length=1)
    citations: CitationLists
    max_loss_usd: float | None = Field(default=None, ge=0)
    only_charge: bool = False
    max_level: Level = "any"
    stages: tuple[Stage, ...] = ("charging", "pretrial", "plea")
    exceptions: tuple[str, ...] = ()
    deviation_approver: Approver = "supervisor"

    _norm = field_validator("text", "reason", mode="before")(_text)


class Trigger(_Model):
    """When a charge meets ``when``, the directive applies (case-by-case nullification)."""

    max_level: Level = "any"
    any_profile: tuple[Result, ...] = ("yes",)
    consequences: tuple[str, ...] = ()  # a subset of the engine's consequences; empty = any of them


class NullificationRule(Directive):
    when: Trigger
    stages: tuple[Stage, ...] = ("charging", "pretrial", "plea")


class Declination(_Model):
    categorical: tuple[DeclinationRule, ...] = ()
    never_categorical: CitationLists = Field(default_factory=dict)
    never_categorical_reason: str = ""
    nullification: tuple[NullificationRule, ...] = ()


# --- 3. charging ---------------------------------------------------------------------------


class CountsRule(Directive):
    max_counts_without_approval: int = Field(ge=1)


class Charging(_Model):
    standard: Directive
    felony_over_misdemeanor: Directive
    wobbler_as_misdemeanor: Directive | None = None
    counts: CountsRule


# --- 4. plea -------------------------------------------------------------------------------


class OffersRule(Directive):
    max_offers: int = Field(default=3, ge=1, le=10)


class NoSanctionRule(Directive):
    when_any_profile: tuple[Result, ...] = ("yes",)
    max_level: Level = "misdemeanor"


class Plea(_Model):
    consider_avoidance: Directive
    default_offers: OffersRule
    no_sanction: NoSanctionRule
    defense_departure: Directive
    defense_accept: Directive


# --- 5. sentencing -------------------------------------------------------------------------


class CapRule(Directive):
    days: int = Field(ge=0)


class MemoRule(Directive):
    when_any_consequence: tuple[Result, ...] = ("yes", "depends")


class Sentencing(_Model):
    misdemeanor_cap: CapRule
    petty_offense_cap: CapRule
    memo: MemoRule
    approval: MemoRule
    suspended_time: Directive


# --- 6. diversion --------------------------------------------------------------------------


class Program(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    jurisdiction: str
    authority: str
    requires_plea: bool
    requires_admission: bool
    stages: tuple[Stage, ...] = ("charging", "pretrial")
    max_level: Level = "any"
    eligible: CitationLists = Field(default_factory=dict)  # empty = any charge within max_level
    excluded: CitationLists = Field(default_factory=dict)
    description: str
    ina_conviction: bool | None = None  # stated by the author; must agree with requires_plea/admission
    sources: tuple[str, ...] = Field(min_length=1)

    @property
    def conviction_under_ina(self) -> bool:
        """A plea or admission up front is a conviction under INA 101(a)(48)(A) once any penalty or
        restraint is ordered, even if the state later dismisses the case."""
        return self.requires_plea or self.requires_admission


class Diversion(_Model):
    prefer_plea_free: Directive
    plea_required: Directive
    programs: tuple[Program, ...] = Field(min_length=1)


# --- 7. pre-arrest diversion ---------------------------------------------------------------


class ReferralCategory(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    description: str
    partner: str
    citations: CitationLists = Field(default_factory=dict)


class PreArrest(_Model):
    referral: Directive
    categories: tuple[ReferralCategory, ...] = Field(min_length=1)
    police_protocol: str = ""


# --- 8. post-conviction --------------------------------------------------------------------


class Board(_Model):
    kind: Literal["internal", "independent_commission"]
    name: str
    members: tuple[str, ...] = Field(min_length=1)
    houses: str
    decides: tuple[str, ...] = Field(min_length=1)
    own_initiative: bool = True


class Criterion(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str
    priority: int = Field(ge=1, le=5)
    when: Trigger


class PostConviction(_Model):
    board: Board
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    review: Directive
    position: Directive
    pre_padilla: str = ""


# --- 9. release ----------------------------------------------------------------------------


class Release(_Model):
    pretrial_release: Directive
    detainers: Directive
    modification: Directive
    notice_to_defense: Directive


# --- 10. information sharing ---------------------------------------------------------------


class Recipient(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    description: str = ""


class DataClass(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    examples: tuple[str, ...] = ()


class SharingException(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    requires: tuple[str, ...] = Field(min_length=1)
    approver: Approver = "chief"
    sources: tuple[str, ...] = ()


class InformationSharing(_Model):
    barred_recipients: tuple[Recipient, ...] = Field(min_length=1)
    protected_classes: tuple[DataClass, ...] = Field(min_length=1)
    exceptions: tuple[SharingException, ...] = ()
    log_every_attempt: bool = True
    no_status_inquiry: Directive
    no_sharing: Directive


# --- 11. courthouse arrests and legislation ------------------------------------------------


class Bill(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    jurisdiction: str
    position: Literal["support", "oppose", "enacted_defend"]
    summary: str
    sources: tuple[str, ...] = Field(min_length=1)


class CourthouseArrests(Directive):
    report_to: str
    report_within_hours: int = Field(ge=1)
    recorded: tuple[str, ...] = Field(min_length=1)


class Advocacy(_Model):
    courthouse_arrests: CourthouseArrests
    legislation: tuple[Bill, ...] = ()


# --- 12. community input and budget --------------------------------------------------------


class CommunityInput(_Model):
    advisory_board: str
    channels: tuple[str, ...] = Field(min_length=1)
    meetings_per_year: int = Field(ge=0)
    comment_period_days: int = Field(ge=0)
    publishes: tuple[str, ...] = ()


class Budget(_Model):
    fiscal_year: str
    currency: str = "USD"
    office_budget: float = Field(ge=0)
    cost_per_case: dict[str, float]  # by level: violation, misdemeanor, felony
    expected_declinations_per_year: dict[str, int]  # by level
    expected_diversions_per_year: dict[str, int]  # by level
    diversion_cost_per_case: float = Field(ge=0)  # what the office still spends on a diverted case
    iiu_cost: float = Field(ge=0)
    reinvestment: float = Field(default=0, ge=0)  # savings moved to community services
    basis: str = ""

    @model_validator(mode="after")
    def _levels(self) -> Budget:
        for name in ("expected_declinations_per_year", "expected_diversions_per_year"):
            unknown = sorted(set(getattr(self, name)) - set(self.cost_per_case))
            if unknown:
                raise ValueError(f"{name} names levels with no cost_per_case: {', '.join(unknown)}")
        return self


class Community(_Model):
    input: CommunityInput
    budget: Budget


# --- extra directives an office adds --------------------------------------------------------


class When(_Model):
    jurisdictions: tuple[str, ...] = ()
    citations: CitationLists = Field(default_factory=dict)
    max_level: Level = "any"
    any_profile: tuple[Result, ...] = ()


class ExtraDirective(Directive):
    proposal: int = Field(ge=1, le=12)
    stages: tuple[Stage, ...] = Field(min_length=1)
    when: When = Field(default_factory=When)


# --- the policy ----------------------------------------------------------------------------


class Policy(_Model):
    policy_format: Literal[1] = 1
    office: Office
    version: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    starting_point: str = ""
    preamble: str = ""
    presumptive: bool = True
    disclaimer: str = ""
    history: tuple[Change, ...] = Field(min_length=1)
    iiu: IIU
    declination: Declination
    charging: Charging
    plea: Plea
    sentencing: Sentencing
    diversion: Diversion
    pre_arrest: PreArrest
    post_conviction: PostConviction
    release: Release
    information_sharing: InformationSharing
    advocacy: Advocacy
    community: Community
    directives: tuple[ExtraDirective, ...] = ()

    @field_validator("version", mode="before")
    @classmethod
    def _v(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v
