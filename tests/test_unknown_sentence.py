"""A disposition whose sentence the record does not give (``"sentence": "unknown"``).

The term of imprisonment (INA 101(a)(48)(B)) decides the one-year aggravated felonies (INA
101(a)(43)(F), (G)), the petty offense exception (INA 212(a)(2)(A)(ii)(II): six months), the 5-year
aggregate of INA 212(a)(2)(B); custody decides DACA's significant misdemeanor (8 CFR 236.22(b)(6))
and the 180-day bar to good moral character (INA 101(f)(7)). An unknown sentence must never read
as none: each answer is the one that holds for every lawful sentence, or ``depends``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iiu import analyze
from iiu.engine.errors import RequestError
from iiu.engine.unknown_sentence import DEPENDS_ON
from test_properties import LEVEL, SETTINGS, _harm, _run, requests

TODAY = dt.date(2026, 11, 28)


def _results(report: dict[str, Any]) -> dict[str, str]:
    out = {f"findings.{k}": v["result"] for k, v in report["findings"].items()}
    out.update({f"consequences.{k}": v["result"] for k, v in report["consequences"].items()})
    out["conviction"] = report["conviction"]
    return out


def _with_sentence(req: dict[str, Any], sentence: Any) -> dict[str, Any]:
    return {**req, "sentence": sentence}


@SETTINGS
@given(requests(), st.integers(1, 800), st.integers(1, 800))
def test_a_longer_term_never_removes_a_consequence_nor_restores_the_petty_offense_exception(
        req: dict[str, Any], extra_custody: int, extra_suspended: int) -> None:
    """What makes an unknown sentence answerable from its two ends: every answer moves one way as the
    custody (8 CFR 236.22(b)(6), INA 101(f)(7)) or the suspended term (INA 101(a)(48)(B)) grows."""
    base = _run(req)
    s = req["sentence"]
    for more in ({**s, "custody_days": s["custody_days"] + extra_custody},
                 {**s, "suspended_custody_days": s["suspended_custody_days"] + extra_suspended}):
        try:
            longer = analyze(_with_sentence(req, more), alternatives=False, trace=False, today=TODAY)
        except RequestError as e:
            assert e.field.startswith("sentence"), e.message  # only the statutory maximum may refuse it
            continue
        h0, h1 = _harm(base), _harm(longer)
        assert not [k for k in h0 if h1[k] < h0[k]], "a longer term removed a consequence"
        pe0 = LEVEL[base["findings"]["petty_offense_exception"]["result"]]
        pe1 = LEVEL[longer["findings"]["petty_offense_exception"]["result"]]
        assert pe1 <= pe0, "a longer term restored the petty offense exception (INA 212(a)(2)(A)(ii)(II))"


@SETTINGS
@given(requests(), requests(), st.integers(1, 2000))
def test_a_longer_earlier_sentence_never_removes_a_consequence(req: dict[str, Any], prior: dict[str, Any], extra: int) -> None:
    """The earlier records' terms count toward INA 212(a)(2)(B)'s 5-year aggregate and INA 101(f)(7)'s 180 days."""
    if prior["disposition_date"] > req["disposition_date"]:
        prior = {**prior, "disposition_date": req["disposition_date"], "offense_date": None}
    base = _run({**req, "history": [prior]})
    ps = prior["sentence"]
    longer_prior = {**prior, "sentence": {**ps, "custody_days": ps["custody_days"] + extra}}
    try:
        longer = analyze({**req, "history": [longer_prior]}, alternatives=False, trace=False, today=TODAY)
    except RequestError:
        return
    h0, h1 = _harm(base), _harm(longer)
    assert not [k for k in h0 if h1[k] < h0[k]], "a longer earlier sentence removed a consequence"


@SETTINGS
@given(requests(), st.floats(0, 1))
def test_an_unknown_sentence_is_never_answered_more_safely_than_any_lawful_sentence(req: dict[str, Any], share: float) -> None:
    """Principle 2: for any sentence the record could hide, the answer given without it is that
    sentence's answer or 'depends' — never a definite answer the real sentence contradicts."""
    known = _run(req)
    unknown = _results(analyze(_with_sentence(req, "unknown"), alternatives=False, trace=False, today=TODAY))
    for k, v in _results(known).items():
        assert unknown[k] in (v, "depends"), f"{k}: '{unknown[k]}' without the sentence, '{v}' with {req['sentence']}"


@SETTINGS
@given(requests(), requests())
def test_an_earlier_record_without_its_sentence_is_never_read_as_no_custody(req: dict[str, Any], prior: dict[str, Any]) -> None:
    if prior["disposition_date"] > req["disposition_date"]:
        prior = {**prior, "disposition_date": req["disposition_date"], "offense_date": None}
    known = _results(_run({**req, "history": [prior]}))
    unknown = _results(analyze({**req, "history": [_with_sentence(prior, "unknown")]}, alternatives=False, trace=False,
                               today=TODAY))
    for k, v in known.items():
        assert unknown[k] in (v, "depends"), k


ROBBERY = {"jurisdiction": "IL", "offense": "720 ILCS 5/18-1", "disposition": "guilty_plea", "disposition_date": "2019-05-01"}


def test_robbery_without_its_sentence_depends_on_the_one_year_term() -> None:
    """INA 101(a)(43)(F), (G): robbery is an aggravated felony only with a term of a year or more."""
    none = analyze(_with_sentence(ROBBERY, {"custody_days": 0}), today=TODAY)
    year = analyze(_with_sentence(ROBBERY, {"custody_days": 365}), today=TODAY)
    assert none["findings"]["aggravated_felony"]["result"] == "no"
    assert year["findings"]["aggravated_felony"]["result"] == "yes"
    rep = analyze(_with_sentence(ROBBERY, "unknown"), today=TODAY)
    af = rep["findings"]["aggravated_felony"]
    assert af["result"] == "depends"
    assert DEPENDS_ON in af["depends_on"]
    assert "8 U.S.C. 1101(a)(48)(B)" in af["sources"]
    assert rep["offense"]["sentence_known"] is False
    assert rep["offense"]["term_of_imprisonment_days"] is None
    assert any("sentence is not given" in w for w in rep["warnings"])
    # What holds for any sentence stays definite: robbery is a CIMT (Matter of Martin, 18 I&N Dec. 226 (BIA 1982)).
    assert rep["findings"]["cimt"]["result"] == none["findings"]["cimt"]["result"] == year["findings"]["cimt"]["result"]


def test_no_alternative_sets_a_sentence_the_record_does_not_give() -> None:
    rep = analyze(_with_sentence(ROBBERY, "unknown"), today=TODAY)
    assert rep["alternatives"], "a non-conviction disposition still avoids the consequences"
    for alt in rep["alternatives"]:
        assert "sentence" not in alt["change"] or "disposition" in alt["change"], alt["change"]


@pytest.mark.parametrize("sentence", ["unknown", {"custody_days": "unknown"}, {"suspended_custody_days": "unknown", "custody_days": 30},
                                      {"custody_days": "unknown", "probation_days": 365}])
def test_unknown_is_accepted_for_the_whole_sentence_or_its_days(sentence: Any) -> None:
    rep = analyze(_with_sentence(ROBBERY, sentence), alternatives=False, today=TODAY)
    assert rep["findings"]["aggravated_felony"]["result"] == "depends"


@pytest.mark.parametrize("sentence", ["none", {"custody_days": "unknwn"}, 12])
def test_other_words_for_a_sentence_are_errors_naming_the_field(sentence: Any) -> None:
    with pytest.raises(RequestError) as e:
        analyze(_with_sentence(ROBBERY, sentence), today=TODAY)
    assert e.value.field.startswith("sentence")


def test_a_dismissal_without_a_sentence_is_still_no_conviction() -> None:
    """INA 101(a)(48)(A): no plea, no finding of guilt — the sentence is irrelevant."""
    rep = analyze({**ROBBERY, "disposition": "dismissed", "sentence": "unknown"}, today=TODAY)
    assert rep["conviction"] == "no"
    assert all(v["result"] == "no" for k, v in rep["consequences"].items() if k != "mandatory_detention")


def test_the_cli_flag_and_the_readable_report() -> None:
    from typer.testing import CliRunner

    from iiu.cli.main import app

    flags = ["analyze", "-j", "IL", "-o", "720 ILCS 5/18-1", "-d", "guilty_plea", "--disposition-date", "2019-05-01",
             "--sentence-unknown"]
    res = CliRunner().invoke(app, [*flags, "--output-json"])
    assert res.exit_code == 0, res.output
    assert '"sentence_known": false' in res.output
    res = CliRunner().invoke(app, flags, env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "term of imprisonment: not given" in res.output


def test_the_office_policy_applies_to_a_charge_without_its_sentence() -> None:
    """The policy's sentencing caps compare a proposed term; with none proposed they are not guessed at."""
    from iiu.policy.evaluate import evaluate_case

    r = evaluate_case({"jurisdiction": "NY", "charges": [{"offense": "PL 155.30", "disposition_date": "2025-08-01",
                                                          "sentence": "unknown"}]}, "sentencing")
    assert r["directives"]


def test_the_defense_proposal_is_judged_with_the_earlier_sentence_unknown_too() -> None:
    """An earlier robbery without its sentence may be an aggravated felony (INA 101(a)(43)(F), (G)) and
    counts toward INA 212(a)(2)(B)'s five years: the proposal is judged at the longest lawful sentence
    like the report, never with that sentence read as none."""
    prior = {**ROBBERY, "disposition_date": "2015-05-01", "sentence": "unknown"}
    damage = {"jurisdiction": "IL", "offense": "720 ILCS 5/21-1", "disposition": "guilty_plea", "disposition_date": "2020-05-01",
              "sentence": {"custody_days": 0}}
    req = {**damage, "history": [prior], "defense_proposal": {"offense": "720 ILCS 5/21-1", "sentence": {"custody_days": 0}}}
    got = analyze(req, today=TODAY)["defense_proposal"]["report"]["consequences"]
    year = analyze({**req, "history": [{**prior, "sentence": {"custody_days": 365}}]}, today=TODAY)
    harsher = year["defense_proposal"]["report"]["consequences"]
    assert harsher["naturalization_bar"] == "yes"  # an aggravated felony bars good moral character (INA 101(f)(8))
    for k, v in harsher.items():
        assert LEVEL[got[k]] >= LEVEL[v], k


def test_a_yes_for_every_sentence_gives_only_the_grounds_that_need_no_term() -> None:
    """Possession of cocaine with intent to deliver, sentence unknown: deportable whatever the term (INA
    237(a)(2)(B)(i)); the aggravated-felony ground is drug trafficking (INA 101(a)(43)(B)), which needs no
    term either — but no ground that only a long term brings may be given as the reason."""
    base = {"jurisdiction": "IL", "offense": "720 ILCS 570/401", "disposition": "guilty_plea", "disposition_date": "2019-05-01",
            "facts": {"substance": "cocaine"}}
    unknown = analyze({**base, "sentence": "unknown"}, today=TODAY, alternatives=False)
    none = analyze({**base, "sentence": {"custody_days": 0}}, today=TODAY, alternatives=False)
    for k, v in unknown["consequences"].items():
        if v["result"] == "yes" and none["consequences"][k]["result"] == "yes":
            assert set(v["grounds"]) <= set(none["consequences"][k]["grounds"]), k
