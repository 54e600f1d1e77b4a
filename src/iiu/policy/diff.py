"""What changed between two versions of a policy, in words.

Lists of entries with an ``id`` are matched by id, citation lists by citation, lists of text
as sets; everything else field by field. Each change is one plain sentence.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from iiu.policy.budget import budget_effect
from iiu.policy.schema import Policy

SECTION_NAMES = {
    "office": "Office",
    "iiu": "Immigration Integrity Unit",
    "declination": "Declination",
    "declination.categorical": "categorical declination rule",
    "declination.nullification": "nullification rule",
    "declination.never_categorical": "charges never declined as a category",
    "charging": "Charging",
    "plea": "Plea",
    "sentencing": "Sentencing",
    "diversion": "Diversion",
    "diversion.programs": "diversion program",
    "pre_arrest": "Pre-arrest diversion",
    "pre_arrest.categories": "pre-arrest referral category",
    "post_conviction": "Post-conviction review",
    "post_conviction.criteria": "review criterion",
    "release": "Release",
    "information_sharing": "Information sharing",
    "information_sharing.barred_recipients": "barred recipient",
    "information_sharing.protected_classes": "protected data class",
    "information_sharing.exceptions": "information-sharing exception",
    "advocacy": "Courthouse arrests and legislation",
    "advocacy.legislation": "legislative position",
    "community": "Community input and budget",
    "directives": "additional directive",
}
SKIP = {"history"}


def _plain(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return {k: _plain(getattr(v, k)) for k in type(v).model_fields}
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _show(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int | float):
        return f"{v:,}"
    if isinstance(v, list):
        return "; ".join(_show(x) for x in v) or "nothing"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_show(x)}" for k, x in v.items()) or "nothing"
    return f"“{v}”"


def _ref_key(x: Any) -> str | None:
    if isinstance(x, dict) and "citation" in x:
        return f"{x['citation']}{x.get('subsection') or ''}"
    return None


def _label(path: list[str]) -> str:
    return " › ".join(path) if path else "the policy"


def _where(path: list[str]) -> str:
    """A readable name for a path: a section's friendly name and the ids along it."""
    parts: list[str] = []
    keys: list[str] = []
    for p in path:
        if p.startswith("#"):
            kind = SECTION_NAMES.get(".".join(keys), ".".join(keys[-1:]).replace("_", " "))
            parts.append(f"{kind} {p[1:]!r}")
        else:
            keys.append(p)
            name = SECTION_NAMES.get(".".join(keys))
            if name and len(keys) == 1:
                parts.append(name)
            elif not name:
                parts.append(p.replace("_", " "))
    return " › ".join(parts)


def _diff(a: Any, b: Any, path: list[str], out: list[str]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k in SKIP and not path:
                continue
            if k not in b:
                out.append(f"{_where(path + [str(k)])}: removed (was {_show(a[k])}).")
            elif k not in a:
                out.append(f"{_where(path + [str(k)])}: added ({_show(b[k])}).")
            else:
                _diff(a[k], b[k], path + [str(k)], out)
        return
    if isinstance(a, list) and isinstance(b, list):
        if all(isinstance(x, dict) and "id" in x for x in a + b) and (a or b):
            ia = {x["id"]: x for x in a}
            ib = {x["id"]: x for x in b}
            kind = SECTION_NAMES.get(".".join(path), path[-1].replace("_", " ") if path else "entry")
            for k in ia:
                if k not in ib:
                    out.append(f"Removed {kind} {k!r}" + (f" ({_title(ia[k])})" if _title(ia[k]) else "") + ".")
            for k in ib:
                if k not in ia:
                    out.append(f"Added {kind} {k!r}" + (f" ({_title(ib[k])})" if _title(ib[k]) else "") + ".")
                else:
                    _diff(ia[k], ib[k], path + [f"#{k}"], out)
            return
        if all(_ref_key(x) for x in a + b) and (a or b):
            ka = {_ref_key(x): x for x in a}
            kb = {_ref_key(x): x for x in b}
            added = [k for k in kb if k not in ka]
            removed = [k for k in ka if k not in kb]
            where = _where(path)
            if added:
                out.append(f"{where}: adds {', '.join(str(k) for k in added)}.")
            if removed:
                out.append(f"{where}: removes {', '.join(str(k) for k in removed)}.")
            for k in ka:
                if k in kb and ka[k] != kb[k]:
                    _diff(ka[k], kb[k], path + [str(k)], out)
            return
        if all(not isinstance(x, dict | list) for x in a + b):
            added = [x for x in b if x not in a]
            removed = [x for x in a if x not in b]
            where = _where(path)
            if added:
                out.append(f"{where}: adds {'; '.join(_show(x) for x in added)}.")
            if removed:
                out.append(f"{where}: removes {'; '.join(_show(x) for x in removed)}.")
            if not added and not removed:
                out.append(f"{where}: reordered.")
            return
    field = path[-1] if path else ""
    where = _where(path)
    if field in ("text", "reason", "preamble", "description", "summary", "starting_point", "disclaimer"):
        out.append(f"{where} is reworded: now {_show(b)}.")
    elif field == "action":
        out.append(f"{where} changes from {a} to {b}.")
    else:
        out.append(f"{where} changes from {_show(a)} to {_show(b)}.")


def _title(x: dict[str, Any]) -> str:
    for k in ("title", "category", "name", "description"):
        if isinstance(x.get(k), str):
            return str(x[k])
    return ""


def diff_policies(old: Policy, new: Policy) -> list[str]:
    """Each change from ``old`` to ``new``, as a sentence; the version line first."""
    out: list[str] = []
    if old.version != new.version:
        out.append(f"Version {old.version} (in effect from {old.effective_from}) is replaced by version "
                   f"{new.version} (in effect from {new.effective_from}).")
    elif old.effective_from != new.effective_from:
        out.append(f"The effective date changes from {old.effective_from} to {new.effective_from}.")
    known = {h.version for h in old.history}
    for h in new.history:
        if h.version not in known:
            out.append(f"Change history: version {h.version} ({h.date}): {h.summary}")
    a, b = _plain(old), _plain(new)
    for k in ("version", "effective_from"):
        a.pop(k, None)
        b.pop(k, None)
    _diff(a, b, [], out)
    ea, eb = budget_effect(old.community.budget), budget_effect(new.community.budget)
    if ea["net_change"] != eb["net_change"]:
        out.append(f"Net effect on the office's budget: {ea['net_change']:,.0f} {eb['currency']} a year becomes "
                   f"{eb['net_change']:,.0f}.")
    return out or ["No changes."]
