"""The sentence-justification memo (DESIGN §5.4): the criminal sentence, its custody cost and its
immigration cost, the safer alternatives considered, the defense's proposal, and a supervisor's sign-off.

The memo is built in two steps. ``memo_context(request)`` runs the engine and turns the report
into plain words: a flat set of merge fields (strings) and a few structured lists. The context
is then rendered either into a DOCX template (``render_docx``: ``{{ field }}`` placeholders in
the text are replaced run by run; a paragraph holding only a block field such as
``{{ findings_table }}`` becomes a table or a list) or into an HTML Jinja2 template rendered to
PDF with WeasyPrint (``render_pdf``). Both templates can be edited by the office; the defaults
are ``templates/memo.html.j2`` and a DOCX built by ``default_docx_template()`` (write it out with
``iiu memo-template --out memo.docx`` to edit it).

Nothing here decides a legal question: every answer, alternative and source comes from
``iiu.analyze``. The request may carry an optional ``memo`` object that the engine ignores:
``{"case_number", "prepared_by", "chosen_alternative" (1-based), "reason", "supervisor"}``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from iiu.engine.errors import RequestError
from iiu.engine.request import sentence_given
from iiu.rendering import local_url_fetcher, template_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_HTML_TEMPLATE = TEMPLATES / "memo.html.j2"

# Default custody cost per day. Source: Federal Bureau of Prisons, "Annual Determination of Average
# Cost of Incarceration Fee (COIF)", Federal Register notice FR Doc. 2024-28743 (December 2024): the
# FY 2023 average cost for a federal inmate was $44,090 a year, $120.80 a day. Local jail costs vary
# widely (large city jails cost several times more); an office should pass its own figure with
# --cost-per-day.
DEFAULT_COST_PER_DAY = 120.80
DEFAULT_COST_SOURCE = (
    "Federal Bureau of Prisons, Annual Determination of Average Cost of Incarceration Fee (COIF), "
    "FY 2023 ($44,090 a year, $120.80 a day), Federal Register, FR Doc. 2024-28743"
)
DEFAULT_OFFICE = "Office of the District Attorney"

NOT_LEGAL_ADVICE = (
    "Not legal advice. This memo applies published statutes, regulations and decisions to the facts stated; "
    "defense counsel advises the individual client on their actual status and history."
)

FINDING_NAMES = {
    "aggravated_felony": "Aggravated felony (INA 101(a)(43))",
    "cimt": "Crime involving moral turpitude",
    "controlled_substance": "Controlled-substance offense",
    "firearm": "Firearm offense",
    "domestic_violence": "Domestic violence, stalking or child abuse",
    "petty_offense_exception": "Petty offense exception (a single minor moral-turpitude offense is forgiven)",
}
CONSEQUENCE_WORDS = {
    "deportable": "can be deported (for someone already admitted, such as a green-card holder)",
    "inadmissible": "can be refused a green card, a visa or re-entry after travel",
    "mandatory_detention": "must be held in immigration detention without bond",
    "asylum_bar": "is barred from asylum",
    "withholding_bar": "is barred from withholding of removal",
    "lpr_cancellation_bar": "cannot get cancellation of removal as a permanent resident",
    "non_lpr_cancellation_bar": "cannot get cancellation of removal as a non-permanent resident",
    "daca_bar": "loses eligibility for DACA",
    "tps_bar": "loses eligibility for Temporary Protected Status",
    "naturalization_bar": "cannot show the good moral character citizenship requires",
}
PROFILE_WORDS = {
    "deportable": "deportable", "inadmissible": "inadmissible (green card, visa, re-entry)",
    "mandatory_detention": "detention without bond", "asylum_bar": "no asylum", "withholding_bar": "no withholding of removal",
    "lpr_cancellation_bar": "no LPR cancellation", "non_lpr_cancellation_bar": "no non-LPR cancellation",
    "daca_bar": "loses DACA", "tps_bar": "loses TPS", "naturalization_bar": "no citizenship (good moral character)",
}
SHORT_NAMES = {
    "conviction": "conviction", "aggravated_felony": "aggravated felony", "cimt": "moral-turpitude offense",
    "controlled_substance": "controlled-substance offense", "firearm": "firearm offense",
    "domestic_violence": "domestic-violence offense", "deportable": "deportability", "inadmissible": "inadmissibility",
    "mandatory_detention": "mandatory detention", "asylum_bar": "asylum bar", "withholding_bar": "withholding bar",
    "lpr_cancellation_bar": "LPR cancellation bar", "non_lpr_cancellation_bar": "non-LPR cancellation bar",
    "daca_bar": "DACA bar", "tps_bar": "TPS bar", "naturalization_bar": "naturalization bar",
}
FACT_WORDS = {
    "loss_usd": "the loss amount", "victim_relationship": "the victim's relationship to the defendant",
    "victim_age": "the victim's age", "substance": "the substance named in the record", "weapon": "the weapon",
    "subsection": "the subsection the record of conviction names", "marijuana_grams": "the amount of marijuana",
}
DISPOSITION_WORDS = {
    "guilty_plea": "guilty plea", "nolo_contendere_plea": "plea of no contest", "alford_plea": "Alford plea",
    "trial_conviction": "conviction after trial", "deferred_adjudication": "deferred adjudication (plea, dismissed after conditions)",
    "pre_plea_diversion": "pre-plea diversion (no plea or admission)",
    "acd": "adjournment in contemplation of dismissal", "dismissed": "dismissal", "acquitted": "acquittal",
    "declined": "declination", "youthful_offender": "youthful offender adjudication",
    "juvenile_adjudication": "juvenile adjudication", "vacated_legal_defect": "conviction vacated for a legal defect",
    "vacated_other": "conviction vacated for another reason", "charged": "pending charge",
}
SOURCES_PER_ROW = 3
MAX_PAGES = 2
ANSWER_WORDS = {"yes": "Yes", "no": "No", "depends": "Depends"}

# Merge fields whose value is a table or a list when their placeholder stands alone in a paragraph.
BLOCK_FIELDS = ("findings_table", "profiles_table", "alternatives_table", "defense_differences", "sources_list",
                "warnings_list")


class TemplateError(ValueError):
    """A memo template that cannot be used; names the template and the problem."""

    def __init__(self, template: str, problem: str) -> None:
        super().__init__(f"template {template}: {problem}")
        self.template = template
        self.problem = problem


# --- applying an alternative's change to a request ----------------------------------------------


def apply_change(request: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The request with an alternative's ``change`` applied (``sentence`` and ``facts`` are merged)."""
    out = copy.deepcopy(request)
    for key, value in change.items():
        if key in ("sentence", "facts", "person") and isinstance(value, dict):
            merged = dict(out.get(key) or {})
            merged.update(value)
            out[key] = merged
        else:
            out[key] = value
    if "offense" in change and "subsection" not in change:
        out["subsection"] = None
    return out


# --- plain words ---------------------------------------------------------------------------------


def _money(x: float) -> str:
    return f"${x:,.2f}"


def _days(n: int) -> str:
    return f"{n:,} day" + ("" if n == 1 else "s")


def _depends_words(items: Iterable[str]) -> str:
    return "; ".join(FACT_WORDS.get(d, d) for d in items)


def _answer_text(a: dict[str, Any]) -> str:
    word = ANSWER_WORDS.get(a["result"], a["result"])
    if a["result"] == "depends" and a.get("depends_on"):
        return f"{word} on {_depends_words(a['depends_on'])}"
    return word


def sentence_words(sentence: dict[str, Any] | None) -> str:
    s = sentence or {}
    custody = int(s.get("custody_days") or 0)
    suspended = int(s.get("suspended_custody_days") or 0)
    probation = int(s.get("probation_days") or 0)
    parts = [f"{_days(custody)} in custody" if custody else "no custody"]
    if suspended:
        parts.append(f"{_days(suspended)} suspended (suspended time counts as imprisonment for immigration "
                     "purposes, INA 101(a)(48)(B))")
    if probation:
        parts.append(f"{_days(probation)} of probation")
    return "; ".join(parts)


def _names(keys: Iterable[str]) -> str:
    return ", ".join(SHORT_NAMES.get(k, k.replace("_", " ")) for k in keys) or "nothing"


def _harms(report: dict[str, Any]) -> list[str]:
    """The findings and consequences that are not "no" (the keys alternatives' ``removes`` use)."""
    out = ["conviction"] if report["conviction"] != "no" else []
    out += [k for k in FINDING_NAMES if k != "petty_offense_exception" and report["findings"][k]["result"] != "no"]
    out += [k for k, v in report["consequences"].items() if v["result"] != "no"]
    return out


def _removes_words(removes: list[str], base: list[str]) -> str:
    if base and set(base) <= set(removes):
        return "every ground and consequence found" + (" (no conviction)" if "conviction" in removes else "")
    return _names(removes)


def _sources(report: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for s in report["offense"].get("sources", []):
        seen.setdefault(s, None)
    for s in report["conviction_detail"].get("sources", []):
        seen.setdefault(s, None)
    for section in ("findings", "consequences"):
        for key, a in report[section].items():
            if key == "crime_of_violence" and a["result"] == "no":
                continue
            if a["result"] == "no" and key not in ("petty_offense_exception",):
                continue
            for s in a.get("sources", []):
                seen.setdefault(s, None)
    return list(seen)


def _has_harm(report: dict[str, Any]) -> bool:
    if report["conviction"] == "no" and all(v["result"] == "no" for v in report["consequences"].values()):
        return False
    f = report["findings"]
    return any(f[k]["result"] != "no" for k in FINDING_NAMES if k != "petty_offense_exception") or any(
        v["result"] != "no" for v in report["consequences"].values()
    )


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def immigration_summary(report: dict[str, Any]) -> str:
    conv = report["conviction"]
    parts: list[str] = []
    if conv == "no":
        parts.append("This disposition is not a conviction for immigration purposes.")
    elif conv == "yes":
        parts.append("This disposition is a conviction for immigration purposes.")
    else:
        parts.append("Whether this disposition is a conviction for immigration purposes depends on "
                     + (_depends_words(report["conviction_detail"].get("depends_on") or []) or "its terms") + ".")
    yes_f = [SHORT_NAMES[k] for k in FINDING_NAMES
             if k != "petty_offense_exception" and report["findings"][k]["result"] == "yes"]
    dep_f = [SHORT_NAMES[k] for k in FINDING_NAMES
             if k != "petty_offense_exception" and report["findings"][k]["result"] == "depends"]
    if yes_f:
        parts.append("Under federal immigration law it is " + _and([_a(x) for x in yes_f]) + ".")
    if dep_f:
        parts.append(("It may also be " if yes_f else "It may be ") + _or([_a(x) for x in dep_f])
                     + ", depending on facts the table below names.")
    if report["findings"]["petty_offense_exception"]["result"] == "yes" and report["findings"]["cimt"]["result"] != "no":
        parts.append("The petty offense exception applies, so a single moral-turpitude offense of this kind does not by "
                     "itself make a person inadmissible.")
    cons = report["consequences"]
    yes = [CONSEQUENCE_WORDS[k] for k, v in cons.items() if v["result"] == "yes" and k in CONSEQUENCE_WORDS]
    dep = [k for k, v in cons.items() if v["result"] == "depends" and k in CONSEQUENCE_WORDS]
    if yes:
        parts.append("A person in the affected status " + "; ".join(yes) + ".")
    if dep:
        parts.append(("Other consequences" if yes else "Consequences") + " depend on facts: see the table by status profile.")
    if not yes and not dep:
        parts.append("No immigration consequence was found for any status profile.")
    return " ".join(parts)


def _profile_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for prof in report["status_profiles"].values():
        cells = prof["consequences"]
        yes = [PROFILE_WORDS[k] for k, v in cells.items() if v == "yes" and k in PROFILE_WORDS]
        dep = [PROFILE_WORDS[k] for k, v in cells.items() if v == "depends" and k in PROFILE_WORDS]
        rows.append({
            "profile": prof["label"],
            "answer": ANSWER_WORDS.get(prof["any_consequence"], prof["any_consequence"]),
            "yes": ", ".join(yes) or "—",
            "depends": ", ".join(dep) or "—",
            "text": ("Yes: " + ", ".join(yes) + ". " if yes else "") + ("Depends: " + ", ".join(dep) + "." if dep else "")
            or "No consequence found.",
        })
    return rows


def _finding_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    rows = [{
        "name": "Conviction (INA 101(a)(48)(A))",
        "answer": _answer_text(report["conviction_detail"]),
        "why": report["conviction_detail"].get("why", ""),
        "sources": "; ".join(report["conviction_detail"].get("sources", [])[:SOURCES_PER_ROW]),
    }]
    for key, name in FINDING_NAMES.items():
        a = report["findings"][key]
        rows.append({"name": name, "answer": _answer_text(a), "why": a.get("why", ""),
                     "sources": "; ".join(a.get("sources", [])[:SOURCES_PER_ROW])})
    return rows


# --- the context ---------------------------------------------------------------------------------


def _group_dispositions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row for the non-conviction dispositions that have the same effect (diversion, ACD, dismissal)."""
    out: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in rows:
        group = r.pop("_group")
        if group is None:
            out.append(r)
            continue
        key = (r["removes"], r["reduces"], r["adds"], r["severity"], r["cost"])
        g = groups.get(key)
        name = r["summary"]
        if name.startswith("Disposition: ") and " — " in name:
            name = name[len("Disposition: "):name.index(" — ")]
        if g is None:
            g = {**r, "names": [f"({r['n']}) {name}"], "ns": [r["n"]], "tail": r["summary"].partition(" — ")[2]}
            groups[key] = g
            out.append(g)
        else:
            g["names"].append(f"({r['n']}) {name}")
            g["ns"].append(r["n"])
            g["chosen"] = g["chosen"] or r["chosen"]
            if r["chosen"]:
                g["decision"] = f"Chosen: {r['n']}"
    for g in groups.values():
        names, ns, tail = g.pop("names"), g.pop("ns"), g.pop("tail")
        if len(ns) > 1:
            g["n"] = ", ".join(ns)
            g["summary"] = "Disposition: any of " + "; ".join(names) + (f" — {tail}" if tail else ".")
    return out


def _one_charge(request: dict[str, Any]) -> dict[str, Any]:
    """A case (DESIGN §5.4: ``{"jurisdiction", "stage", "charges", "defense_proposal"}``) with one charge is
    accepted as that charge's request; the memo covers one disposition."""
    if "charges" not in request or "offense" in request:
        return request
    charges = request["charges"]
    if not isinstance(charges, list) or len(charges) != 1 or not isinstance(charges[0], dict):
        n = len(charges) if isinstance(charges, list) else 0
        raise RequestError(f"the memo covers one disposition; the case has {n} charges: write one memo per charge "
                           "(pass the charge's request)", "charges")
    out = dict(charges[0])
    for key in ("jurisdiction", "defense_proposal", "memo", "case_id"):
        if key in request and key not in out:
            out[key] = request[key]
    return out


def _memo_block(request: dict[str, Any]) -> dict[str, Any]:
    m = request.get("memo") or {}
    if not isinstance(m, dict):
        raise RequestError("memo must be an object (case_number, prepared_by, chosen_alternative, reason, supervisor)",
                           "memo")
    for key in ("case_number", "prepared_by", "reason", "supervisor"):
        if m.get(key) is not None and not isinstance(m[key], str | int):
            raise RequestError(f"memo.{key} must be text", f"memo.{key}")
    ch = m.get("chosen_alternative")
    if ch is not None and (isinstance(ch, bool) or not isinstance(ch, int) or ch < 1):
        raise RequestError("memo.chosen_alternative must be the number (1, 2, ...) of an alternative, or null",
                           "memo.chosen_alternative")
    return m


def memo_context(
    request: dict[str, Any],
    *,
    cost_per_day: float | None = None,
    office: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Analyse the request and put the result in plain words. Raises ``RequestError`` on a bad request."""
    from iiu import analyze

    if not isinstance(request, dict):
        raise RequestError("the request must be a JSON object", "request")
    if cost_per_day is not None and (cost_per_day < 0 or cost_per_day != cost_per_day):
        raise RequestError("cost per day must be a non-negative number", "cost_per_day")
    today = today or dt.date.today()
    request = _one_charge(request)
    memo = _memo_block(request)
    engine_request = {k: v for k, v in request.items() if k != "memo"}
    if not sentence_given(engine_request.get("sentence")):
        # The memo justifies a recommended sentence and prices its custody: it cannot be written without one
        # (was: an absent sentence priced as no custody, and "unknown" failed with a Python error).
        raise RequestError("a sentence-justification memo needs the sentence it recommends: give sentence.custody_days "
                           "(0 for none)", "sentence")
    first = analyze(engine_request, today=today, trace=False)
    alternatives = first["alternatives"]
    chosen = memo.get("chosen_alternative")
    if chosen is not None and chosen > len(alternatives):
        raise RequestError(f"memo.chosen_alternative is {chosen} but the engine found {len(alternatives)} alternative(s)",
                           "memo.chosen_alternative")
    if chosen is not None:
        recommended_request = apply_change(engine_request, alternatives[chosen - 1]["change"])
        report = analyze(recommended_request, today=today, trace=False)
    else:
        recommended_request, report = engine_request, first

    rate = DEFAULT_COST_PER_DAY if cost_per_day is None else float(cost_per_day)
    cost_source = DEFAULT_COST_SOURCE if cost_per_day is None else "the office's figure (--cost-per-day)"
    sentence = recommended_request.get("sentence") or {}
    custody = int(sentence.get("custody_days") or 0)
    off = report["offense"]
    charge = f"{off['jurisdiction']} {off['citation']}{off['subsection'] or ''} — {off['title']}"
    if off.get("class"):
        charge += f" ({off['class']})"
    if off.get("inchoate"):
        charge = f"{off['inchoate'].capitalize()} to commit: {charge}"
    if request.get("charge_description"):
        charge += f". {request['charge_description']}"
    maximum = off.get("max_custody_days_at_conviction")
    disp = recommended_request.get("disposition", "")
    disposition = DISPOSITION_WORDS.get(disp, str(disp).replace("_", " "))
    dates = f"disposition date {report['disposition_date']}"
    if recommended_request.get("offense_date"):
        dates += f"; offense date {recommended_request['offense_date']}"

    alt_rows = []
    base_harms = _harms(first)
    for i, alt in enumerate(alternatives, 1):
        alt_custody = (alt["change"].get("sentence") or {}).get("custody_days")
        first_custody = int((engine_request.get("sentence") or {}).get("custody_days") or 0)
        cost_note = ""
        if alt_custody is not None and alt_custody != first_custody:
            diff = (first_custody - alt_custody) * rate
            cost_note = (f"{_days(alt_custody)}: {_money(alt_custody * rate)}"
                         + (f"; saves {_money(diff)}" if diff > 0 else f"; costs {_money(-diff)} more"))
        decision = "Chosen" if chosen == i else "Not chosen"
        alt_rows.append({
            "n": str(i), "summary": alt["summary"],
            "removes": (_removes_words(alt["removes"], base_harms) if alt["removes"] else "nothing removed")
            + (f"; makes uncertain ('depends' instead of 'yes'): {_names(alt['reduces'])}" if alt.get("reduces") else ""),
            "reduces": _names(alt.get("reduces") or []) if alt.get("reduces") else "",
            "adds": _names(alt["adds"]) if alt["adds"] else "nothing", "severity": alt["severity_change"],
            "cost": cost_note, "decision": decision, "chosen": chosen == i,
            "_group": "disposition" if "disposition" in alt["change"] else None,
        })
    alt_rows = _group_dispositions(alt_rows)

    reason = str(memo.get("reason") or "").strip()
    if chosen is not None:
        alt = alternatives[chosen - 1]
        decision_text = (f"The office adopts alternative {chosen}: {alt['summary']} Compared with the disposition first "
                         f"considered, it removes: {_removes_words(alt['removes'], base_harms)}; it adds: {_names(alt['adds'])}; criminal "
                         f"severity {alt['severity_change']}.")
        if reason:
            decision_text += f" Reason: {reason}"
    elif alternatives:
        decision_text = ("No alternative was chosen. Reason the recommendation stands despite the safer alternatives "
                         "above: " + (reason or "____________________ (required before approval)"))
    elif _has_harm(first):
        decision_text = ("The engine found no alternative within its search (sentence, disposition, plea and record of "
                         "conviction) that removes a consequence. Defense counsel may know of others."
                         + (f" {reason}" if reason else ""))
    else:
        decision_text = "No immigration consequence was found, so no safer alternative was needed." + (
            f" {reason}" if reason else "")

    first_considered = ""
    if chosen is not None:
        fo = first["offense"]
        first_considered = (f"{fo['jurisdiction']} {fo['citation']}{fo['subsection'] or ''}, "
                            f"{DISPOSITION_WORDS.get(engine_request.get('disposition', ''), engine_request.get('disposition', ''))}, "
                            f"{sentence_words(engine_request.get('sentence'))}. {immigration_summary(first)}")

    defense = report.get("defense_proposal")
    defense_rows: list[str] = []
    if defense:
        dp_req = request.get("defense_proposal") or {}
        dp_sentence = dp_req.get("sentence") if isinstance(dp_req, dict) else None
        defense_summary = (f"Defense counsel proposes {defense['offense']}"
                           + (f", {DISPOSITION_WORDS.get(dp_req.get('disposition'), dp_req.get('disposition'))}"
                              if isinstance(dp_req, dict) and dp_req.get("disposition") else "")
                           + (f", {sentence_words(dp_sentence)}" if dp_sentence else "")
                           + f". Compared with the recommendation, the proposal removes: {_names(defense['proposal_removes'])}"
                           + f"; it adds: {_names(defense['proposal_adds'])}.")
        if defense["departs"]:
            defense_departs = ("The recommendation DEPARTS from the defense's proposal. Defense counsel leads on the "
                               "client's immigration situation; the departure needs a stated reason and supervisory approval.")
            for k, v in defense["differences"].items():
                defense_rows.append(f"{k.replace('_', ' ')}: office {v['office'] if v['office'] is not None else 'none'}; "
                                    f"defense {v['defense'] if v['defense'] is not None else 'none'}")
        else:
            defense_departs = "The recommendation matches the defense's proposal."
    else:
        defense_summary = ("No defense proposal is recorded. Defense counsel leads on the client's immigration "
                           "situation; ask for one before the plea or sentence is final.")
        defense_departs = "Not applicable."

    sources = _sources(report)
    in_table = {x for a in (report["conviction_detail"], *(report["findings"][k] for k in FINDING_NAMES))
                for x in a.get("sources", [])[:SOURCES_PER_ROW]}
    other_sources = [x for x in sources if x not in in_table]
    warnings = list(report.get("warnings") or [])
    ctx: dict[str, Any] = {
        "office": office or DEFAULT_OFFICE,
        "title": "Sentence-justification memo",
        "date": today.isoformat(),
        "case": str(memo.get("case_number") or request.get("case_id") or "(no case number given)"),
        "prepared_by": str(memo.get("prepared_by") or "____________________"),
        "supervisor": str(memo.get("supervisor") or "____________________"),
        "charge": charge,
        "disposition": disposition,
        "dates": dates,
        "maximum": "life" if maximum is None else _days(int(maximum)),
        "recommended_sentence": sentence_words(sentence),
        "custody_days": str(custody),
        "cost_per_day": _money(rate),
        "custody_cost": _money(custody * rate),
        "cost_basis": f"{_days(custody)} × {_money(rate)} a day. Source of the daily cost: {cost_source}. "
                      "Suspended time and probation are not counted.",
        "conviction": _answer_text(report["conviction_detail"]),
        "immigration_summary": immigration_summary(report),
        "first_considered": first_considered,
        "alternatives_decision": decision_text,
        "defense_summary": defense_summary,
        "defense_departs": defense_departs,
        "law_as_of": report["law_as_of"],
        "disclaimer": NOT_LEGAL_ADVICE,
        # Block fields: as text when they appear inside other text.
        "findings_table": "; ".join(f"{r['name']}: {r['answer']}" for r in _finding_rows(report)),
        "profiles_table": "; ".join(f"{r['profile']}: {r['text']}" for r in _profile_rows(report)),
        "alternatives_table": "; ".join(f"{r['n']}. {r['summary']}" for r in alt_rows) or "none",
        "defense_differences": "; ".join(defense_rows) or "none",
        "sources_list": "; ".join(other_sources),
        "warnings_list": "; ".join(warnings) or "none",
        # Structured data for templates (Jinja2 loops, DOCX tables).
        "findings": _finding_rows(report),
        "profiles": _profile_rows(report),
        "alternatives": alt_rows,
        "defense": defense,
        "defense_rows": defense_rows,
        "sources": sources,
        "other_sources": other_sources,
        "warnings": warnings,
        "chosen_alternative": chosen,
        "compact": False,
        "report": report,
    }
    return ctx


# --- DOCX ----------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def default_docx_template() -> bytes:
    """The default DOCX template, built with python-docx: edit the text freely, keep the ``{{ fields }}``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    doc = Document()
    for s in doc.sections:
        s.top_margin = s.bottom_margin = Inches(0.7)
        s.left_margin = s.right_margin = Inches(0.8)
        s.footer.paragraphs[0].text = "{{ title }}, case {{ case }}"
        for r in s.footer.paragraphs[0].runs:
            r.font.size = Pt(7.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9.5)
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 14), ("Heading 2", 11)):
        st = doc.styles[name]
        st.font.size = Pt(size)
        st.paragraph_format.space_before = Pt(6)
        st.paragraph_format.space_after = Pt(2)

    p = doc.add_paragraph("{{ office }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("Case: {{ case }}    Date: {{ date }}    Prepared by: {{ prepared_by }}")
    p = doc.add_paragraph("{{ disclaimer }}")
    for r in p.runs:
        r.italic = True
        r.font.size = Pt(8)

    doc.add_heading("1. Case and charge", level=2)
    doc.add_paragraph("Charge: {{ charge }}")
    doc.add_paragraph("Disposition: {{ disposition }} ({{ dates }}). Maximum sentence at conviction: {{ maximum }}.")

    doc.add_heading("2. Recommended sentence and custody cost", level=2)
    doc.add_paragraph("Recommended sentence: {{ recommended_sentence }}.")
    doc.add_paragraph("Custody cost: {{ custody_cost }} ({{ cost_basis }})")

    doc.add_heading("3. Immigration cost", level=2)
    doc.add_paragraph("{{ immigration_summary }}")
    doc.add_paragraph("{{ findings_table }}")
    doc.add_paragraph("By status profile (the office does not ask for or record a person's status; every profile is shown):")
    doc.add_paragraph("{{ profiles_table }}")
    doc.add_paragraph("Law applied as of {{ law_as_of }}. Warnings: {{ warnings_list }}")

    doc.add_heading("4. Alternatives considered", level=2)
    doc.add_paragraph("Each alternative was re-analysed by the engine; none is asserted by hand.")
    doc.add_paragraph("{{ alternatives_table }}")
    doc.add_paragraph("Decision: {{ alternatives_decision }}")

    doc.add_heading("5. Defense proposal", level=2)
    doc.add_paragraph("{{ defense_summary }}")
    doc.add_paragraph("{{ defense_departs }}")
    doc.add_paragraph("{{ defense_differences }}")

    doc.add_heading("6. Supervisor approval", level=2)
    doc.add_paragraph("Supervisor name: {{ supervisor }}")
    doc.add_paragraph("Decision:  ☐ Approved    ☐ Approved with changes    ☐ Not approved")
    doc.add_paragraph("Reasons or changes: ______________________________________________________________")
    doc.add_paragraph("Date: ____________________    Signature: ______________________________")
    doc.add_paragraph("Prepared by: {{ prepared_by }}    Signature: ______________________________")

    doc.add_heading("Sources", level=2)
    doc.add_paragraph("The findings' sources are in the table above. The offense, sentence and consequences rest on:")
    doc.add_paragraph("{{ sources_list }}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _open_docx(template: str | Path | None) -> tuple[Any, str]:
    from docx import Document

    if template is None:
        return Document(io.BytesIO(default_docx_template())), "default memo template (DOCX)"
    path = Path(template)
    name = str(path)
    if not path.is_file():
        raise TemplateError(name, "file not found")
    try:
        return Document(str(path)), name
    except Exception as e:  # python-docx raises several kinds for a file that is not a DOCX
        raise TemplateError(name, f"not a DOCX file ({type(e).__name__}: {e})") from None


def _paragraphs(doc: Any) -> list[Any]:
    """Every paragraph of the body, tables (nested), headers and footers, each once."""
    out: list[Any] = []

    def walk(container: Any) -> None:
        out.extend(container.paragraphs)
        for t in getattr(container, "tables", []):
            for row in t.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for s in doc.sections:
        parts = [s.header, s.footer]
        if s.different_first_page_header_footer:
            parts += [s.first_page_header, s.first_page_footer]
        if doc.settings.odd_and_even_pages_header_footer:
            parts += [s.even_page_header, s.even_page_footer]
        for part in parts:
            if not part.is_linked_to_previous or s is doc.sections[0]:
                walk(part)
    seen: set[int] = set()
    unique = []
    for p in out:
        if id(p._p) not in seen:
            seen.add(id(p._p))
            unique.append(p)
    return unique


def _fields_in(text: str, template: str) -> list[re.Match[str]]:
    matches = list(PLACEHOLDER.finditer(text))
    if text.count("{{") != len(matches) or text.count("}}") != len(matches):
        snippet = text[text.find("{{"):][:40] if "{{" in text else text[:40]
        raise TemplateError(template, f"malformed merge field near {snippet!r}; write fields as {{{{ name }}}}")
    return matches


def _replace_runs(p: Any, values: dict[str, str], template: str) -> None:
    text = "".join(r.text for r in p.runs)
    if "{{" not in text and "}}" not in text:
        return
    matches = _fields_in(text, template)
    if not matches:
        return
    for m in reversed(matches):
        value = values[m.group(1)]
        start, end = m.span()
        pos = 0
        spans = []
        for r in p.runs:
            spans.append((pos, pos + len(r.text)))
            pos += len(r.text)
        touched = [i for i, (s, e) in enumerate(spans) if s < end and e > start]
        for j, i in enumerate(touched):
            s, _e = spans[i]
            t = p.runs[i].text
            a, b = max(start, s) - s, min(end, spans[i][1]) - s
            p.runs[i].text = t[:a] + (value if j == 0 else "") + t[b:]


def _block_table(p: Any, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    from docx.shared import Inches, Pt

    doc_part = p.part
    body = doc_part.document
    table = body.add_table(rows=1 + len(rows), cols=len(header))
    with contextlib.suppress(KeyError):
        table.style = body.styles["Table Grid"]
    for i, h in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = h
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for ri, row in enumerate(rows, 1):
        for ci, value in enumerate(row):
            table.rows[ri].cells[ci].text = value
    for row in table.rows:
        for ci, w in enumerate(widths):
            row.cells[ci].width = Inches(w)
            for para in row.cells[ci].paragraphs:
                para.paragraph_format.space_after = Pt(0)
                for r in para.runs:
                    r.font.size = Pt(8.5)
    p._p.addnext(table._tbl)
    p._p.getparent().remove(p._p)


def _block_list(p: Any, items: list[str], size: float | None = None) -> None:
    from docx.shared import Pt

    for item in items:
        new = p.insert_paragraph_before(item, style=p.style)
        if size:
            for r in new.runs:
                r.font.size = Pt(size)
    p._p.getparent().remove(p._p)


def _fill_block(p: Any, name: str, ctx: dict[str, Any]) -> None:
    if name == "findings_table":
        _block_table(p, ["Question", "Answer", "Why", "Sources"],
                     [[r["name"], r["answer"], r["why"], r["sources"]] for r in ctx["findings"]], [1.6, 1.1, 2.9, 1.4])
    elif name == "profiles_table":
        _block_table(p, ["Status profile", "Any", "Yes", "Depends on facts"],
                     [[r["profile"], r["answer"], r["yes"], r["depends"]] for r in ctx["profiles"]], [1.6, 0.6, 2.4, 2.4])
    elif name == "alternatives_table":
        if ctx["alternatives"]:
            _block_table(p, ["#", "Alternative", "Removes", "Adds", "Severity", "Custody cost", "Decision"],
                         [[r["n"], r["summary"], r["removes"], r["adds"], r["severity"], r["cost"] or "—", r["decision"]]
                          for r in ctx["alternatives"]], [0.25, 2.4, 1.5, 0.6, 0.6, 0.9, 0.8])
        else:
            _block_list(p, ["No alternative that removes a consequence was found."])
    elif name == "defense_differences":
        _block_list(p, ctx["defense_rows"])
    elif name == "sources_list":
        _block_list(p, ["; ".join(ctx["other_sources"])], size=7.5)
    elif name == "warnings_list":
        _block_list(p, ctx["warnings"] or ["none"])


def render_docx(ctx: dict[str, Any], out: str | Path | None = None, template: str | Path | None = None) -> bytes:
    """Fill a DOCX template with the memo context; write it to ``out`` when given; return the bytes."""
    doc, name = _open_docx(template)
    values = {k: ("" if v is None else str(v)) for k, v in ctx.items() if not isinstance(v, list | dict)}
    paragraphs = _paragraphs(doc)
    # Check every field first, so an unknown field is reported before anything is written.
    used: set[str] = set()
    for p in paragraphs:
        text = "".join(r.text for r in p.runs)
        if "{{" in text or "}}" in text:
            for m in _fields_in(text, name):
                if m.group(1) not in values:
                    known = ", ".join(sorted(values))
                    raise TemplateError(name, f"unknown merge field {{{{ {m.group(1)} }}}}; the fields are: {known}")
                used.add(m.group(1))
    for p in paragraphs:
        text = "".join(r.text for r in p.runs).strip()
        m = PLACEHOLDER.fullmatch(text)
        if m and m.group(1) in BLOCK_FIELDS and p._p.getparent() is not None:
            _fill_block(p, m.group(1), ctx)
        else:
            _replace_runs(p, values, name)
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


# --- HTML / PDF ----------------------------------------------------------------------------------


def render_html(ctx: dict[str, Any], template: str | Path | None = None) -> str:
    import jinja2

    path = Path(template) if template is not None else DEFAULT_HTML_TEMPLATE
    name = str(path)
    if not path.is_file():
        raise TemplateError(name, "file not found")
    env = template_environment(
        loader=jinja2.FileSystemLoader(str(path.parent)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
    )
    try:
        tpl = env.get_template(path.name)
        return tpl.render(**ctx)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(name, f"malformed Jinja2 at line {e.lineno}: {e.message}") from None
    except jinja2.UndefinedError as e:
        raise TemplateError(name, f"unknown merge field: {e.message}") from None
    except jinja2.TemplateError as e:
        raise TemplateError(name, f"{type(e).__name__}: {e}") from None
    except UnicodeDecodeError as e:
        raise TemplateError(name, f"not a UTF-8 text file ({e.reason})") from None


def pdf_document(ctx: dict[str, Any], template: str | Path | None = None) -> Any:
    """The laid-out WeasyPrint document (pages, text) before it is written."""
    from weasyprint import HTML

    path = Path(template) if template is not None else DEFAULT_HTML_TEMPLATE
    fetcher = local_url_fetcher(path.parent)
    doc = HTML(string=render_html({**ctx, "compact": False}, template), base_url=str(path.parent), url_fetcher=fetcher).render()
    if len(doc.pages) > MAX_PAGES:
        # A long record (many alternatives, long findings): the template's compact layout, if it has one.
        tight = HTML(string=render_html({**ctx, "compact": True}, template), base_url=str(path.parent),
                     url_fetcher=fetcher).render()
        if len(tight.pages) < len(doc.pages):
            return tight
    return doc


def document_text(document: Any) -> str:
    """All the text WeasyPrint laid out, page by page (for checks without a PDF text extractor)."""
    from weasyprint.formatting_structure.boxes import TextBox

    chunks: list[str] = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, TextBox):
                chunks.append(box.text)
        chunks.append("\n")
    return " ".join(chunks)


def render_pdf(ctx: dict[str, Any], out: str | Path | None = None, template: str | Path | None = None) -> bytes:
    data: bytes = pdf_document(ctx, template).write_pdf()
    if out is not None:
        Path(out).write_bytes(data)
    return data


# --- one call ------------------------------------------------------------------------------------


def write_memo(
    request: dict[str, Any],
    out: str | Path,
    *,
    template: str | Path | None = None,
    cost_per_day: float | None = None,
    office: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Write the memo to ``out`` (.docx or .pdf); return the context used."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise RequestError(f"the memo is written as .docx or .pdf, not {suffix or 'a file without extension'!r}", "out")
    if template is not None:
        tsuffix = Path(template).suffix.lower()
        if suffix == ".docx" and tsuffix != ".docx":
            raise TemplateError(str(template), "a .docx memo needs a .docx template")
        if suffix == ".pdf" and tsuffix == ".docx":
            raise TemplateError(str(template), "a .pdf memo needs an HTML (Jinja2) template, not a .docx")
        # A missing or broken template is reported before the analysis runs.
        if not Path(template).is_file():
            raise TemplateError(str(template), "file not found")
    ctx = memo_context(request, cost_per_day=cost_per_day, office=office, today=today)
    if suffix == ".docx":
        render_docx(ctx, out, template)
    else:
        render_pdf(ctx, out, template)
    return ctx
