"""Parsing and validating an analysis request (DESIGN §5.1) into a typed ``Request``.

Validation is hand-written for speed (the engine answers in microseconds) and so that
every error names its field: ``{"error": ..., "field": "sentence.custody_days"}``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from iiu.engine.errors import RequestError
from iiu.law.catalog import Catalog, UnknownCitation, UnknownJurisdiction, get_catalog, resolve
from iiu.law.federal.conviction import DISPOSITIONS
from iiu.law.federal.substances import normalize_substance
from iiu.law.schema import Offense, normalize_subsection

INCHOATE = ("attempt", "conspiracy", "solicitation", "facilitation")
LEVELS = ("felony", "misdemeanor")
KNOWN_KEYS = {
    "jurisdiction", "offense", "subsection", "inchoate", "disposition", "disposition_date", "offense_date",
    "sentence", "facts", "history", "person", "defense_proposal", "as_of", "offense_level", "record_id",
    "person_id", "case_id", "charge_description",
}
SENTENCE_KEYS = ("custody_days", "suspended_custody_days", "probation_days")
UNKNOWN = "unknown"  # a sentence (or its custody or suspended days) the record does not give


def sentence_given(sentence: Any) -> bool:
    """Whether a request's ``sentence`` gives the custody. Absent is not a sentence of none (read as "unknown",
    at both ends of the lawful sentence, never as 0 days); "unknown" may be the whole sentence or its custody or
    suspended days."""
    return not (sentence is None or sentence == UNKNOWN or isinstance(sentence, dict) and any(
        sentence.get(k) == UNKNOWN for k in ("custody_days", "suspended_custody_days")))
FACT_KEYS = ("loss_usd", "substance", "marijuana_grams", "victim_relationship", "weapon", "victim_age")

_DOMESTIC = {
    "spouse", "former_spouse", "ex_spouse", "wife", "husband", "partner", "domestic_partner", "former_partner",
    "dating", "dating_partner", "boyfriend", "girlfriend", "ex_boyfriend", "ex_girlfriend", "fiance", "fiancee",
    "cohabitant", "former_cohabitant", "co_parent", "child_in_common", "household", "household_member", "family",
    "family_member", "domestic", "intimate_partner", "parent", "child", "sibling",
}
_NOT_DOMESTIC = {"none", "stranger", "acquaintance", "other", "neighbor", "coworker", "friend", "police_officer",
                 "officer", "unrelated", "no_relationship", "non_domestic"}
_FIREARM = {"firearm", "gun", "handgun", "pistol", "revolver", "rifle", "shotgun", "assault_weapon", "machine_gun",
            "ghost_gun", "firearm_or_destructive_device", "destructive_device", "silencer", "firearm_silencer",
            "muffler", "firearm_muffler", "frame", "receiver", "frame_or_receiver", "zip_gun", "sawed_off_shotgun",
            "short_barreled_rifle", "short_barreled_shotgun", "explosive", "bomb", "grenade"}  # 18 U.S.C. 921(a)(3)-(4)
_NOT_FIREARM = {"none", "knife", "blade", "bat", "club", "other", "dangerous_instrument", "vehicle", "hands", "no_weapon",
                "unarmed", "brass_knuckles", "taser", "stun_gun", "bb_gun", "pepper_spray"}


@dataclass(frozen=True, slots=True)
class Request:
    catalog: Catalog
    offense: Offense
    citation_given: str
    subsection: str | None
    inchoate: str | None
    disposition: str
    disposition_date: dt.date
    offense_date: dt.date | None
    law_as_of: dt.date
    custody_days: int
    suspended_custody_days: int
    probation_days: int
    loss_usd: float | None
    substance: str | None
    marijuana_grams: float | None
    victim_relationship: str | None
    weapon: str | None
    victim_age: str | None
    offense_level: str | None
    admission_date: dt.date | None
    birth_range: tuple[dt.date, dt.date] | None = None  # earliest and latest possible birth date
    # False: the record shows the disposition but not its sentence (``"sentence": "unknown"``); the
    # days above are then 0 and ``engine.unknown_sentence`` answers for every lawful sentence.
    sentence_known: bool = True
    history: tuple[Request, ...] = ()
    defense_proposal: Request | None = None
    warnings: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def with_changes(self, **changes: Any) -> Request:
        return replace(self, **changes)


def _date(value: Any, name: str, required: bool = False) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise RequestError(f"{name} is required (YYYY-MM-DD)", name)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise RequestError(f"{name} must be a date written YYYY-MM-DD, got {value!r}", name)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RequestError(f"{name} is not a real calendar date: {value!r}", name) from None


def _days(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        raise RequestError(f"{name} must be a whole number of days", name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise RequestError(f"{name} must be a whole number of days, got {value!r}", name)
    if value < 0:
        raise RequestError(f"{name} cannot be negative", name)
    if value > 365 * 200:
        raise RequestError(f"{name} is impossibly long ({value} days)", name)
    return value


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RequestError(f"{name} must be a number", name)
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise RequestError(f"{name} must be a number, got {value!r}", name) from None
    if f != f or f < 0:
        raise RequestError(f"{name} must be a non-negative number", name)
    return f


def _key(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value).strip().lower()).strip("_")


def _relationship(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    k = _key(value)
    if k in _DOMESTIC or k == "domestic":
        return "domestic"
    if k in _NOT_DOMESTIC:
        return "other"
    if k in ("unknown", "unspecified"):
        return None
    raise RequestError(
        f"{name}: unknown relationship {value!r}; use e.g. spouse, former_spouse, dating, cohabitant, co_parent, "
        "family, household, stranger, acquaintance, none",
        name,
    )


def _weapon(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    k = _key(value)
    if k in _FIREARM:
        return "firearm"
    if k in _NOT_FIREARM:
        return "other"
    if k in ("unknown", "unspecified", "weapon"):
        return None
    raise RequestError(f"{name}: unknown weapon {value!r}; use firearm, knife, other or none", name)


def _victim_age(value: Any, name: str) -> str | None:
    n = _number(value, name)
    if n is None:
        return None
    return "under_16" if n < 16 else ("16_17" if n < 18 else "adult")


def parse_request(
    data: Any,
    *,
    path: str = "",
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    parent: dict[str, Any] | None = None,
    allow_history: bool = True,
) -> Request:
    """Validate ``data`` and build a ``Request``; raises ``RequestError`` naming the field."""
    p = path
    if not isinstance(data, dict):
        raise RequestError("the request must be a JSON object", p.rstrip(".") or "request")
    if parent:
        data = {**{k: v for k, v in parent.items() if k not in ("history", "defense_proposal")}, **data}
    today = today or dt.date.today()
    warnings: list[str] = []
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        warnings.append(f"ignored unknown fields: {', '.join(p + u for u in unknown)}")

    jur_code = data.get("jurisdiction")
    if not jur_code or not isinstance(jur_code, str):
        raise RequestError("jurisdiction is required (for example NY, CA, IL)", p + "jurisdiction")
    try:
        catalog = get_catalog(jur_code)
    except UnknownJurisdiction as e:
        raise RequestError(str(e), p + "jurisdiction") from None

    citation = data.get("offense")
    if not citation or not isinstance(citation, str):
        raise RequestError("offense is required: a citation as the catalog writes it (e.g. PL 155.25)", p + "offense")
    try:
        offense, sub_from_citation = resolve(catalog.code, citation)
    except UnknownCitation as e:
        raise RequestError(str(e), p + "offense", closest=e.closest) from None

    sub_raw = data.get("subsection")
    subsection: str | None = None
    if sub_raw not in (None, ""):
        try:
            subsection = normalize_subsection(str(sub_raw))
        except ValueError:
            raise RequestError(f"subsection {sub_raw!r} cannot be read; write it as the statute does, e.g. (a)(1)", p + "subsection") from None
    elif sub_from_citation:
        subsection = sub_from_citation
    if subsection and offense.subsections and not any(
        k == subsection or subsection.startswith(k) or k.startswith(subsection) for k in offense.subsections
    ):
        warnings.append(f"subsection {subsection} is not among the catalog's parts of {offense.citation}: "
                        f"{', '.join(offense.subsections)}")

    inchoate = data.get("inchoate")
    if inchoate in ("", None):
        inchoate = None
    elif not isinstance(inchoate, str) or inchoate.lower() not in INCHOATE:
        raise RequestError(f"inchoate must be null or one of {', '.join(INCHOATE)}", p + "inchoate")
    else:
        inchoate = inchoate.lower()
    if offense.inchoate_of and inchoate is None:
        inchoate = {"attempt": "attempt", "conspiracy": "conspiracy"}.get(offense.inchoate_of)

    disposition = data.get("disposition")
    if disposition is None or disposition == "":
        raise RequestError(f"disposition is required: one of {', '.join(DISPOSITIONS)}", p + "disposition")
    if disposition not in DISPOSITIONS:
        raise RequestError(f"unknown disposition kind {disposition!r}; one of {', '.join(DISPOSITIONS)}", p + "disposition")
    rule = catalog.jurisdiction.dispositions.get(disposition)
    if rule is not None and not rule.exists:
        warnings.append(f"{disposition} does not exist as such in {catalog.code}: {rule.why or rule.name}")

    disposition_date = _date(data.get("disposition_date"), p + "disposition_date")
    if disposition_date is None:
        disposition_date = today
        warnings.append(f"no disposition_date given: analysed as of today ({today.isoformat()})")
    offense_date = _date(data.get("offense_date"), p + "offense_date")
    if offense_date is not None and offense_date > disposition_date:
        raise RequestError("offense_date is after disposition_date", p + "offense_date")
    if disposition_date.year < 1900:
        raise RequestError("disposition_date is before 1900", p + "disposition_date")
    if disposition_date > today + dt.timedelta(days=366 * 2):
        raise RequestError("disposition_date is more than two years in the future", p + "disposition_date")
    conduct = offense_date or disposition_date
    if conduct < offense.effective_from:
        field_name = "offense_date" if offense_date else "disposition_date"
        raise RequestError(
            f"{offense.citation} took effect on {offense.effective_from.isoformat()}; "
            f"the {field_name.replace('_', ' ')} {conduct.isoformat()} is before the statute existed",
            p + field_name,
        )
    if offense.effective_to is not None and offense_date is not None and offense_date > offense.effective_to:
        raise RequestError(
            f"{offense.citation} was repealed after {offense.effective_to.isoformat()}; the offense date is later",
            p + "offense_date",
        )
    if offense.effective_to is not None and offense_date is None and disposition_date > offense.effective_to:
        warnings.append(f"{offense.citation} was repealed after {offense.effective_to.isoformat()}; "
                        "the offense must have been committed before then")

    as_of_raw = data.get("as_of")
    law_as_of = as_of or _date(as_of_raw, p + "as_of") or disposition_date

    sentence = data.get("sentence")
    sentence_known = sentence_given(sentence)
    if not sentence_known:
        sentence = {"probation_days": sentence.get("probation_days")} if isinstance(sentence, dict) else {}
    if not isinstance(sentence, dict):
        raise RequestError("sentence must be an object with custody_days, suspended_custody_days, probation_days, "
                           "or \"unknown\"", p + "sentence")
    custody = _days(sentence.get("custody_days"), p + "sentence.custody_days")
    suspended = _days(sentence.get("suspended_custody_days"), p + "sentence.suspended_custody_days")
    probation = 0 if sentence.get("probation_days") == UNKNOWN else _days(sentence.get("probation_days"), p + "sentence.probation_days")

    facts = data.get("facts") or {}
    if not isinstance(facts, dict):
        raise RequestError("facts must be an object", p + "facts")
    substance_raw = facts.get("substance")
    if substance_raw is not None and not isinstance(substance_raw, str):
        raise RequestError("facts.substance must be a string naming the substance", p + "facts.substance")

    level = data.get("offense_level")
    if level in ("", None):
        level = None
    elif level not in LEVELS:
        raise RequestError("offense_level must be felony or misdemeanor", p + "offense_level")

    person = data.get("person") or {}
    if not isinstance(person, dict):
        raise RequestError("person must be an object", p + "person")
    extra_person = sorted(set(person) - {"admission_date", "birth_date", "birth_year"})
    if extra_person:
        warnings.append("person fields other than admission_date, birth_date and birth_year are ignored "
                        "(the analysis is status-blind)")
    birth = _date(person.get("birth_date"), p + "person.birth_date")
    birth_range: tuple[dt.date, dt.date] | None = (birth, birth) if birth else None
    if birth is None and person.get("birth_year") not in (None, ""):
        year = _number(person.get("birth_year"), p + "person.birth_year")
        if year is None or not 1850 <= year <= today.year or year != int(year):
            raise RequestError("person.birth_year must be a four-digit year", p + "person.birth_year")
        birth_range = (dt.date(int(year), 1, 1), dt.date(int(year), 12, 31))
    admission = _date(person.get("admission_date"), p + "person.admission_date")
    if admission is not None and admission > today:
        raise RequestError("person.admission_date is in the future", p + "person.admission_date")

    req = Request(
        catalog=catalog,
        offense=offense,
        citation_given=citation,
        subsection=subsection,
        inchoate=inchoate,
        disposition=disposition,
        disposition_date=disposition_date,
        offense_date=offense_date,
        law_as_of=law_as_of,
        custody_days=custody,
        suspended_custody_days=suspended,
        probation_days=probation,
        loss_usd=_number(facts.get("loss_usd"), p + "facts.loss_usd"),
        substance=normalize_substance(substance_raw),
        marijuana_grams=_number(facts.get("marijuana_grams"), p + "facts.marijuana_grams"),
        victim_relationship=_relationship(facts.get("victim_relationship"), p + "facts.victim_relationship"),
        weapon=_weapon(facts.get("weapon"), p + "facts.weapon"),
        victim_age=_victim_age(facts.get("victim_age"), p + "facts.victim_age"),
        offense_level=level,
        admission_date=admission,
        birth_range=birth_range,
        warnings=tuple(warnings),
        sentence_known=sentence_known,
        raw=data,
    )
    # Imported here: sentence limits need the class tables (engine.sentence).
    from iiu.engine.sentence import check_sentence

    check_sentence(req, p)

    history_raw = data.get("history") if allow_history else None
    history: list[Request] = []
    if history_raw is not None:
        if not isinstance(history_raw, list):
            raise RequestError("history must be a list of earlier dispositions", p + "history")
        for i, h in enumerate(history_raw):
            if isinstance(h, dict) and "jurisdiction" not in h:
                h = {**h, "jurisdiction": catalog.code}
            if isinstance(h, dict) and "person" not in h and isinstance(data.get("person"), dict):
                h = {**h, "person": {k: v for k, v in data["person"].items() if k in ("birth_date", "birth_year")}}
            history.append(parse_request(h, path=f"{p}history[{i}].", today=today, as_of=law_as_of, allow_history=False))
    proposal = None
    dp = data.get("defense_proposal") if allow_history else None
    if dp is not None:
        if not isinstance(dp, dict):
            raise RequestError("defense_proposal must be an object in the shape of a request", p + "defense_proposal")
        base = {k: v for k, v in data.items() if k not in ("defense_proposal",)}
        proposal = parse_request(dp, path=f"{p}defense_proposal.", today=today, as_of=as_of, parent=base, allow_history=False)
        proposal = replace(proposal, history=tuple(history))
    return replace(req, history=tuple(history), defense_proposal=proposal)
