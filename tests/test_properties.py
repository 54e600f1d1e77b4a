"""Properties every analysis must have, checked on generated requests (hypothesis).

- More custody never removes a consequence (INA 101(a)(48)(B): thresholds only ever count up).
- An added earlier conviction never removes a consequence (INA 237(a)(2)(A)(ii), 212(a)(2)(B), counts).
- A non-conviction never yields a conviction-based consequence (INA 101(a)(48)(A)); deportability only
  under 237(a)(2)(E)(ii), which needs a court's determination, not a conviction; LPR cancellation only
  through the stop-time rule, which reads an offense committed (240A(d)(1)(B)).
- ``depends`` always names what it depends on; every answer cites a source.
- The same request always gives the same report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iiu import analyze
from iiu.engine.errors import RequestError
from iiu.engine.sentence import possible_sentence
from iiu.law.catalog import available_jurisdictions, get_catalog

LEVEL = {"no": 0, "depends": 1, "yes": 2}
# Keys where "yes" is harmful. The petty offense exception is the one finding where "yes" helps.
HARM_FINDINGS = ("aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence")
CONVICTIONS = ("guilty_plea", "nolo_contendere_plea", "alford_plea", "trial_conviction", "deferred_adjudication", "vacated_other")
NON_CONVICTIONS = ("pre_plea_diversion", "acd", "dismissed", "acquitted", "declined", "juvenile_adjudication", "vacated_legal_defect", "charged")

ENTRIES = [(code, off) for code in available_jurisdictions() for off in get_catalog(code).offenses]
SUBSTANCES = [None, "cocaine", "heroin", "marijuana", "methamphetamine", "chorionic gonadotropin", "fentanyl"]
RELATIONSHIPS = [None, "spouse", "stranger", "dating", "acquaintance"]
WEAPONS = [None, "firearm", "knife"]


@st.composite
def requests(draw: Any, dispositions: tuple[str, ...] = CONVICTIONS) -> dict[str, Any]:
    code, off = draw(st.sampled_from(ENTRIES))
    start = max(off.effective_from, dt.date(1990, 1, 1))
    end = off.effective_to or dt.date(2026, 6, 30)
    assume(start <= end)
    span = (end - start).days
    day = start + dt.timedelta(days=draw(st.integers(0, max(span, 0))))
    jur = get_catalog(code).jurisdiction
    ps = possible_sentence(jur, off, day, None, None)
    cap = 3000 if ps.max_days is None else ps.max_days
    custody = draw(st.integers(0, cap))
    suspended = draw(st.integers(0, cap - custody))
    subs = [None, *off.subsections.keys()]
    req: dict[str, Any] = {
        "jurisdiction": code,
        "offense": off.citation,
        "subsection": draw(st.sampled_from(subs)),
        "disposition": draw(st.sampled_from(dispositions)),
        "disposition_date": day.isoformat(),
        "offense_date": (day - dt.timedelta(days=draw(st.integers(0, 200)))).isoformat() if draw(st.booleans()) else None,
        "sentence": {"custody_days": custody, "suspended_custody_days": suspended, "probation_days": draw(st.integers(0, 1000))},
        "facts": {
            "loss_usd": draw(st.sampled_from([None, 500, 9_999, 10_001, 50_000])),
            "substance": draw(st.sampled_from(SUBSTANCES)),
            "marijuana_grams": draw(st.sampled_from([None, 10, 30, 31, 200])),
            "victim_relationship": draw(st.sampled_from(RELATIONSHIPS)),
            "weapon": draw(st.sampled_from(WEAPONS)),
        },
        "person": {"admission_date": draw(st.sampled_from([None, "2000-01-01", "2015-06-01", "2022-01-01"]))},
    }
    if off.wobbler:
        req["offense_level"] = draw(st.sampled_from([None, "felony", "misdemeanor"]))
    return req


def _run(req: dict[str, Any]) -> dict[str, Any]:
    try:
        return analyze(req, alternatives=False, trace=False, today=dt.date(2026, 11, 28))
    except RequestError:
        assume(False)
        raise


def _harm(report: dict[str, Any]) -> dict[str, int]:
    out = {f"findings.{k}": LEVEL[report["findings"][k]["result"]] for k in HARM_FINDINGS}
    out.update({f"consequences.{k}": LEVEL[v["result"]] for k, v in report["consequences"].items()})
    out["conviction"] = LEVEL[report["conviction"]]
    return out


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(requests(), st.integers(1, 800))
def test_more_custody_never_removes_a_consequence(req: dict[str, Any], extra: int) -> None:
    base = _run(req)
    more = {**req, "sentence": {**req["sentence"], "custody_days": req["sentence"]["custody_days"] + extra}}
    try:
        longer = analyze(more, alternatives=False, trace=False, today=dt.date(2026, 11, 28))
    except RequestError as e:
        assert e.field.startswith("sentence"), e.message  # only the statutory maximum may refuse it
        return
    h0, h1 = _harm(base), _harm(longer)
    worse = [k for k in h0 if h1[k] < h0[k]]
    assert not worse, f"more custody removed {worse}"


@SETTINGS
@given(requests(), requests())
def test_an_added_prior_never_removes_a_consequence(req: dict[str, Any], prior: dict[str, Any]) -> None:
    prior = {**prior, "jurisdiction": prior["jurisdiction"]}
    assume(prior["disposition_date"] <= req["disposition_date"])
    base = _run(req)
    with_prior = _run({**req, "history": [prior]})
    h0, h1 = _harm(base), _harm(with_prior)
    worse = [k for k in h0 if h1[k] < h0[k]]
    assert not worse, f"an added prior removed {worse}"


@SETTINGS
@given(requests(dispositions=NON_CONVICTIONS))
def test_a_non_conviction_never_yields_a_conviction_based_consequence(req: dict[str, Any]) -> None:
    rep = _run(req)
    # A state may define a "diversion" that requires a stipulation of facts (an admission): then the
    # catalog says the kind is, or may be, a conviction there. The property is about non-convictions.
    assume(rep["conviction"] == "no")
    for k in HARM_FINDINGS:
        assert rep["findings"][k]["result"] == "no", k
    for k in ("asylum_bar", "daca_bar"):
        assert rep["consequences"][k]["result"] == "no", k
    # Good moral character (101(f)(3)) reaches the 212(a)(2)(D) class without a conviction and the (C) class on an
    # admission: only those may leave naturalization and non-LPR cancellation open, and never 'yes'.
    conduct = {"INA 101(f)(3): INA 212(a)(2)(D) prostitution", "INA 101(f)(3): INA 212(a)(2)(C) controlled substance trafficker"}
    for k in ("non_lpr_cancellation_bar", "naturalization_bar"):
        got = rep["consequences"][k]
        assert got["result"] == "no" or (got["result"] == "depends" and set(got["grounds"]) <= conduct), (k, got)
    # LPR cancellation: the stop-time rule reads an offense *committed* (INA 240A(d)(1)(B)), so the conduct
    # grounds 212(a)(2)(C)/(D) leave it open without a conviction; the aggravated-felony bar never applies.
    lpr = rep["consequences"]["lpr_cancellation_bar"]
    if lpr["result"] != "no":
        assert lpr["result"] == "depends" and lpr["grounds"] == ["INA 240A(d)(1)(B) stop-time"], lpr
        assert any("212(a)(2)(B), (C) or (D)" in d for d in lpr["depends_on"]), lpr["depends_on"]
    # TPS requires admissibility (INA 244(c)(1)(A)(iii), (c)(2)(A)(iii)): only the conduct grounds 212(a)(2)(C)
    # and (D) can reach it without a conviction.
    for g in rep["consequences"]["tps_bar"]["grounds"]:
        assert "212(a)(2)(C)" in g or "212(a)(2)(D)" in g, g
    # Deportability needs a conviction except under 237(a)(2)(E)(ii): a court's determination that the person
    # violated a protection order suffices (Matter of Obshatko, 27 I&N Dec. 173 (BIA 2017)).
    dep = rep["consequences"]["deportable"]
    if dep["result"] != "no":
        assert any("237(a)(2)(E)(ii)" in g for g in dep["grounds"]), dep["grounds"]
        for g in dep["grounds"]:
            assert "237(a)(2)(E)" in g, g
    # What remains possible without a conviction: 212(a)(2)(C)/(D) reason to believe and conduct, 236(c)(1)(E).
    for g in rep["consequences"]["inadmissible"]["grounds"]:
        assert "212(a)(2)(C)" in g or "212(a)(2)(D)" in g, g
    for g in rep["consequences"]["mandatory_detention"]["grounds"]:
        assert "236(c)(1)(E)" in g or "236(c)(1)(A)" in g, g


def _walk_answers(node: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(node, dict):
        if "result" in node and "depends_on" in node:
            out.append(node)
        for v in node.values():
            out.extend(_walk_answers(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_walk_answers(v))
    return out


@SETTINGS
@given(requests(dispositions=CONVICTIONS + NON_CONVICTIONS))
def test_depends_always_names_what_it_depends_on_and_every_answer_is_sourced(req: dict[str, Any]) -> None:
    rep = _run(req)
    for a in _walk_answers(rep):
        assert a["result"] in ("yes", "no", "depends")
        if a["result"] == "depends":
            assert a["depends_on"], a
        assert a["sources"], a


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(requests(dispositions=CONVICTIONS + NON_CONVICTIONS))
def test_the_same_request_always_gives_the_same_report(req: dict[str, Any]) -> None:
    a = _run(req)
    b = analyze(req, alternatives=True, trace=True, today=dt.date(2026, 11, 28))
    c = analyze(req, alternatives=True, trace=True, today=dt.date(2026, 11, 28))
    assert b == c
    assert a["findings"] == {k: {kk: vv for kk, vv in v.items() if kk != "trace"} for k, v in b["findings"].items()}


def test_catalog_is_not_empty() -> None:
    assert len(ENTRIES) > 50
    pytest.importorskip("hypothesis")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=True) | st.text(max_size=12)
    | st.sampled_from(["NY", "CA", "PL 155.25", "guilty_plea", "2024-06-01", "2024-02-30", "(a)(1)", "cocaine"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
KEYS = ["jurisdiction", "offense", "subsection", "inchoate", "disposition", "disposition_date", "offense_date", "sentence",
        "facts", "history", "person", "defense_proposal", "as_of", "offense_level"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8), requests(dispositions=CONVICTIONS + NON_CONVICTIONS))
def test_bad_input_is_a_request_error_naming_a_field_never_a_crash(junk: dict[str, Any], base: dict[str, Any]) -> None:
    """Principle 5: bad input gets a clear error naming the field."""
    for candidate in (junk, {**base, **junk}):
        try:
            analyze(candidate, today=dt.date(2026, 11, 28))
        except RequestError as e:
            assert e.field and e.message
