"""The public policy document, generated from the same data the evaluator uses.

``render_html(policy)`` is deterministic: no timestamps, ordering from the file, the same bytes on
every run. ``publish(policy, out_dir)`` writes ``index.html`` and ``policy.pdf`` (WeasyPrint, with
the PDF's dates fixed to the policy's effective date).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import PackageLoader, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from iiu.policy.budget import budget_effect
from iiu.policy.schema import APPROVER_NAMES, PROPOSALS, STAGES, Directive, Policy
from iiu.rendering import local_url_fetcher, template_environment

ACTION_WORDS = {
    "decline": "Decline",
    "divert_pre_arrest": "Divert before arrest",
    "divert_pre_plea": "Divert before any plea",
    "recommend": "Recommended",
    "avoid": "Avoid",
    "require_memo": "Memo required",
    "require_approval": "Approval required",
    "prohibit": "Prohibited",
}
STAGE_WORDS = {
    "pre_arrest": "Before arrest", "charging": "Charging", "pretrial": "Pretrial (bail and detention)",
    "plea": "Plea negotiations", "sentencing": "Sentencing", "post_conviction": "Post-conviction",
    "release": "Release",
}

# Which stages each kind of directive applies at (mirrors iiu.policy.evaluate).
_STAGES_OF = {
    "charging.": ("charging",),
    "plea.": ("plea",),
    "sentencing.": ("plea", "sentencing"),
    "diversion.": ("charging", "pretrial", "plea"),
    "pre_arrest.": ("pre_arrest",),
    "post_conviction.": ("post_conviction",),
    "sharing.": STAGES,
    "advocacy.": ("pretrial", "plea", "sentencing"),
    "release.pretrial": ("pretrial",),
    "release.detainers": ("pretrial", "sentencing", "release"),
    "release.modification": ("post_conviction", "release"),
    "release.notice": ("release",),
}


@dataclass
class Numbered:
    number: str
    d: Directive
    stages: tuple[str, ...]
    extra: dict[str, Any]


def _stages_for(d: Directive, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    for prefix, stages in _STAGES_OF.items():
        if d.id.startswith(prefix):
            return tuple(stages)
    return default


def sections(p: Policy) -> list[dict[str, Any]]:
    """The document's twelve parts in order, each with its numbered directives."""
    parts: dict[int, list[tuple[Directive, tuple[str, ...], dict[str, Any]]]] = {n: [] for n in PROPOSALS}
    for rule in p.declination.categorical:
        d = Directive(id=rule.id, title=f"Categorical declination: {rule.category}", action="decline", text=rule.text,
                      reason=rule.reason, sources=rule.sources, deviation_approver=rule.deviation_approver)
        parts[2].append((d, rule.stages, {"rule": rule}))
    for nr in p.declination.nullification:
        parts[2].append((nr, nr.stages, {"trigger": nr.when}))
    c = p.charging
    for d in (c.standard, c.felony_over_misdemeanor, c.wobbler_as_misdemeanor, c.counts):
        if d is not None:
            parts[3].append((d, _stages_for(d), {}))
    pl = p.plea
    for d in (pl.consider_avoidance, pl.default_offers, pl.no_sanction, pl.defense_accept, pl.defense_departure):
        parts[4].append((d, _stages_for(d), {}))
    s = p.sentencing
    for d in (s.misdemeanor_cap, s.petty_offense_cap, s.suspended_time, s.memo, s.approval):
        parts[5].append((d, _stages_for(d), {}))
    parts[6] += [(p.diversion.prefer_plea_free, _stages_for(p.diversion.prefer_plea_free), {}),
                 (p.diversion.plea_required, _stages_for(p.diversion.plea_required), {})]
    parts[7].append((p.pre_arrest.referral, ("pre_arrest",), {}))
    parts[8] += [(p.post_conviction.review, ("post_conviction",), {}),
                 (p.post_conviction.position, ("post_conviction",), {})]
    r = p.release
    for d in (r.pretrial_release, r.detainers, r.modification, r.notice_to_defense):
        parts[9].append((d, _stages_for(d), {}))
    ish = p.information_sharing
    parts[10] += [(ish.no_status_inquiry, STAGES, {}), (ish.no_sharing, STAGES, {})]
    parts[11].append((p.advocacy.courthouse_arrests, _stages_for(p.advocacy.courthouse_arrests), {}))
    for d in p.directives:
        parts[d.proposal].append((d, d.stages, {}))
    out = []
    for n, title in PROPOSALS.items():
        numbered = [Numbered(f"{n}.{i}", d, st, ex) for i, (d, st, ex) in enumerate(parts[n], 1)]
        out.append({"number": n, "title": title, "anchor": f"part-{n}", "directives": numbered})
    return out


def _catalog_title(jur: str, citation: str) -> str:
    try:
        from iiu.law.catalog import resolve

        return resolve(jur, citation)[0].title
    except Exception:  # noqa: BLE001 - a title is decoration; check reports unknown citations
        return ""


def _money(x: float) -> str:
    sign = "−" if x < 0 else ""
    return f"{sign}${abs(x):,.0f}"


def _env() -> ImmutableSandboxedEnvironment:
    env = template_environment(
        loader=PackageLoader("iiu.policy", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = _money
    env.globals.update(
        ACTION_WORDS=ACTION_WORDS, STAGE_WORDS=STAGE_WORDS, APPROVER_NAMES=APPROVER_NAMES, STAGES=STAGES,
        catalog_title=_catalog_title,
    )
    return env


def render_html(p: Policy) -> str:
    secs = sections(p)
    by_stage = {st: [n for sec in secs for n in sec["directives"] if st in n.stages] for st in STAGES}
    return _env().get_template("policy.html.j2").render(
        p=p, sections=secs, by_stage=by_stage, budget=budget_effect(p.community.budget),
        history=list(reversed(p.history)),
    )


def render_pdf(html: str, p: Policy) -> bytes:
    from weasyprint import HTML

    doc = HTML(string=html, url_fetcher=local_url_fetcher(None)).render()
    stamp = p.effective_from.isoformat()
    meta = doc.metadata
    meta.created = stamp
    meta.modified = stamp
    meta.title = f"{p.office.name}: immigration policy, version {p.version}"
    meta.authors = [p.office.name]
    # Whole fonts, not subsets: font subsetting is not byte-stable between runs, whole fonts are.
    try:
        return bytes(doc.write_pdf(identifier=f"iiu-policy-{p.version}".encode(), full_fonts=True))
    except TypeError:  # older WeasyPrint without these options
        return bytes(doc.write_pdf())


def publish(p: Policy, out_dir: str | Path, pdf: bool = True) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = render_html(p)
    written = [out / "index.html"]
    written[0].write_text(html, encoding="utf-8")
    if pdf:
        (out / "policy.pdf").write_bytes(render_pdf(html, p))
        written.append(out / "policy.pdf")
    return written
