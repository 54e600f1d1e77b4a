"""Named value transforms a mapping file may call (no code is read from mapping files).

Each transform takes the values of the mapping step's ``from`` columns (``None`` when the
column is empty or absent from the file) and returns one value per ``to`` column, or raises
``MappingError`` with the reason the row is rejected. Transforms are applied once per
distinct combination of their inputs, so they may be plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from iiu.engine.request import UNKNOWN


class MappingError(ValueError):
    """This row cannot be mapped; the message is the rejection reason."""


Transform = Callable[..., tuple[Any, ...]]
TRANSFORMS: dict[str, Transform] = {}


def transform(name: str) -> Callable[[Transform], Transform]:
    def deco(f: Transform) -> Transform:
        TRANSFORMS[name] = f
        return f

    return deco


def _norm(v: Any) -> str:
    return re.sub(r"\s+", " ", str(v or "")).strip().lower()


# --- Illinois statutes ----------------------------------------------------------------------


@transform("il_statute")
def il_statute(chapter: Any, act: Any, section: Any) -> tuple[Any, ...]:
    """Chapter/act/section -> (citation, inchoate); attempts ``8-4(570/402(c))`` unwrapped."""
    if not chapter or not section:
        raise MappingError("missing field offense: the statute's chapter or section is empty")
    from iiu.law.il_citations import il_citation

    return il_citation(str(chapter), str(act or ""), str(section), _il_acts_by_section())


@lru_cache(maxsize=1)
def _il_acts_by_section() -> dict[str, frozenset[str]]:
    """Section number -> the acts of the IL catalog with a section of that number ("14A" ->
    {"15 ILCS 335"}): names the act of an attempted section the row wrote without one."""
    from iiu.law.catalog import get_catalog
    from iiu.law.il_citations import section_number

    out: dict[str, set[str]] = {}
    for off in get_catalog("IL").offenses:
        m = re.match(r"^(\d+ ILCS \d+)/(.+)$", off.citation)
        if m:
            out.setdefault(section_number(m.group(2)), set()).add(m.group(1))
    return {k: frozenset(v) for k, v in out.items() if k}


@transform("il_offense_level")
def il_offense_level(cls: Any) -> tuple[Any, ...]:
    """The Illinois class charged -> felony / misdemeanor (read by the engine for wobblers only)."""
    c = _norm(cls).upper()
    if c in ("X", "1", "2", "3", "4", "M"):
        return ("felony",)
    if c in ("A", "B", "C"):
        return ("misdemeanor",)
    return (None,)


# --- Cook County dispositions and sentences ---------------------------------------------------

_GUILTY_PLEA = {"plea of guilty", "plea of guilty - amended charge", "plea of guilty - lesser included",
                "plea of guilty but mentally ill"}
_GUILTY_TRIAL = {"finding guilty", "verdict guilty", "finding guilty - lesser included", "finding guilty but mentally ill",
                 "verdict guilty - lesser included", "finding guilty - amended charge"}
_ACQUITTED = {"fng", "verdict-not guilty", "verdict not guilty", "fng reason insanity", "finding not guilty",
              "not guilty by reason of insanity"}
_DISMISSED = {"nolle prosecution", "nolle prosequi", "fnpc", "case dismissed", "sol", "dismissed",
              "death suggested-cause abated", "dismiss", "stricken off-leave to reinstate", "soli"}
_PENDING = {"bfw", "transferred - misd crt", "mistrial declared", "transferred - felony crt", "bond forfeiture warrant"}
_DECLINED = {"charge rejected"}
_SUPERSEDED = {"superseded by indictment", "charge vacated", "charge reduced"}
# Illinois dispositions that begin with a plea or a finding of guilt and end in a dismissal or
# discharge under state law: a conviction under INA 101(a)(48)(A) (see the IL catalog's notes).
_DEFERRED = {"supervision", "court supervision", "2nd chance probation", "second chance probation", "710/410 probation",
             "410 probation", "tasc probation", "tasc", "drug school"}
# Completed programs behind a nolle prosequi: pre-plea (no plea, no conviction) or post-plea.
_PRE_PLEA_PROGRAMS = {"ddpp graduate", "deferred prosecution program completed", "dgs graduation"}
_POST_PLEA_PROGRAMS = {"drug court graduate", "mental health graduate", "veterans court graduate"}


# Families of disposition texts by their wording, in the order they are tried (the first match wins).
_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(rx), kind) for rx, kind in (
    # a discharge hearing's finding (725 ILCS 5/104-25): not a conviction, not an acquittal
    (r"not not guilty", "pending"),
    (r"^plea (of )?guilty\b", "plea"),
    (r"^(finding|verdict)[ -]*guilty\b", "trial"),
    (r"^(fng|finding not guilty|verdict[ -]*not guilty|not guilty)\b", "acquitted"),
    (r"^(nolle|dismiss|case dismissed|stricken off)", "dismissed"),
    (r"^(superseded|charge vacated|charge reduced|charge amended|amended)", "superseded"),
    (r"^(bfw|bond forfeit|transferred|mistrial|hold pending|sexually dangerous person|case referred)", "pending"),
    (r"^charge rejected", "declined"),
))


def _disposition_kind(d: str) -> str | None:
    """The kind of a Cook County disposition text: the known texts, then their families by wording
    (the portal's full history has texts the 2019 sample lacks: "Verdict Guilty - Amended Charge",
    "Nolle On Remand", "Plea of Guilty But Mentally Ill", ...). None: not known."""
    for kind, texts in (("plea", _GUILTY_PLEA), ("trial", _GUILTY_TRIAL), ("acquitted", _ACQUITTED), ("dismissed", _DISMISSED),
                        ("declined", _DECLINED), ("pending", _PENDING), ("superseded", _SUPERSEDED)):
        if d in texts:
            return kind
    return next((kind for rx, kind in _WORDING if rx.search(d)), None)


@transform("cook_disposition")
def cook_disposition(disposition: Any, reason: Any, sentence_type: Any, commitment_type: Any) -> tuple[Any, ...]:
    d, r = _norm(disposition), _norm(reason)
    st, ct = _norm(sentence_type), _norm(commitment_type)
    if not d:
        raise MappingError("missing field disposition: charge_disposition is empty")
    kind = _disposition_kind(d)
    if kind in ("plea", "trial"):
        # No sentence columns (the dispositions export): the sentence is unknown (``cook_sentence``).
        if st in _DEFERRED or ct in _DEFERRED:
            return ("deferred_adjudication",)
        return ("guilty_plea" if kind == "plea" else "trial_conviction",)
    if kind == "acquitted":
        return ("acquitted",)
    if kind == "dismissed":
        if r in _PRE_PLEA_PROGRAMS:
            return ("pre_plea_diversion",)
        if r in _POST_PLEA_PROGRAMS:
            return ("deferred_adjudication",)
        return ("dismissed",)
    if kind == "declined":
        return ("declined",)
    if kind == "pending":
        return ("charged",)
    if kind == "superseded":
        raise MappingError(f"not a final disposition ({disposition!r}): the charge continues in another charge or case")
    raise MappingError(f"unknown disposition {disposition!r}")


_CUSTODY = {"illinois department of corrections", "cook county department of corrections", "juvenile idoc",
            "cook county impact incarceration program", "cook county boot camp", "prison", "jail",
            "periodic imprisonment", "home confinement"}
_NO_TERM = {"supervision", "court supervision", "conditional discharge", "probation", "2nd chance probation",
            "probation terminated unsatisfactorily", "probation terminated instanter", "probation terminated satisfactorily",
            "conditional release", "fine", "restitution", "costs"}


_CUSTODY_WORDS = re.compile(r"corrections|prison|jail|\bidoc\b|imprisonment|incarceration|boot camp|confinement|"
                            r"natural life|\bdeath\b|penitentiary|detention")
_NO_CUSTODY_WORDS = re.compile(r"probation|supervision|conditional discharge|conditional release|drug school|\bfine\b|"
                               r"restitution|\bcosts\b|community service")


def _custody(st: str, ct: str) -> bool | None:
    """Whether the sentence is custody (a term of imprisonment, INA 101(a)(48)(B)); None for a type
    that is neither known custody nor known non-custody ("Inpatient Mental Health Services",
    "Conversion"). That is not guessed at: reading it as probation could hide a term of a year or
    more, so its term of imprisonment is unknown."""
    if st in _CUSTODY or ct in _CUSTODY or _CUSTODY_WORDS.search(st) or _CUSTODY_WORDS.search(ct):
        return True
    for v in (st, ct):
        if v and v not in _NO_TERM and not _NO_CUSTODY_WORDS.search(v):
            return None
    return False


def _number(term: Any) -> Decimal:
    try:
        n = Decimal(str(term).strip())
    except (InvalidOperation, ValueError):
        raise MappingError(f"sentence term {term!r} is not a number") from None
    if n < 0:
        raise MappingError(f"sentence term {term!r} cannot be negative")
    return n


def term_days(term: Any, unit: Any) -> int | None:
    """A Cook County term in days; None for a fine (no custody). Years are 365 days; a whole
    number of years written in months too (12 months = 365 days); other months 30 days (6
    months = 180 days, the petty offense line)."""
    u = _norm(unit)
    if u in ("dollars", "dollar"):
        return None
    if u in ("natural life", "life"):
        return 365 * 100
    n = _number(term)
    if u in ("year(s)", "years", "year", "yrs"):
        return int(n * 365)
    if u in ("months", "month", "month(s)"):
        if n % 12 == 0:
            return int(n / 12 * 365)
        return int(n * 30)
    if u in ("weeks", "week", "week(s)"):
        return int(n * 7)
    if u in ("days", "day", "day(s)"):
        return int(n)
    if u in ("hours", "hour", "hour(s)"):
        return 1 if n > 0 else 0
    raise MappingError(f"sentence length {term!r} {unit!r} cannot be read as days")


@transform("cook_sentence")
def cook_sentence(sentence_type: Any, commitment_type: Any, term: Any, unit: Any) -> tuple[Any, ...]:
    """(custody_days, suspended_custody_days, probation_days). Jail or prison in either column is
    custody (a term of imprisonment, INA 101(a)(48)(B)); anything else with a term is probation or
    supervision. A sentence the row does not give in days — no sentence columns (the dispositions
    export), custody without a length, a length of "1 Term" (boot camp), a sentence type not known to
    be custody or not — is "unknown": the audit answers for every lawful sentence
    (``iiu.engine.unknown_sentence``), never as if there were none."""
    st, ct = _norm(sentence_type), _norm(commitment_type)
    if not st and not ct and term is None and unit is None:
        return (UNKNOWN, UNKNOWN, None)
    custody = _custody(st, ct)
    if custody is None:
        return (UNKNOWN, UNKNOWN, None)
    if term is None and unit is None:
        return (UNKNOWN, UNKNOWN, None) if custody else (0, 0, 0)
    u = _norm(unit)
    if u == "term":
        return (UNKNOWN, UNKNOWN, None) if custody else (0, 0, None)
    days = term_days(term, unit)
    if days is None:  # a fine: no term of imprisonment, unless the row's type says custody (its length is then unknown)
        return (UNKNOWN, UNKNOWN, None) if custody else (0, 0, 0)
    if custody:
        return (days, 0, 0)
    return (0, 0, days)


@transform("cook_race")
def cook_race(race: Any) -> tuple[Any, ...]:
    """'White [Hispanic or Latino]' -> ('White', 'Hispanic or Latino'); 'HISPANIC' -> (None, 'Hispanic or Latino')."""
    s = str(race or "").strip()
    if not s or s.lower() in ("unknown", "null"):
        return (None, None)
    m = re.match(r"^(.*?)\s*\[(.*)\]\s*$", s)
    if m:
        base, eth = m.group(1).strip(), m.group(2).strip()
        return (base or None, "Hispanic or Latino" if "hispanic" in eth.lower() else eth)
    if s.lower() in ("hispanic", "latino", "hispanic or latino"):
        return (None, "Hispanic or Latino")
    return (s, None)


@transform("upper")
def upper(v: Any) -> tuple[Any, ...]:
    return (str(v).upper() if v is not None else None,)
