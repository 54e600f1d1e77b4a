"""Loading and checking a policy file: every problem names the file, the line and what is wrong.

``check_text`` never raises on a bad policy; it returns the problems (and the policy when the
schema accepts it). ``load_policy`` raises ``PolicyError`` listing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from iiu.policy.schema import ACTIONS, STAGES, CitationRef, Policy

MODEL_POLICY = "model_policy.yaml"

# The consequences the engine reports (DESIGN §5.1); a trigger may name any subset.
CONSEQUENCE_NAMES: tuple[str, ...] = (
    "deportable", "inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar", "lpr_cancellation_bar",
    "non_lpr_cancellation_bar", "daca_bar", "tps_bar", "naturalization_bar",
)


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    message: str
    file: str = field(default="", compare=False)
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {tag}{self.message}"


class PolicyError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Checked:
    policy: Policy | None
    problems: list[Problem]
    file: str

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return self.policy is not None and not self.errors


# --- YAML with line numbers ------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay text so the schema reports a bad one
    with its line instead of YAML failing on the whole file."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The deepest node along ``loc`` (keys and list indices); skips pydantic's own loc parts."""
    node = root
    best = root
    for part in loc:
        if node is None:
            break
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    nxt = v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            continue  # a pydantic-only part (a union member, a validator name)
        node = best = nxt
    return best


def _line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    node = _node_at(root, loc)
    return node.start_mark.line + 1 if node is not None else 0


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and ("[" in part or part.startswith("function")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _schema_problems(err: ValidationError, root: yaml.Node | None, file: str) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        where = _dotted(loc)
        last = next((p for p in reversed(loc) if isinstance(p, str) and "[" not in p), "")
        value = e.get("input")
        if e["type"] == "literal_error" and last == "action":
            msg = f"{where}: unknown action {value!r}; an action is one of {', '.join(ACTIONS)}"
        elif e["type"] == "literal_error" and ("stages" in loc or last == "stage"):
            msg = f"{where}: unknown stage {value!r}; a stage is one of {', '.join(STAGES)}"
        elif e["type"].startswith("date") or e["type"] == "datetime_from_date_parsing":
            msg = f"{where}: bad date {value!r}: {e['msg']} (write YYYY-MM-DD)"
        elif e["type"] == "extra_forbidden":
            msg = f"{where}: unknown field"
        else:
            msg = f"{where}: {e['msg']}"
        out.append(Problem(_line(root, loc), msg, file))
    return out


# --- semantic checks --------------------------------------------------------------------


def _citation_lists(p: Policy) -> Iterator[tuple[tuple[Any, ...], str, tuple[CitationRef, ...], str, str]]:
    """(path, jurisdiction, refs, owner id, kind) for every citation list in the policy."""
    for i, rule in enumerate(p.declination.categorical):
        for jur, refs in rule.citations.items():
            yield ("declination", "categorical", i, "citations", jur), jur, refs, rule.id, "decline"
    for jur, refs in p.declination.never_categorical.items():
        yield ("declination", "never_categorical", jur), jur, refs, "never_categorical", "never"
    for i, prog in enumerate(p.diversion.programs):
        for jur, refs in prog.eligible.items():
            yield ("diversion", "programs", i, "eligible", jur), jur, refs, prog.id, "program"
        for jur, refs in prog.excluded.items():
            yield ("diversion", "programs", i, "excluded", jur), jur, refs, prog.id, "program_excluded"
    for i, cat in enumerate(p.pre_arrest.categories):
        for jur, refs in cat.citations.items():
            yield ("pre_arrest", "categories", i, "citations", jur), jur, refs, cat.id, "pre_arrest"
    for i, d in enumerate(p.directives):
        for jur, refs in d.when.citations.items():
            yield ("directives", i, "when", "citations", jur), jur, refs, d.id, "directive"


def resolve_ref(jur: str, ref: CitationRef) -> tuple[str, str | None]:
    """(canonical citation, normalised subsection) of a list entry; raises LookupError/ValueError."""
    from iiu.law.catalog import resolve
    from iiu.law.schema import normalize_subsection

    off, sub = resolve(jur, ref.citation)
    if ref.subsection:
        sub = normalize_subsection(ref.subsection)
    return off.citation, sub


def _overlaps(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


REQUIRED_BARRED = ("ice", "ero", "hsi", "cbp", "dhs_other", "287g")
ALLOWED_SHARING_EXCEPTIONS = ("judicial_warrant", "uv_certification")


def _semantic(p: Policy, root: yaml.Node | None, file: str) -> list[Problem]:
    from iiu.law.catalog import CatalogError, UnknownCitation, UnknownJurisdiction, available_jurisdictions

    out: list[Problem] = []

    def add(path: tuple[Any, ...], msg: str, severity: str = "error") -> None:
        out.append(Problem(_line(root, path), msg, file, severity))

    known = set(available_jurisdictions())
    for j, code in enumerate(p.office.jurisdictions):
        if code not in known:
            add(("office", "jurisdictions", j), f"unknown jurisdiction {code!r}; catalogs exist for {', '.join(sorted(known))}")

    # Information sharing: "nothing flows to immigration enforcement, and every attempt is logged" is not the
    # office's to weaken (a policy could otherwise drop ICE from the barred list or except its detainers).
    share = p.information_sharing
    missing = [r for r in REQUIRED_BARRED if r not in {b.id for b in share.barred_recipients}]
    if missing:
        add(("information_sharing", "barred_recipients"),
            f"barred_recipients must include {', '.join(REQUIRED_BARRED)}; missing {', '.join(missing)}")
    if not share.log_every_attempt:
        add(("information_sharing", "log_every_attempt"), "log_every_attempt cannot be false: every attempt is logged")
    for key in ("no_sharing", "no_status_inquiry"):
        if getattr(share, key).action != "prohibit":
            add(("information_sharing", key, "action"), f"information_sharing.{key} must be 'prohibit'")
    for i, ex in enumerate(share.exceptions):
        if ex.id not in ALLOWED_SHARING_EXCEPTIONS:
            add(("information_sharing", "exceptions", i, "id"),
                f"sharing exception {ex.id!r} is not allowed; only {', '.join(ALLOWED_SHARING_EXCEPTIONS)} "
                "(a judge's warrant or order; a U or T visa certification the person asks for)")

    # Dates and history.
    if p.effective_to is not None and p.effective_to < p.effective_from:
        add(("effective_to",), f"bad dates: effective_to {p.effective_to} is before effective_from {p.effective_from}")
    seen_versions: dict[str, int] = {}
    prev: dt.date | None = None
    for i, ch in enumerate(p.history):
        if ch.version in seen_versions:
            add(("history", i, "version"), f"version {ch.version!r} appears twice in the change history")
        seen_versions[ch.version] = i
        if prev is not None and ch.date < prev:
            add(("history", i, "date"), f"bad dates: the change history is not in date order ({ch.date} after {prev})")
        prev = ch.date
    last = p.history[-1]
    if last.version != p.version:
        add(("history", len(p.history) - 1, "version"),
            f"the last change-history entry is version {last.version!r} but the policy is version {p.version!r}")
    elif last.date != p.effective_from:
        add(("history", len(p.history) - 1, "date"),
            f"bad dates: the change history dates version {p.version} {last.date} but effective_from is {p.effective_from}")
    if p.effective_from.year < 2010:
        add(("effective_from",), f"bad dates: effective_from {p.effective_from} is before Padilla v. Kentucky (2010)",
            "warning")

    # Unique ids.
    ids: dict[str, tuple[Any, ...]] = {}
    for path, ident in _all_ids(p):
        if ident in ids:
            add(path + ("id",), f"the id {ident!r} is used twice (first at line {_line(root, ids[ident] + ('id',))})")
        else:
            ids[ident] = path

    # Citations: each resolves; no overlapping or contradictory rules.
    broken: set[str] = set()
    placed: dict[tuple[str, str], list[tuple[str | None, str, str, tuple[Any, ...], CitationRef]]] = {}
    for path, jur, refs, owner, kind in _citation_lists(p):
        if jur not in known:
            add(path, f"unknown jurisdiction {jur!r} in a citation list; catalogs exist for {', '.join(sorted(known))}")
            continue
        if jur not in p.office.jurisdictions:
            add(path, f"{jur} is not one of the office's jurisdictions ({', '.join(p.office.jurisdictions)})", "warning")
        for k, ref in enumerate(refs):
            rpath = path + (k,)
            try:
                cite, sub = resolve_ref(jur, ref)
            except UnknownCitation as e:
                hint = f"; closest catalog entries: {', '.join(e.closest)}" if e.closest else ""
                add(rpath, f"unknown citation {ref.citation!r} in the {jur} catalog (in {owner}){hint}")
                continue
            except (CatalogError, UnknownJurisdiction) as e:
                if jur not in broken:
                    broken.add(jur)
                    add(rpath, f"the {jur} offense catalog cannot be loaded, so citations cannot be checked: "
                               f"{str(e).splitlines()[0]}")
                continue
            except ValueError as e:
                add(rpath, f"bad subsection {ref.subsection!r} for {ref.citation}: {e}")
                continue
            placed.setdefault((jur, cite), []).append((sub, owner, kind, rpath, ref))

    for (jur, cite), entries in sorted(placed.items()):
        for a in range(len(entries)):
            for b in range(a + 1, len(entries)):
                sa, oa, ka, pa, ra = entries[a]
                sb, ob, kb, pb, rb = entries[b]
                if not _overlaps(sa, sb):
                    continue
                label = f"{jur} {cite}{sb or sa or ''}"
                kinds = {ka, kb}
                if kinds == {"decline"}:
                    if oa == ob:
                        add(pb, f"{label} is listed twice in declination rule {oa!r} (first at line {_line(root, pa)})")
                    else:
                        add(pb, f"overlapping rules: {label} is in declination rules {oa!r} (line {_line(root, pa)}) "
                                f"and {ob!r}; each charge belongs to one category")
                elif "never" in kinds and kinds & {"decline", "pre_arrest"}:
                    other = oa if kb == "never" else ob
                    add(pb, f"contradictory rules: {label} is never declined categorically, yet {other!r} "
                            f"(line {_line(root, pa if kb == 'never' else pb)}) "
                            f"{'declines' if 'decline' in kinds else 'diverts before arrest'} it")
                elif kinds == {"program", "program_excluded"} and oa == ob:
                    add(pb, f"contradictory rules: diversion program {oa!r} both admits and excludes {label}")
                elif kinds == {"pre_arrest"} and oa != ob:
                    add(pb, f"overlapping rules: {label} is in pre-arrest referral categories {oa!r} "
                            f"(line {_line(root, pa)}) and {ob!r}")

    # Thresholds.
    s = p.sentencing
    if s.misdemeanor_cap.days > 364:
        add(("sentencing", "misdemeanor_cap", "days"),
            f"a misdemeanor cap of {s.misdemeanor_cap.days} days reaches the one-year term of INA 101(a)(43)(F), (G)")
    if s.petty_offense_cap.days > 180:
        add(("sentencing", "petty_offense_cap", "days"),
            f"a cap of {s.petty_offense_cap.days} days loses the petty offense exception (sentence of 6 months or "
            f"less, INA 212(a)(2)(A)(ii)(II))")
    if s.petty_offense_cap.days >= s.misdemeanor_cap.days:
        add(("sentencing", "petty_offense_cap", "days"),
            "contradictory rules: the petty-offense cap is not below the misdemeanor cap")
    for name in ("memo", "approval"):
        if "yes" not in getattr(s, name).when_any_consequence:
            add(("sentencing", name, "when_any_consequence"), "a memo and approval must be required at least when a "
                                                              "consequence is yes")
    for i, prog in enumerate(p.diversion.programs):
        if prog.jurisdiction not in known:
            add(("diversion", "programs", i, "jurisdiction"), f"unknown jurisdiction {prog.jurisdiction!r}")
        if prog.ina_conviction is not None and prog.ina_conviction != prog.conviction_under_ina:
            add(("diversion", "programs", i, "ina_conviction"),
                f"contradictory rules: program {prog.id!r} {'requires' if prog.conviction_under_ina else 'does not require'}"
                f" a plea or admission, so it {'is' if prog.conviction_under_ina else 'is not'} a conviction under "
                f"INA 101(a)(48)(A); ina_conviction says otherwise")
    triggers: list[tuple[tuple[Any, ...], Any]] = [
        (("declination", "nullification", i, "when"), r.when) for i, r in enumerate(p.declination.nullification)
    ] + [(("post_conviction", "criteria", i, "when"), c.when) for i, c in enumerate(p.post_conviction.criteria)]
    for path, when in triggers:
        unknown = sorted(set(when.consequences) - set(CONSEQUENCE_NAMES))
        if unknown:
            add(path + ("consequences",), f"unknown consequence {', '.join(unknown)}; one of {', '.join(CONSEQUENCE_NAMES)}")
        if "no" in when.any_profile:
            add(path + ("any_profile",), "a trigger on a consequence that is 'no' would fire for every charge")
    for i, d in enumerate(p.directives):
        for j, code in enumerate(d.when.jurisdictions):
            if code not in known:
                add(("directives", i, "when", "jurisdictions", j), f"unknown jurisdiction {code!r}")
    b = p.community.budget
    from iiu.policy.budget import budget_effect

    eff = budget_effect(b)
    if eff["net_change"] > 0:
        add(("community", "budget"), f"the policy grows the office's budget by {eff['net_change']:,.0f} {b.currency}; "
                                     "Part IV asks for a net-zero or smaller budget", "warning")
    return out


def _all_ids(p: Policy) -> Iterator[tuple[tuple[Any, ...], str]]:
    def walk(obj: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
        if isinstance(obj, tuple):
            for i, x in enumerate(obj):
                yield from walk(x, path + (i,))
        elif isinstance(obj, BaseModel):
            ident = getattr(obj, "id", None)
            if isinstance(ident, str):
                yield path, ident
            for name in type(obj).model_fields:
                yield from walk(getattr(obj, name), path + (name,))
    yield from walk(p, ())


# --- entry points --------------------------------------------------------------------------


def model_policy_text() -> str:
    return resources.files("iiu.policy").joinpath(MODEL_POLICY).read_text(encoding="utf-8")


def check_text(text: str, file: str = "<policy>") -> Checked:
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(e, "problem", None) or str(e)
        return Checked(None, [Problem(line, f"not valid YAML: {problem}", file)], file)
    if not isinstance(data, dict):
        return Checked(None, [Problem(1, "a policy is a YAML mapping (office, version, effective_from, ...)", file)], file)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as e:
        return Checked(None, sorted(_schema_problems(e, root, file)), file)
    problems = sorted(_semantic(policy, root, file))
    return Checked(policy, problems, file)


def check_file(path: str | Path | None = None) -> Checked:
    if path is None:
        return check_text(model_policy_text(), f"iiu/policy/{MODEL_POLICY}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        return Checked(None, [Problem(0, f"cannot read the policy file: {e.strerror}", str(path))], str(path))
    return check_text(text, str(path))


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in ``path`` (the bundled model policy when None); raises PolicyError if invalid."""
    if path is None:
        return _model_policy()
    checked = check_file(path)
    if not checked.ok or checked.policy is None:
        raise PolicyError(checked.errors or checked.problems)
    return checked.policy


@cache
def _model_policy() -> Policy:
    checked = check_file(None)
    if not checked.ok or checked.policy is None:
        raise PolicyError(checked.errors or checked.problems)
    return checked.policy
