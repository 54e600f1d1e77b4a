"""Unit tests of the law layer's building blocks, each naming the rule it implements."""

from __future__ import annotations

import datetime as dt

import pytest

from iiu.law.federal import parameters as P
from iiu.law.federal.categorical import RecordFacts, resolve_match
from iiu.law.schema import Match, normalize_subsection
from iiu.law.tri import all_of, any_of, negate

ON = dt.date(2024, 6, 1)


@pytest.mark.parametrize("given, canonical", [("c", "(c)"), ("(c)", "(c)"), ("(C)", "(c)"), ("(a)(1)", "(a)(1)"),
                                              ("a1", "(a)(1)"), ("a(1)", "(a)(1)"), (" (b) ", "(b)"), ("1", "(1)"),
                                              ("(a-7)", "(a-7)"), ("(A-5)(1)", "(a-5)(1)"), ("(4-a)", "(4-a)"),
                                              ("(a)(3.5)", "(a)(3.5)"), ("(b)(4.1)", "(b)(4.1)"), ("(7.5)(A)(ii)", "(7.5)(a)(ii)")])
def test_subsections_are_accepted_in_every_form_design_5_1(given: str, canonical: str) -> None:
    assert normalize_subsection(given) == canonical


def test_three_valued_logic_never_turns_depends_into_no() -> None:
    assert any_of(["no", "depends"]) == "depends"
    assert all_of(["yes", "depends"]) == "depends"
    assert all_of(["no", "depends"]) == "no"
    assert negate("depends") == "depends"


def test_iirira_lowered_the_theft_term_from_five_years_to_one() -> None:
    """8 U.S.C. 1101(a)(43)(G); IIRIRA sec. 321 (1996-09-30)."""
    assert P.value("aggravated_felony.term_of_imprisonment_days", dt.date(1995, 1, 1)) == 1825
    assert P.value("aggravated_felony.term_of_imprisonment_days", dt.date(1997, 1, 1)) == 365


def test_fraud_loss_threshold_history() -> None:
    """8 U.S.C. 1101(a)(43)(M)(i): $200,000 before IIRIRA, $10,000 after."""
    assert P.value("aggravated_felony.fraud_loss_usd", dt.date(1995, 6, 1)) == 200000
    assert P.value("aggravated_felony.fraud_loss_usd", ON) == 10000


def test_laken_riley_act_is_dated() -> None:
    """Pub. L. 119-1, signed 2025-01-29."""
    assert P.value("detention.laken_riley_from", dt.date(2025, 1, 28)) is None
    assert P.value("detention.laken_riley_from", dt.date(2025, 1, 29)) is True


def test_every_parameter_has_sources_and_ordered_periods() -> None:
    for p in P.all_parameters().values():
        assert p.sources, p.name
        for a, b in zip(p.periods, p.periods[1:], strict=False):
            assert a.effective_to is not None and a.effective_to < b.effective_from, p.name


DIVISIBLE = Match.model_validate({
    "result": "depends",
    "sources": ["Descamps v. United States, 570 U.S. 254 (2013)"],
    "by_subsection": {"(1)": "yes", "(2)": {"result": "no", "sources": ["Borden v. United States, 593 U.S. 420 (2021)"]}},
})


def test_a_divisible_statute_with_a_silent_record_depends_on_the_subsection() -> None:
    """Descamps; Mathis: the modified categorical approach looks to the record of conviction."""
    a = resolve_match(DIVISIBLE, RecordFacts(ON))
    assert a.result == "depends" and "subsection" in a.depends_on


def test_the_record_picks_the_part_of_a_divisible_statute() -> None:
    assert resolve_match(DIVISIBLE, RecordFacts(ON, subsection="(1)")).result == "yes"
    two = resolve_match(DIVISIBLE, RecordFacts(ON, subsection="(2)"))
    assert two.result == "no" and "Borden" in two.sources[0]
    # A narrower part named in the record falls within the broader part the table names.
    assert resolve_match(DIVISIBLE, RecordFacts(ON, subsection="(1)(a)")).result == "yes"


def test_an_unknown_part_of_a_divisible_statute_is_not_treated_as_safe() -> None:
    assert resolve_match(DIVISIBLE, RecordFacts(ON, subsection="(9)")).result == "depends"


SUBSTANCE = Match.model_validate({
    "result": "depends", "sources": ["Mellouli v. Lynch, 575 U.S. 798 (2015)"],
    "by_substance": {"federally_controlled": "yes", "not_federally_controlled": "no"},
})


@pytest.mark.parametrize("substance, want", [(None, "depends"), ("heroin", "yes"), ("cocaine", "yes"),
                                             ("chorionic_gonadotropin", "no"), ("some_new_drug", "depends")])
def test_a_controlled_substance_must_be_tied_to_the_federal_schedules(substance: str | None, want: str) -> None:
    """Mellouli v. Lynch; 21 U.S.C. 802(6): an unknown substance never resolves to 'no'."""
    assert resolve_match(SUBSTANCE, RecordFacts(ON, substance=substance)).result == want


def test_dated_match_periods_follow_the_conviction_date() -> None:
    """Matter of Diaz-Lizarraga (2016-11-16) and Matter of Thakker (2024): the theft-CIMT standard by conviction date."""
    m = Match.model_validate({"sources": ["Matter of Diaz-Lizarraga, 26 I&N Dec. 847 (BIA 2016)"], "periods": [
        {"effective_to": "2016-11-15", "result": "depends", "depends_on": ["intent to deprive permanently"],
         "sources": ["Matter of Thakker, 28 I&N Dec. 843 (BIA 2024)"]},
        {"effective_from": "2016-11-16", "result": "yes"}]})
    assert resolve_match(m, RecordFacts(dt.date(2015, 1, 1))).result == "depends"
    assert resolve_match(m, RecordFacts(dt.date(2017, 1, 1))).result == "yes"


def test_a_broader_part_named_in_the_record_keeps_unlisted_narrower_parts_open() -> None:
    """Descamps: only what the record establishes narrows the statute; "(a)" leaves every (a)(n) possible."""
    m = Match.model_validate({"result": "depends", "sources": ["INA 237(a)(2)(C)"],
                              "by_subsection": {"(a)(1)": "no", "_other": {"result": "depends", "depends_on": ["weapon"]}}})
    assert resolve_match(m, RecordFacts(ON, subsection="(a)")).result == "depends"
    assert resolve_match(m, RecordFacts(ON, subsection="(a)(1)")).result == "no"


def test_a_match_can_turn_on_the_level_of_a_wobbler() -> None:
    """Cal. Penal Code 17(b): a wobbler is a felony or a misdemeanor by the court's judgment; (43)(E) analogues
    of 18 U.S.C. 922(g) are felonies."""
    m = Match.model_validate({"result": "depends", "sources": ["8 U.S.C. 1101(a)(43)(E)"],
                              "by_offense_level": {"felony": {"result": "depends", "depends_on": ["prong"]}, "misdemeanor": "no"}})
    assert resolve_match(m, RecordFacts(ON, offense_level="misdemeanor")).result == "no"
    assert resolve_match(m, RecordFacts(ON)).result == "depends"


def test_catalog_check_reports_a_safer_alternative_that_is_not_in_the_catalog() -> None:
    """docs/catalog-format.md: safer alternatives must name entries of the same catalog."""
    from iiu.law.catalog import _semantic_checks, get_catalog

    cat = get_catalog("NY")
    off = cat.offenses[0]
    bad = off.model_copy(update={"safer_alternatives": (
        off.safer_alternatives[0].model_copy(update={"citation": "PL 999.99"}),)}) if off.safer_alternatives else None
    if bad is None:
        bad = next(o for o in cat.offenses if o.safer_alternatives)
        bad = bad.model_copy(update={"safer_alternatives": (bad.safer_alternatives[0].model_copy(update={"citation": "PL 999.99"}),)})
    problems = _semantic_checks(cat.jurisdiction, [bad, *[o for o in cat.offenses if o.citation != bad.citation]])
    assert any("PL 999.99" in p for p in problems)
    assert not _semantic_checks(cat.jurisdiction, list(cat.offenses))


def test_invalid_catalog_entry_is_reported_with_its_file_and_line(tmp_path, monkeypatch):
    """Entries are read with the fast loader; a bad one still names its file and 1-based line."""
    import shutil

    from iiu.law import catalog as C

    root = tmp_path / "catalogs"
    shutil.copytree(C._catalog_root().joinpath("KS"), root / "KS")
    (root / "KS" / "offenses_bad.yaml").write_text(
        "# a comment\n- citation: K.S.A. 1-1\n  not_a_field: 1\n", encoding="utf-8")
    monkeypatch.setattr(C, "_catalog_root", lambda: root)
    _jur, offenses, errors = C.load_catalog_files("KS")
    assert offenses, "the valid entries are kept"
    assert any(e.startswith("KS/offenses_bad.yaml:2: K.S.A. 1-1:") for e in errors), errors


def test_an_inserted_illinois_subsection_does_not_take_the_answer_of_the_one_before_it() -> None:
    """720 ILCS 5/31-1(a-7), resisting a peace officer so as to cause injury, is its own subsection
    (inserted after (a)), not (a)(7): it must not inherit (a)'s CIMT "no" (Matter of Danesh,
    19 I&N Dec. 669 (BIA 1988), turns on injury to the officer)."""
    from iiu import analyze

    req = {"jurisdiction": "IL", "offense": "720 ILCS 5/31-1", "disposition": "guilty_plea",
           "disposition_date": "2019-05-01", "sentence": {"custody_days": 30}}
    plain = analyze({**req, "subsection": "(a)"}, today=ON, alternatives=False)
    injury = analyze({**req, "subsection": "(a-7)"}, today=ON, alternatives=False)
    assert plain["findings"]["cimt"]["result"] == "no"
    assert injury["offense"]["subsection"] == "(a-7)"
    assert injury["findings"]["cimt"]["result"] != "no"


@pytest.mark.parametrize(("offense", "disposition", "want"), [
    ("720 ILCS 570/402", "dismissed", "no"),     # possession: (43)(B) only as a federal felony, no trafficking conduct
    ("720 ILCS 570/401", "dismissed", "depends"),  # delivery: a charge alone can give reason to believe
])
def test_reason_to_believe_reads_the_trafficking_conduct_not_the_43b_answer(offense: str, disposition: str, want: str) -> None:
    """INA 212(a)(2)(C) needs no conviction, only reason to believe the person trafficked. A possession
    offense whose (43)(B) answer is 'depends' (recidivist or flunitrazepam possession is a federal felony:
    Carachuri-Rosendo v. Holder, 560 U.S. 563 (2010); 21 U.S.C. 844(a)) sets trafficking_conduct 'no', so a
    dismissed possession charge is no ground; a delivery charge still is one that depends on the evidence."""
    from iiu import analyze

    got = analyze({"jurisdiction": "IL", "offense": offense, "subsection": "(c)" if offense.endswith("402") else "(a)",
                   "disposition": disposition, "disposition_date": "2019-06-01"}, alternatives=False)
    assert got["consequences"]["inadmissible"]["result"] == want


def test_a_decimal_paragraph_is_not_read_as_a_part_of_the_one_before_it() -> None:
    """720 ILCS 5/26-1(a)(3.5) (a threat against a school, a crime of violence question under 18 U.S.C. 16(a)) was
    inserted after (a)(3) (a false bomb report): a record of (a)(3.5) takes (a)(3.5)'s answer, not (a)(3)'s."""
    from iiu import analyze

    def cov(sub: str) -> str:
        req = {"jurisdiction": "IL", "offense": "720 ILCS 5/26-1", "subsection": sub, "disposition": "guilty_plea",
               "disposition_date": "2021-06-01", "sentence": {"custody_days": 30}}
        result: str = analyze(req, alternatives=False)["findings"]["crime_of_violence"]["result"]
        return result

    assert cov("(a)(3.5)") == "depends"
    assert cov("(a)(3)") == "no"


def test_an_attempt_class_without_a_maximum_is_a_catalog_error() -> None:
    """An attempt's class (720 ILCS 5/8-4(c): an attempted Class 3 felony is a Class A misdemeanor) must be one
    of the jurisdiction's dated classes, or the attempt's sentence could not be checked."""
    import pytest

    from iiu.law.catalog import get_catalog
    from iiu.law.schema import Jurisdiction

    il = get_catalog("IL").jurisdiction
    assert il.attempt_classes["Class 3 felony"] == "Class A misdemeanor"
    with pytest.raises(ValueError, match="attempt_classes names classes not in classes: Class Z"):
        Jurisdiction.model_validate({**il.model_dump(), "attempt_classes": {"Class 3 felony": "Class Z"}})
