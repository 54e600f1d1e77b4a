"""The office's written policy as code (issue 5): validation, evaluation at every stage, publishing, diff.

Legal anchors of the expectations: INA 101(a)(48)(A) (a plea or admission up front is a
conviction), 101(a)(48)(B) (suspended time counts), 101(a)(43)(G) (theft with a one-year term),
212(a)(2)(A)(ii)(II) (petty offense exception, 180 days), Cal. Penal Code 1016.3(b).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iiu.cli.main import app
from iiu.engine.errors import RequestError
from iiu.policy.diff import diff_policies
from iiu.policy.evaluate import evaluate_case
from iiu.policy.loader import check_file, check_text, load_policy, model_policy_text
from iiu.policy.publish import render_html, render_pdf
from iiu.policy.schema import ACTIONS, PROPOSALS, STAGES

DATE = "2025-08-01"
runner = CliRunner()


def case(jur: str, *charges: dict, **extra) -> dict:
    return {"jurisdiction": jur, "charges": [{"disposition_date": DATE, **c} for c in charges], **extra}


def ids(result: dict, charge: int | None = None) -> dict[str, str]:
    return {d["id"]: d["action"] for d in result["directives"]
            if charge is None or (d["charge"] and d["charge"]["index"] == charge)}


def line_of(text: str, needle: str, nth: int = 0) -> int:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    return text.count("\n", 0, starts[nth]) + 1


# --- the model policy validates -------------------------------------------------------------


def test_model_policy_validates():
    c = check_file(None)
    assert c.ok, "\n".join(map(str, c.problems))
    assert c.errors == []
    p = c.policy
    assert p is not None and p.version and p.effective_from
    assert set(p.office.jurisdictions) == {"NY", "CA", "IL"}
    assert "starting point" in p.starting_point.lower()


def test_cli_check_default_ok():
    r = runner.invoke(app, ["policy", "check"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ok:")


# --- validation errors name the line -----------------------------------------------------------


def _problems(text: str) -> list[str]:
    c = check_text(text, "p.yaml")
    assert not c.ok
    return [str(p) for p in c.errors]


def test_unknown_citation_names_line():
    text = model_policy_text().replace("{citation: PL 140.05,", "{citation: PL 999.99,", 1)
    probs = _problems(text)
    line = line_of(text, "PL 999.99")
    assert any(p.startswith(f"p.yaml:{line}:") and "unknown citation 'PL 999.99'" in p for p in probs), probs


def test_overlapping_rules_names_line():
    # PL 140.10 listed under trespass and again under disorderly conduct.
    text = model_policy_text().replace(
        '          - {citation: PL 240.20, note: "Disorderly conduct (a violation)."}',
        '          - {citation: PL 240.20, note: "Disorderly conduct (a violation)."}\n          - {citation: PL 140.10}', 1)
    probs = _problems(text)
    line = line_of(text, "- {citation: PL 140.10}")
    assert any(p.startswith(f"p.yaml:{line}:") and "overlapping rules" in p for p in probs), probs


def test_contradictory_rules_names_line():
    # A charge the policy never declines categorically is put on a declination list.
    text = model_policy_text().replace(
        '          - {citation: PL 140.10, note: "Criminal trespass in the third degree."}',
        '          - {citation: PL 140.10, note: "Criminal trespass in the third degree."}\n'
        '          - {citation: PL 215.50}', 1)
    probs = _problems(text)
    assert any("contradictory rules" in p and "PL 215.50" in p for p in probs), probs
    line = line_of(text, '{citation: PL 215.50, note')
    assert any(f"p.yaml:{line}:" in p or str(line) in p for p in probs if "contradictory" in p), probs


def test_contradictory_caps():
    text = model_policy_text().replace("    days: 180", "    days: 364", 1)
    probs = _problems(text)
    assert any("contradictory rules: the petty-offense cap" in p for p in probs), probs


def test_bad_date_names_line():
    text = model_policy_text().replace("effective_from: 2025-07-01", "effective_from: 2025-13-01", 1)
    probs = _problems(text)
    line = line_of(text, "effective_from: 2025-13-01")
    assert any(p.startswith(f"p.yaml:{line}:") and "bad date" in p for p in probs), probs


def test_history_date_mismatch_is_bad_dates():
    text = model_policy_text().replace("effective_from: 2025-07-01", "effective_from: 2025-09-01", 1)
    probs = _problems(text)
    assert any("bad dates" in p and "effective_from is 2025-09-01" in p for p in probs), probs


def test_unknown_action_names_line():
    text = model_policy_text().replace("    action: require_memo", "    action: shred_file", 1)
    probs = _problems(text)
    line = line_of(text, "action: shred_file")
    assert any(p.startswith(f"p.yaml:{line}:") and "unknown action 'shred_file'" in p for p in probs), probs


def test_diversion_contradiction():
    text = model_policy_text().replace(
        '      sources: ["N.Y. Crim. Proc. Law 170.55"]\n      ina_conviction: false',
        '      sources: ["N.Y. Crim. Proc. Law 170.55"]\n      ina_conviction: true', 1)
    probs = _problems(text)
    assert any("contradictory rules: program 'ny.acd'" in p for p in probs), probs


def test_cli_check_bad_file_exit_1(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(model_policy_text().replace("{citation: PC 602,", "{citation: PC 60200,", 1), encoding="utf-8")
    r = runner.invoke(app, ["policy", "check", str(bad)])
    assert r.exit_code == 1
    line = line_of(bad.read_text(), "PC 60200")
    assert f"{bad}:{line}: unknown citation 'PC 60200'" in r.output


def test_yaml_syntax_error_line():
    c = check_text("office: {name: x\nversion: 1\n", "p.yaml")
    assert not c.ok and c.problems[0].line >= 1 and "not valid YAML" in c.problems[0].message


# --- evaluation: the directives the model policy implies --------------------------------------

TRESPASS = {"NY": "PL 140.10", "CA": "PC 602", "IL": "720 ILCS 5/21-3"}


@pytest.mark.parametrize("jur", ["NY", "CA", "IL"])
@pytest.mark.parametrize("stage", ["charging", "pretrial", "plea"])
def test_trespass_declined_in_all_three_states(jur, stage):
    r = evaluate_case(case(jur, {"offense": TRESPASS[jur]}), stage)
    assert ids(r, 0).get("decline.trespass") == "decline"
    assert r["charges"][0]["declined"] is True
    d = next(x for x in r["directives"] if x["id"] == "decline.trespass")
    assert d["sources"] and d["reasons"] and d["requires_approval"] is False
    assert r["policy_version"] == load_policy().version


@pytest.mark.parametrize("jur,cite", [("NY", "PL 205.30"), ("CA", "PC 148"), ("IL", "720 ILCS 5/31-1")])
def test_resisting_declined_only_when_only_charge(jur, cite):
    alone = evaluate_case(case(jur, {"offense": cite}), "charging")
    assert ids(alone, 0).get("decline.resisting_only") == "decline"
    with_declined = evaluate_case(case(jur, {"offense": cite}, {"offense": TRESPASS[jur]}), "charging")
    assert ids(with_declined, 0).get("decline.resisting_only") == "decline"
    other = {"NY": "PL 120.00", "CA": "PC 242", "IL": "720 ILCS 5/12-3"}[jur]
    with_assault = evaluate_case(case(jur, {"offense": cite}, {"offense": other}), "charging")
    assert "decline.resisting_only" not in ids(with_assault, 0)


def test_value_threshold():
    under = evaluate_case(case("CA", {"offense": "PC 496", "facts": {"loss_usd": 300}}), "charging")
    assert ids(under, 0).get("decline.receiving") == "decline"
    over = evaluate_case(case("CA", {"offense": "PC 496", "facts": {"loss_usd": 5000}}), "charging")
    assert "decline.receiving" not in ids(over, 0)
    unknown = evaluate_case(case("CA", {"offense": "PC 496"}), "charging")
    assert ids(unknown, 0).get("decline.receiving.value") == "recommend"


def test_nullification_low_level_yes():
    # NY petit larceny is a CIMT (Matter of Obeya, 26 I&N Dec. 856 (BIA 2016)): over the shoplifting
    # value it is not categorically declined, but a conviction is 'yes' for some status profile.
    r = evaluate_case(case("NY", {"offense": "PL 155.25", "facts": {"loss_usd": 1500}}), "charging")
    assert ids(r, 0).get("nullify.low_level_yes") == "decline"
    assert "decline.shoplifting" not in ids(r, 0)


def test_never_categorical_not_nullified():
    r = evaluate_case(case("CA", {"offense": "PC 273.5", "offense_level": "misdemeanor"}), "charging")
    got = ids(r, 0)
    assert got.get("nullify.low_level_yes") is None
    assert got.get("nullify.felony_review") == "require_approval"


def test_charging_overcharging_and_counts():
    r = evaluate_case(case("NY", {"offense": "PL 155.30", "counts": 4, "provable_counts": 1}), "charging")
    got = ids(r, 0)
    assert got["charging.felony_over_misdemeanor"] == "require_approval"
    assert got["charging.counts"] == "require_approval"
    assert ids(r)["charging.provable"] == "recommend"
    d = next(x for x in r["directives"] if x["id"] == "charging.felony_over_misdemeanor")
    assert d["requires_approval"] is True and d["approver"] == "supervisor"
    assert any(a.startswith("PL ") for a in d["alternatives"])


def test_plea_directives():
    r = evaluate_case(case("NY", {"offense": "PL 155.30", "sentence": {"custody_days": 365}}), "plea")
    got = ids(r)
    consider = next(x for x in r["directives"] if x["id"] == "plea.consider_avoidance")
    assert consider["action"] == "recommend" and "Cal. Penal Code 1016.3(b)" in consider["sources"]
    offer = next(x for x in r["directives"] if x["id"] == "plea.default_offer")
    assert offer["offers"] and offer["offers"][0]["removes"]
    assert got["sentencing.cap_364"] == "avoid"


def test_no_sanction_option_for_low_level():
    r = evaluate_case(case("IL", {"offense": "720 ILCS 5/16-1", "facts": {"loss_usd": 800}}), "plea")
    assert ids(r, 0).get("plea.no_sanction") == "recommend"


def test_defense_proposal_departure():
    r = evaluate_case(case("CA", {"offense": "PC 487"}, defense_proposal={"offense": "PC 602",
                                                                         "disposition": "guilty_plea",
                                                                         "sentence": {"custody_days": 0}}), "plea")
    got = ids(r, 0)
    assert got["plea.defense_departure"] == "require_approval"
    assert got["plea.defense_accept"] == "recommend"


def test_sentencing_caps_memo_and_approval():
    # Petit larceny: a CIMT with a 364-day maximum; 200 days loses the petty offense exception.
    r = evaluate_case(case("NY", {"offense": "PL 155.25", "facts": {"loss_usd": 1500},
                                  "sentence": {"custody_days": 200, "suspended_custody_days": 30}}), "sentencing")
    got = ids(r, 0)
    assert got["sentencing.cap_364"] == "avoid"
    assert got["sentencing.cap_180"] == "avoid"
    assert got["sentencing.suspended"] == "avoid"
    assert got["sentencing.memo"] == "require_memo"
    assert got["sentencing.approval"] == "require_approval"
    appr = next(x for x in r["directives"] if x["id"] == "sentencing.approval")
    assert appr["requires_approval"] is True


def test_felony_one_year_term():
    # A theft offense with a term of one year is an aggravated felony (INA 101(a)(43)(G)); 364 days avoids it.
    r = evaluate_case(case("NY", {"offense": "PL 155.30", "sentence": {"custody_days": 365}}), "sentencing")
    d = next(x for x in r["directives"] if x["id"] == "sentencing.cap_364")
    assert "aggravated_felony" in " ".join(d["reasons"])


def test_diversion_registry_flags_plea_programs():
    r = evaluate_case(case("IL", {"offense": "720 ILCS 570/402", "subsection": "(c)", "offense_level": "felony"},
                           ), "plea")
    # 402(c) is declined categorically; a 402(a) charge is not, and the registry applies.
    assert ids(r, 0).get("decline.drug_possession") == "decline"
    r = evaluate_case(case("IL", {"offense": "720 ILCS 570/402", "subsection": "(a)"}), "plea")
    got = ids(r, 0)
    assert got["diversion.plea_free"] == "divert_pre_plea"
    flagged = next(x for x in r["directives"] if x["id"] == "diversion.plea_required")
    assert flagged["action"] == "avoid" and flagged["ina_conviction"] is True
    assert "il.410" in flagged["programs"]


def test_pre_arrest_referral():
    r = evaluate_case(case("CA", {"offense": "HS 11350"}), "pre_arrest")
    assert ids(r, 0).get("pre_arrest.referral") == "divert_pre_arrest"


def test_post_conviction_review_and_release():
    c = case("CA", {"offense": "PC 273.5", "offense_level": "felony", "sentence": {"custody_days": 365}})
    pc = ids(evaluate_case(c, "post_conviction"), 0)
    assert pc["post_conviction.review"] == "recommend"
    assert pc["post_conviction.position"] == "recommend"
    rel = evaluate_case(c, "release")
    assert ids(rel)["release.detainers"] == "prohibit"
    assert ids(rel)["release.notice_defense"] == "recommend"
    assert ids(rel, 0)["release.modification"] == "recommend"


def test_pretrial_release_and_courthouse():
    got = ids(evaluate_case(case("NY", {"offense": "PL 120.00"}), "pretrial"))
    assert got["release.pretrial"] == "avoid"
    assert got["advocacy.courthouse_arrests"] == "recommend"


@pytest.mark.parametrize("stage", STAGES)
def test_information_sharing_prohibited_at_every_stage(stage):
    r = evaluate_case(case("NY", {"offense": "PL 140.10"}), stage)
    got = ids(r)
    assert got["sharing.no_sharing"] == "prohibit" and got["sharing.no_status_inquiry"] == "prohibit"
    d = next(x for x in r["directives"] if x["id"] == "sharing.no_sharing")
    assert {"ice", "ero", "hsi", "cbp"} <= set(d["barred_recipients"])
    for x in r["directives"]:
        assert set(x) >= {"id", "stage", "action", "text", "requires_approval", "sources", "reasons", "charge"}
        assert x["stage"] == stage and x["action"] in ACTIONS and x["sources"]


def test_every_action_is_reachable():
    seen: set[str] = set()
    cases = [
        (case("NY", {"offense": "PL 140.10"}), "charging"),
        (case("CA", {"offense": "HS 11350"}), "pre_arrest"),
        (case("NY", {"offense": "PL 155.30", "counts": 3}), "charging"),
        (case("NY", {"offense": "PL 155.25", "facts": {"loss_usd": 1500},
                     "sentence": {"custody_days": 200, "suspended_custody_days": 30}}), "sentencing"),
        (case("IL", {"offense": "720 ILCS 570/402", "subsection": "(a)"}), "plea"),
    ]
    for c, stage in cases:
        seen |= {d["action"] for d in evaluate_case(c, stage)["directives"]}
    assert seen == set(ACTIONS)


def test_status_blind_refuses_status():
    with pytest.raises(RequestError) as e:
        evaluate_case(case("NY", {"offense": "PL 140.10", "person": {"immigration_status": "lpr"}}), "plea")
    assert e.value.field == "charges[0].person.immigration_status"


def test_bad_input_errors():
    with pytest.raises(RequestError) as e:
        evaluate_case(case("NY", {"offense": "PL 140.10"}), "arraignment")
    assert e.value.field == "stage"
    with pytest.raises(RequestError) as e:
        evaluate_case({"jurisdiction": "NY", "charges": []}, "plea")
    assert e.value.field == "charges"
    with pytest.raises(RequestError) as e:
        evaluate_case(case("NY", {"offense": "PL 140.10", "counts": 0}), "charging")
    assert e.value.field == "charges[0].counts"


def test_cli_evaluate(tmp_path: Path):
    f = tmp_path / "case.json"
    f.write_text(json.dumps(case("IL", {"offense": "720 ILCS 5/21-3"})), encoding="utf-8")
    r = runner.invoke(app, ["policy", "evaluate", str(f), "--stage", "charging", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["policy_version"] and any(d["action"] == "decline" for d in out["directives"])
    f.write_text(json.dumps(case("IL", {"offense": "720 ILCS 5/99-99"})), encoding="utf-8")
    r = runner.invoke(app, ["policy", "evaluate", str(f), "--stage", "charging", "--json"])
    assert r.exit_code == 2
    err = json.loads(r.output)
    assert err["field"] == "charges[0].offense" and err["error"]


# --- publishing ------------------------------------------------------------------------------


def test_publish_html_byte_identical_and_accessible():
    p = load_policy()
    a, b = render_html(p), render_html(p)
    assert a == b
    assert '<html lang="en">' in a and "<script" not in a.lower()
    assert a.count("<h1") == 1 and "<main" in a and "<nav" in a
    assert f"Version {p.version}" in a and p.effective_from.isoformat() in a
    assert "Change history" in a and "A starting point" in a
    for n, title in PROPOSALS.items():
        assert f'<h2 id="part-{n}">Part {n}. {title}</h2>' in a.replace("&#39;", "'"), title
    assert "Directive 2.1." in a  # numbered directives
    for needle in ("PL 140.10", "PC 602", "720 ILCS 5/21-3", "Cal. Penal Code 1016.3(b)", "INA 101(a)(48)(A)",
                   "364", "180", "Net change to the office", "Immigration and Customs Enforcement",
                   "Independent Immigration Post-Conviction Review Commission", "Protect Our Courts Act"):
        assert needle in a, needle


def test_cli_publish_and_pdf_identical(tmp_path: Path):
    r1 = runner.invoke(app, ["policy", "publish", "--out", str(tmp_path / "a")])
    r2 = runner.invoke(app, ["policy", "publish", "--out", str(tmp_path / "b")])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert (tmp_path / "a/index.html").read_bytes() == (tmp_path / "b/index.html").read_bytes()
    pa, pb = (tmp_path / "a/policy.pdf").read_bytes(), (tmp_path / "b/policy.pdf").read_bytes()
    assert pa.startswith(b"%PDF")
    assert pa == pb


def _pdf_info(pdf: bytes) -> bytes:
    """The document-information dictionary (WeasyPrint writes it inside a compressed object stream)."""
    import zlib

    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        i = data.find(b"/Producer")
        if i >= 0:
            return data[i:i + 2000]
    return pdf


def test_pdf_metadata_fixed():
    p = load_policy()
    info = _pdf_info(render_pdf(render_html(p), p))
    assert b"/CreationDate (D:20250701)" in info and b"/ModDate (D:20250701)" in info
    assert b"version 1.0.0" in info


# --- diff ------------------------------------------------------------------------------------


def _edited() -> str:
    text = model_policy_text()
    text = re.sub(r'^version: "1.0.0"$', 'version: "1.1.0"', text, count=1, flags=re.M)
    text = text.replace("effective_from: 2025-07-01", "effective_from: 2026-01-01", 1)
    text = text.replace('      - "Added the independent commission as the post-conviction review board."\n',
                        '      - "Added the independent commission as the post-conviction review board."\n'
                        '  - version: "1.1.0"\n    date: 2026-01-01\n    summary: "Trespass in the second degree added."\n', 1)
    text = text.replace('          - {citation: PL 140.10, note: "Criminal trespass in the third degree."}',
                        '          - {citation: PL 140.10, note: "Criminal trespass in the third degree."}\n'
                        '          - {citation: PL 140.15}', 1)
    text = text.replace("    days: 180", "    days: 150", 1)
    text = text.replace("  - id: iiu.consult\n    proposal: 1\n    title: \"Consult the Immigration Integrity Unit\"\n"
                        "    action: recommend", "  - id: iiu.consult\n    proposal: 1\n    title: \"Consult the "
                        "Immigration Integrity Unit\"\n    action: require_approval\n    requires_approval: true\n"
                        "    approver: iiu", 1)
    return text


def test_diff_describes_changes_in_words(tmp_path: Path):
    new_text = _edited()
    c = check_text(new_text, "new.yaml")
    assert c.ok, [str(p) for p in c.problems]
    changes = diff_policies(load_policy(), c.policy)
    joined = "\n".join(changes)
    assert "Version 1.0.0 (in effect from 2025-07-01) is replaced by version 1.1.0 (in effect from 2026-01-01)" in joined
    assert "categorical declination rule 'decline.trespass' › citations › NY: adds PL 140.15." in joined
    assert "petty offense cap › days changes from 180 to 150." in joined
    assert "additional directive 'iiu.consult' › action changes from recommend to require_approval." in joined
    f = tmp_path / "new.yaml"
    f.write_text(new_text, encoding="utf-8")
    r = runner.invoke(app, ["policy", "diff", "src/iiu/policy/model_policy.yaml", str(f)])
    assert r.exit_code == 0 and "adds PL 140.15" in r.output


def test_diff_same_policy():
    assert diff_policies(load_policy(), load_policy()) == ["No changes."]


def test_the_information_sharing_floor_cannot_be_weakened():
    """Principle 4 (nothing flows to immigration enforcement; every attempt is logged) is not the office's to
    weaken: a policy that drops ICE from the barred recipients, stops logging, softens the prohibition or adds
    an exception for ICE requests is refused, naming the line."""
    base = model_policy_text()
    cases = {
        "barred_recipients must include": base.replace(
            '    - {id: ice, name: "U.S. Immigration and Customs Enforcement (ICE)", description: "Including its field offices and contractors."}\n', "", 1),
        "log_every_attempt cannot be false": base.replace("  log_every_attempt: true", "  log_every_attempt: false", 1),
        "information_sharing.no_sharing must be 'prohibit'": base.replace(
            "    id: sharing.no_sharing\n    title: \"No information to immigration enforcement\"\n    action: prohibit",
            "    id: sharing.no_sharing\n    title: \"No information to immigration enforcement\"\n    action: recommend", 1),
        "sharing exception 'ice_detainer' is not allowed": base.replace(
            "  exceptions:\n    - id: judicial_warrant\n", "  exceptions:\n    - id: ice_detainer\n      name: \"Any request from ICE (I-247A detainer)\"\n"
            "      requires: [\"a supervisor's approval\"]\n      approver: supervisor\n    - id: judicial_warrant\n", 1),
    }
    for want, text in cases.items():
        assert text != base, want
        probs = _problems(text)
        assert any(want in p for p in probs), (want, probs)
        assert any(p.startswith("p.yaml:") and not p.startswith("p.yaml:0:") for p in probs if want in p), probs
    assert check_text(base, "p.yaml").ok
