"""Loading, validating and resolving the offense catalogs.

Catalogs are package data under ``iiu/law/catalogs/<CODE>/``: ``jurisdiction.yaml`` (the
state's levers) and one or more ``offenses*.yaml`` files (a list of entries). This is
the only module of ``iiu.law`` that reads files, and it reads only bundled data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from iiu.law.schema import Jurisdiction, Offense, normalize_subsection
from iiu.law.yaml_data import Loader, load_yaml


class CatalogError(ValueError):
    """A catalog file is invalid; the message names the file, line and field."""


class UnknownCitation(LookupError):
    def __init__(self, citation: str, jurisdiction: str, closest: list[str]) -> None:
        self.citation = citation
        self.jurisdiction = jurisdiction
        self.closest = closest
        hint = f"; closest entries: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown citation {citation!r} in the {jurisdiction} catalog{hint}")


class UnknownJurisdiction(LookupError):
    pass


@dataclass(frozen=True)
class Catalog:
    jurisdiction: Jurisdiction
    offenses: tuple[Offense, ...]
    index: dict[str, Offense] = field(repr=False)

    @property
    def code(self) -> str:
        return self.jurisdiction.code


def _catalog_root() -> Any:
    return resources.files("iiu.law").joinpath("catalogs")


def available_jurisdictions() -> list[str]:
    root = _catalog_root()
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and p.joinpath("jurisdiction.yaml").is_file()
    )


# --- citation normalisation -------------------------------------------------------------

_GENERIC_PREFIXES: dict[str, str] = {}


def citation_key(text: str, prefixes: dict[str, str] | None = None) -> str:
    """A comparison key for a citation: upper case, no section signs, one space after the
    code prefix, and the jurisdiction's prefix variants mapped to its canonical prefix."""
    s = str(text).upper().replace("§", " ").replace("SECTION", " ").replace("SEC.", " ")
    s = re.sub(r"\bNO\.\s*", " ", s)
    s = s.replace("’", "'")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"\s*\(\s*", "(", s)
    s = re.sub(r"\s*\)\s*", ")", s)
    table = dict(_GENERIC_PREFIXES)
    if prefixes:
        table.update({k.upper(): v.upper() for k, v in prefixes.items()})
    # Longest variants first, matched at the start as a whole word.
    for variant in sorted(table, key=len, reverse=True):
        canon = table[variant]
        pat = r"^" + re.escape(variant) + r"(?=[\s0-9]|$)\.?\s*"
        if re.match(pat, s):
            s = re.sub(pat, canon + " ", s, count=1).strip()
            break
    # "PL155.25" -> "PL 155.25"
    s = re.sub(r"^([A-Z&]+)\s*(?=[0-9])", r"\1 ", s)
    return s


def _split_trailing_subsection(key: str) -> tuple[str, str] | None:
    m = re.match(r"^(.*?[0-9A-Z.\-/]+?)((?:\([0-9A-Za-z.\-]+\))+)$", key)
    if not m:
        return None
    return m.group(1), m.group(2)


# --- loading ----------------------------------------------------------------------------


def _entry_lines(text: str) -> list[int]:
    """1-based line of each item of a YAML list document (for error messages)."""
    try:
        node = yaml.compose(text, Loader=Loader)  # noqa: S506 - composes nodes only
    except yaml.YAMLError:
        return []
    if node is None or not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _format_error(path: str, line: int | None, who: str, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}")
    where = f"{path}:{line}" if line else path
    return f"{where}: {who}: " + "; ".join(parts)


def load_catalog_files(code: str) -> tuple[Jurisdiction, list[Offense], list[str]]:
    """Load one jurisdiction, returning (levers, offenses, errors). Never raises on bad entries."""
    root = _catalog_root().joinpath(code)
    errors: list[str] = []
    jpath = root.joinpath("jurisdiction.yaml")
    try:
        jdata = load_yaml(jpath.read_text(encoding="utf-8"))
        jur = Jurisdiction.model_validate(jdata)
    except ValidationError as e:
        raise CatalogError(_format_error(f"{code}/jurisdiction.yaml", None, "jurisdiction", e)) from e
    except (yaml.YAMLError, OSError) as e:
        raise CatalogError(f"{code}/jurisdiction.yaml: {e}") from e
    offenses: list[Offense] = []
    files = sorted(
        p for p in root.iterdir() if p.name.startswith("offenses") and p.name.endswith((".yaml", ".yml"))
    )
    for p in files:
        rel = f"{code}/{p.name}"
        text = p.read_text(encoding="utf-8")
        try:
            data = load_yaml(text) or []
        except yaml.YAMLError as e:
            errors.append(f"{rel}: {e}")
            continue
        if not isinstance(data, list):
            errors.append(f"{rel}: expected a list of offense entries")
            continue
        lines: list[int] | None = None  # composed only when an entry is invalid
        for i, item in enumerate(data):
            who = str(item.get("citation", f"entry {i + 1}")) if isinstance(item, dict) else f"entry {i + 1}"
            try:
                offenses.append(Offense.model_validate(item))
            except ValidationError as e:
                lines = _entry_lines(text) if lines is None else lines
                errors.append(_format_error(rel, lines[i] if i < len(lines) else None, who, e))
    return jur, offenses, errors


def build_catalog(jur: Jurisdiction, offenses: list[Offense]) -> tuple[Catalog, list[str]]:
    errors: list[str] = []
    index: dict[str, Offense] = {}
    for off in offenses:
        keys = {citation_key(off.citation, jur.citation_prefixes)}
        keys.update(citation_key(a, jur.citation_prefixes) for a in off.aliases)
        for k in keys:
            other = index.get(k)
            if other is not None and other is not off:
                errors.append(f"{jur.code}: citation {k!r} names both {other.citation} and {off.citation}")
            index[k] = off
    return Catalog(jurisdiction=jur, offenses=tuple(offenses), index=index), errors


@cache
def get_catalog(code: str) -> Catalog:
    code = code.strip().upper()
    if code not in available_jurisdictions():
        raise UnknownJurisdiction(
            f"unknown jurisdiction {code!r}; catalogs exist for {', '.join(available_jurisdictions())}"
        )
    jur, offenses, errors = load_catalog_files(code)
    catalog, more = build_catalog(jur, offenses)
    errors.extend(more)
    if errors:
        raise CatalogError("\n".join(errors))
    return catalog


def check_all() -> list[str]:
    """Validate every catalog file; return every problem found (empty when all are valid)."""
    problems: list[str] = []
    for code in available_jurisdictions():
        try:
            jur, offenses, errors = load_catalog_files(code)
        except CatalogError as e:
            problems.append(str(e))
            continue
        problems.extend(errors)
        _, more = build_catalog(jur, offenses)
        problems.extend(more)
        problems.extend(_semantic_checks(jur, offenses))
    return problems


def _semantic_checks(jur: Jurisdiction, offenses: list[Offense]) -> list[str]:
    out: list[str] = []
    for off in offenses:
        if off.offense_class not in jur.classes and off.max_custody_days is None and not off.life:
            out.append(f"{jur.code} {off.citation}: class {off.offense_class!r} is not in the class table")
        if off.effective_to is not None and off.effective_to < off.effective_from:
            out.append(f"{jur.code} {off.citation}: effective_to is before effective_from")
        if off.wobbler and not off.misdemeanor_class:
            out.append(f"{jur.code} {off.citation}: a wobbler needs misdemeanor_class")
        for name in ("cimt", "controlled_substance", "firearm", "crime_of_violence", "laken_riley"):
            out.extend(_match_checks(jur.code, off, name, getattr(off, name)))
        for name, m in off.aggravated_felony.items():
            out.extend(_match_checks(jur.code, off, f"aggravated_felony.{name}", m))
    # Safer alternatives must name entries of the same catalog.
    index = build_catalog(jur, offenses)[0].index
    for off in offenses:
        for alt in off.safer_alternatives:
            key = citation_key(alt.citation, jur.citation_prefixes)
            base = _split_trailing_subsection(key)
            if key not in index and (base is None or base[0] not in index):
                out.append(f"{jur.code} {off.citation}: safer alternative {alt.citation!r} is not in the catalog")
    return out


def _match_checks(code: str, off: Offense, name: str, m: Any) -> list[str]:
    out: list[str] = []
    if m.result == "depends" and not m.depends_on and not m.dimensions() and not m.periods:
        out.append(f"{code} {off.citation}: {name} is 'depends' but names nothing it depends on")
    if not m.sources and not m.periods and not m.dimensions():
        out.append(f"{code} {off.citation}: {name} has no source")
    return out


@lru_cache(maxsize=65536)
def resolve(code: str, citation: str) -> tuple[Offense, str | None]:
    """The catalog entry a citation names, and a subsection written into the citation (memoised)."""
    cat = get_catalog(code)
    key = citation_key(citation, cat.jurisdiction.citation_prefixes)
    off = cat.index.get(key)
    if off is not None:
        return off, None
    # "PL 120.00(1)" -> entry "PL 120.00", subsection "(1)"
    probe = key
    peeled = ""
    while True:
        split = _split_trailing_subsection(probe)
        if split is None:
            break
        base, tail = split
        last = re.findall(r"\([^()]*\)", tail)
        if not last:
            break
        peeled = last[-1] + peeled
        probe = probe[: len(probe) - len(last[-1])]
        off = cat.index.get(probe)
        if off is not None:
            return off, normalize_subsection(peeled)
    raise UnknownCitation(citation, cat.code, closest_citations(code, citation))


@lru_cache(maxsize=64)
def _keyed_citations(code: str) -> dict[str, str]:
    """Comparison key -> citation, for every entry of a catalog (built once per catalog)."""
    cat = get_catalog(code)
    return {citation_key(o.citation, cat.jurisdiction.citation_prefixes): o.citation for o in cat.offenses}


def closest_citations(code: str, citation: str, limit: int = 5) -> list[str]:
    from rapidfuzz import fuzz, process

    cat = get_catalog(code)
    key = citation_key(citation, cat.jurisdiction.citation_prefixes)
    canon = _keyed_citations(cat.code)
    found = process.extract(key, list(canon), scorer=fuzz.WRatio, limit=limit)
    return [canon[k] for k, _score, _ in found]


def offense_in_force(off: Offense, on: dt.date) -> bool:
    return off.effective_from <= on and (off.effective_to is None or on <= off.effective_to)
