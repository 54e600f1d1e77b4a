"""The bundled ``cook-county-sao`` mapping on the real Cook County 2019 exports (issue 6).

Hand-checked rows (line numbers are the file's, header = line 1) follow the portal's columns:
a "Supervision" and a "2nd Chance Probation" sentence and "710/410 Probation" are dispositions
that begin with a plea and end in a dismissal under Illinois law — convictions under INA
101(a)(48)(A) (730 ILCS 5/5-6-3.1, 5/5-6-3.4; 720 ILCS 570/410; Gill v. Ashcroft, 335 F.3d 574
(7th Cir. 2003)); ``8-4(570/402(c))`` is an attempt (720 ILCS 5/8-4) of 720 ILCS 570/402(c).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from iiu.bulk.audit import connect, evaluate_file
from iiu.bulk.transforms import MappingError, cook_disposition, cook_race, cook_sentence, term_days

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cook-county-2019"
TODAY = dt.date(2026, 11, 28)
needs_data = pytest.mark.skipif(not (DATA / "sentencing.csv").is_file(), reason=f"Cook County sample not found at {DATA}")


@pytest.fixture(scope="module")
def sentencing() -> duckdb.DuckDBPyConnection:
    con = connect()
    evaluate_file(con, DATA / "sentencing.csv", mapping="cook-county-sao", today=TODAY, show_progress=False, alternatives=False)
    return con


@needs_data
def test_every_sentencing_row_is_accepted_or_rejected_with_a_reason(sentencing: duckdb.DuckDBPyConnection) -> None:
    con = sentencing
    accepted = con.execute("SELECT count(*) FROM results").fetchone()[0]  # type: ignore[index]
    rejected = con.execute("SELECT count(*) FROM rejected").fetchone()[0]  # type: ignore[index]
    assert accepted + rejected == 2643
    assert accepted >= 0.90 * 2643, (accepted, rejected)
    assert con.execute("SELECT count(*) FROM rejected WHERE coalesce(reason, '') = ''").fetchone()[0] == 0  # type: ignore[index]
    # Principle 5: every rejection names its field (a mapping rejection: the column it is about).
    assert con.execute("SELECT count(*) FROM rejected WHERE coalesce(field, '') = ''").fetchone()[0] == 0  # type: ignore[index]
    assert con.execute("SELECT count(*) FROM rejected WHERE field = 'current_sentence'").fetchone()[0] == 14  # type: ignore[index]
    # 14 rows are sentences a later sentencing replaced.
    assert con.execute("SELECT count(*) FROM rejected WHERE reason LIKE 'not the current sentence%'").fetchone()[0] == 14  # type: ignore[index]
    unknown = con.execute("SELECT reason FROM rejected WHERE field = 'offense'").fetchall()
    assert all("closest entries" in r[0] for r in unknown)
    # Line 1149 writes act 2615 (State Police Radio Act) as the General Assembly's act code "26150": the
    # row resolves to 20 ILCS 2615/12(a) (unauthorized access to a public safety radio system, a Class A
    # misdemeanor) and is accepted and analysed: a conviction (Supervision), no aggravated felony (no
    # term-based category can follow a misdemeanor), no drug or firearm ground, CIMT open.
    assert con.execute("SELECT count(*) FROM rejected WHERE line = 1149").fetchone()[0] == 0  # type: ignore[index]
    line_1149 = con.execute("SELECT offense, subsection, conviction, aggravated_felony, controlled_substance, firearm, cimt "
                            "FROM results WHERE line = 1149").fetchone()
    assert line_1149 == ("20 ILCS 2615/12", "(a)", "yes", "no", "no", "no", "depends")
    # Every sentenced charge is a conviction (a plea or finding of guilt with a sentence).
    assert con.execute("SELECT count(*) FROM results WHERE conviction <> 'yes'").fetchone()[0] == 0  # type: ignore[index]


@needs_data
@pytest.mark.parametrize(
    ("line", "offense", "inchoate", "disposition", "custody", "probation"),
    [
        (47, "720 ILCS 5/24-1", None, "deferred_adjudication", 0, 365),  # Supervision, 1 year
        (85, "720 ILCS 5/12-3", None, "deferred_adjudication", 0, 540),  # Supervision, 18 months
        (66, "720 ILCS 5/16-30", None, "deferred_adjudication", 0, 730),  # 2nd Chance Probation, 24 months
        (149, "720 ILCS 570/402", None, "deferred_adjudication", 0, 730),  # 710/410 Probation, 2 years
        (57, "720 ILCS 570/402", "attempt", "guilty_plea", 7, 0),  # 8-4(570/402(c)), jail 7 days
        (8, "625 ILCS 5/11-501", None, "guilty_plea", 540, 0),  # prison 18 months
        (12, "720 ILCS 5/12-2", None, "guilty_plea", 364, 0),  # jail 364 days
        # 8-4(14A(b)(1)): an attempt of 15 ILCS 335/14A(b)(1) (Identification Card Act, possession of an
        # altered ID card) written without its act; conditional discharge, 1 year
        (627, "15 ILCS 335/14A", "attempt", "guilty_plea", 0, 365),
    ],
)
def test_hand_checked_rows(sentencing: duckdb.DuckDBPyConnection, line: int, offense: str, inchoate: str | None,
                           disposition: str, custody: int, probation: int) -> None:
    row = sentencing.execute("SELECT offense, inchoate, disposition, custody_days, probation_days, conviction FROM results "
                             "WHERE line = ?", [line]).fetchone()
    assert row == (offense, inchoate, disposition, custody, probation, "yes")


@needs_data
def test_boot_camp_without_a_length_in_days_is_audited_for_every_lawful_term(sentencing: duckdb.DuckDBPyConnection) -> None:
    """Eleven boot-camp sentences of "1 Term" and one custody sentence without a length (730 ILCS
    5/5-8-1.1: impact incarceration) give no term of imprisonment in days (INA 101(a)(48)(B)): accepted
    with the sentence unknown, each answer the one for every lawful term or 'depends' on it."""
    rows = sentencing.execute("SELECT line, custody_days, aggravated_felony, deportable FROM results WHERE NOT sentence_known "
                              "ORDER BY line").fetchall()
    assert len(rows) == 12
    assert all(r[1] is None for r in rows)
    # Line 45: 625 ILCS 5/11-501 DUI — no aggravated felony at any term (Leocal v. Ashcroft, 543 U.S. 1 (2004));
    # line 251: 625 ILCS 5/4-103 possession of a stolen vehicle — a theft offense, an aggravated felony only with a
    # term of a year or more (INA 101(a)(43)(G)): it depends on the term the row does not give.
    by_line = {r[0]: r for r in rows}
    assert by_line[45][2] == "no"
    assert by_line[251][2] == "depends"
    # 720 ILCS 550/5 (cannabis manufacture or delivery) is illicit trafficking whatever the term (INA 101(a)(43)(B)).
    assert by_line[2026][2] == "yes"


@needs_data
def test_race_and_ethnicity_are_split(sentencing: duckdb.DuckDBPyConnection) -> None:
    row = sentencing.execute("SELECT race, ethnicity, subsection FROM results WHERE line = 307").fetchone()
    assert row == ("White", "Hispanic or Latino", "(c)")


@needs_data
def test_dispositions_export(tmp_path: Path) -> None:
    con = connect()
    evaluate_file(con, DATA / "dispositions.csv", mapping="cook-county-sao", today=TODAY, show_progress=False, alternatives=False)
    accepted = con.execute("SELECT count(*) FROM results").fetchone()[0]  # type: ignore[index]
    rejected = con.execute("SELECT count(*) FROM rejected").fetchone()[0]  # type: ignore[index]
    assert accepted + rejected == 20234
    kinds = dict(con.execute("SELECT disposition, count(*) FROM results GROUP BY 1").fetchall())
    assert kinds.get("dismissed", 0) > 10_000 and "pre_plea_diversion" in kinds and "acquitted" in kinds
    # The export gives no sentences: a plea or finding of guilty is audited with its sentence unknown — kept,
    # never read as no custody (a term of a year decides INA 101(a)(43)(F), (G)).
    assert con.execute("SELECT count(*) FROM results WHERE sentence_known").fetchone()[0] == 0  # type: ignore[index]
    assert con.execute("SELECT count(*) FROM results WHERE conviction = 'yes'").fetchone()[0] > 4000  # type: ignore[index]
    assert rejected < 400, rejected
    # Line 2: 720 ILCS 5/24-1.5(a) (reckless discharge of a firearm), plea of guilty: deportable under INA
    # 237(a)(2)(C) whatever the sentence; line 34: 625 ILCS 5/11-501(a) (DUI) is no aggravated felony at any
    # term (Leocal v. Ashcroft, 543 U.S. 1 (2004)).
    row = con.execute("SELECT offense, subsection, disposition, deportable FROM results WHERE line = 2").fetchone()
    assert row == ("720 ILCS 5/24-1.5", "(a)", "guilty_plea", "yes")
    assert con.execute("SELECT offense, aggravated_felony FROM results WHERE line = 34").fetchone() == ("625 ILCS 5/11-501", "no")


def test_sentence_units() -> None:
    assert term_days("1", "Year(s)") == 365
    assert term_days("4.5", "Year(s)") == 1642
    assert term_days("12", "Months") == 365  # a year written in months is still a year (INA 101(a)(48)(B))
    assert term_days("6", "Months") == 180  # six months: the petty offense line
    assert term_days("364", "Days") == 364
    assert term_days("100", "Dollars") is None
    assert cook_sentence("Prison", "Illinois Department of Corrections", "54", "Months") == (1620, 0, 0)
    assert cook_sentence("Probation", "Probation", "2", "Year(s)") == (0, 0, 730)
    assert cook_sentence("Supervision", None, None, None) == (0, 0, 0)
    # No length in days (boot camp's "1 Term"; no sentence columns at all): the sentence is unknown, never none.
    assert cook_sentence("Cook County Boot Camp", "Cook County Boot Camp", "1", "Term") == ("unknown", "unknown", None)
    assert cook_sentence("Jail", "Cook County Department of Corrections", None, None) == ("unknown", "unknown", None)
    assert cook_sentence(None, None, None, None) == ("unknown", "unknown", None)
    with pytest.raises(MappingError):
        cook_sentence("Jail", "Cook County Department of Corrections", "-3", "Days")


def test_disposition_texts() -> None:
    assert cook_disposition("Plea Of Guilty", None, "Supervision", "Court Supervision") == ("deferred_adjudication",)
    assert cook_disposition("Plea Of Guilty", None, "2nd Chance Probation", "Probation") == ("deferred_adjudication",)
    assert cook_disposition("Finding Guilty", None, "Prison", "Illinois Department of Corrections") == ("trial_conviction",)
    assert cook_disposition("Nolle Prosecution", "DDPP Graduate", None, None) == ("pre_plea_diversion",)
    assert cook_disposition("Nolle Prosecution", None, None, None) == ("dismissed",)
    assert cook_disposition("FNG", None, None, None) == ("acquitted",)
    assert cook_disposition("BFW", None, None, None) == ("charged",)
    assert cook_disposition("Plea Of Guilty", None, None, None) == ("guilty_plea",)  # the dispositions export
    with pytest.raises(MappingError):
        cook_disposition("Something Else", None, None, None)
    assert cook_race("White [Hispanic or Latino]") == ("White", "Hispanic or Latino")
    assert cook_race("HISPANIC") == (None, "Hispanic or Latino")


@pytest.mark.parametrize(("text", "sentence_type", "kind"), [
    # Texts of the portal's full history that the 2019 sample does not hold.
    ("Verdict Guilty - Amended Charge", "Prison", "trial_conviction"),
    ("Verdict Guilty But Mentally Ill", "Prison", "trial_conviction"),
    ("Plea of Guilty But Mentally Ill", "Probation", "guilty_plea"),
    ("PLEA OF GUILTY - LESSER INCLUDED", "2nd Chance Probation", "deferred_adjudication"),
    ("Nolle On Remand", None, "dismissed"),
    ("Finding Not Not Guilty", None, "charged"),  # a discharge hearing (725 ILCS 5/104-25), not a conviction
    ("Hold Pending Interlocutory", None, "charged"),
    ("Sexually Dangerous Person", None, "charged"),  # civil (725 ILCS 205), no criminal conviction
])
def test_unseen_disposition_texts_are_read_by_their_wording(text: str, sentence_type: str | None, kind: str) -> None:
    assert cook_disposition(text, None, sentence_type, None) == (kind,)


def test_unseen_disposition_text_without_a_known_wording_is_rejected() -> None:
    with pytest.raises(MappingError, match="unknown disposition 'Withdrawn'"):
        cook_disposition("Withdrawn", None, None, None)
    with pytest.raises(MappingError, match="not a final disposition"):
        cook_disposition("Charge Reduced - Amended", None, None, None)


def test_an_unknown_sentence_type_is_never_read_as_probation() -> None:
    """A term read as probation when it was custody would hide a term of imprisonment of a year or
    more (INA 101(a)(48)(B), 101(a)(43)(F)/(G)): a false 'no'. Custody is recognised by its wording;
    a type known to be neither leaves the term of imprisonment unknown, so the row is kept and
    answered for every lawful sentence (iiu.engine.unknown_sentence) instead of being lost."""
    assert cook_sentence("Periodic Imprisonment", None, "6", "Months") == (180, 0, 0)
    assert cook_sentence("Jail", "Cook County Jail - Electronic Monitoring", "2", "Year(s)") == (730, 0, 0)
    assert cook_sentence("Prison", "IDOC", "3", "Year(s)") == (1095, 0, 0)
    assert cook_sentence("Probation", "Mental Health Probation", "18", "Months") == (0, 0, 540)
    assert cook_sentence("Inpatient Mental Health Services", None, "1", "Year(s)") == ("unknown", "unknown", None)
    assert cook_sentence("Conversion", None, "30", "Days") == ("unknown", "unknown", None)
    # A custody type whose length is written in dollars is a keying error, not a fine: never read as no custody.
    assert cook_sentence("Prison", "Illinois Department of Corrections", "500", "Dollars") == ("unknown", "unknown", None)
    assert cook_sentence("Conditional Discharge", None, "500", "Dollars") == (0, 0, 0)  # a fine
    assert cook_sentence("Probation", "Conversion", "30", "Days") == ("unknown", "unknown", None)


@needs_data
def test_a_row_with_an_unknown_sentence_type_is_audited_for_every_lawful_term(tmp_path: Path) -> None:
    """A real sentencing row (line 251, 625 ILCS 5/4-103 possession of a stolen vehicle, a theft
    offense: an aggravated felony with a term of a year or more, INA 101(a)(43)(G)) with its sentence
    type replaced by one the mapping does not know is kept, its sentence unknown, and its
    aggravated-felony answer depends on the term; never 'no'."""
    lines = (DATA / "sentencing.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = next(csv.reader([lines[250]]))
    row[header.index("sentence_type")] = "Inpatient Mental Health Services"
    row[header.index("commitment_type")] = ""
    row[header.index("commitment_term")] = "1"
    row[header.index("commitment_unit")] = "Year(s)"
    src = tmp_path / "one.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow(row)
    con = connect()
    evaluate_file(con, src, mapping="cook-county-sao", today=TODAY, show_progress=False, alternatives=False)
    got = con.execute("SELECT offense, sentence_known, custody_days, aggravated_felony FROM results").fetchall()
    assert got == [("625 ILCS 5/4-103", False, None, "depends")]
    assert con.execute("SELECT count(*) FROM rejected").fetchone() == (0,)


def test_a_charge_with_two_current_sentences_is_analysed_at_the_longest_term(cook_two_sentences: Path) -> None:
    """Retail theft is a theft offense; with a term of imprisonment of a year or more it is an
    aggravated felony (INA 101(a)(43)(G); a term is the one ordered, 101(a)(48)(B)). Keeping the
    probation row because it comes first would answer 'no' for a charge sentenced to 16 months: a
    false 'safe'. The prison row is analysed and the probation row is rejected, naming it."""
    con = connect()
    evaluate_file(con, cook_two_sentences, mapping="cook-county-sao", today=TODAY, show_progress=False,
                  alternatives=False)
    kept = con.execute("SELECT line, custody_days, aggravated_felony FROM results ORDER BY line").fetchall()
    assert kept == [(3, 480, "yes"), (4, 0, "no")]
    rejected = con.execute("SELECT line, field, reason FROM rejected").fetchall()
    assert rejected == [(2, "record_id", "duplicate record_id (line 3 of the same record is kept: the longest term of imprisonment)")]


def test_without_the_longest_term_rule_the_first_row_of_a_record_is_kept(tmp_path: Path, cook_two_sentences: Path) -> None:
    """The §5.3 format's own rule is unchanged: a repeated record id is an input error, the first row
    that passes the row checks is kept (a bad row never costs a valid one)."""
    from iiu.bulk.audit import prepare
    from iiu.bulk.mapping import DUPLICATE_RULES, load_mapping

    assert load_mapping("cook-county-sao").duplicates == "longest_term"
    assert DUPLICATE_RULES[0] == "first"
    mapping = tmp_path / "first.yaml"
    text = (Path(__file__).resolve().parents[1] / "src/iiu/bulk/mappings/cook-county-sao.yaml").read_text(encoding="utf-8")
    mapping.write_text(text.replace("duplicates: longest_term", "duplicates: first"), encoding="utf-8")
    con = connect()
    loaded = prepare(con, cook_two_sentences, str(mapping))
    from iiu.bulk.audit import evaluate_rec

    evaluate_rec(con, today=TODAY, show_progress=False, alternatives=False, reader_rejects=loaded.rejects)
    assert con.execute("SELECT line, reason FROM rejected").fetchall() == [(3, "duplicate record_id (first at line 2)")]


def test_an_unknown_duplicates_rule_is_an_error_naming_it(tmp_path: Path) -> None:
    from iiu.bulk.load import InputError
    from iiu.bulk.mapping import load_mapping

    bad = tmp_path / "bad.yaml"
    text = (Path(__file__).resolve().parents[1] / "src/iiu/bulk/mappings/cook-county-sao.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("duplicates: longest_term", "duplicates: last"), encoding="utf-8")
    with pytest.raises(InputError, match="duplicates must be one of first, longest_term, got 'last'"):
        load_mapping(str(bad))


@needs_data
def test_the_sample_charge_sentenced_to_probation_then_prison_is_analysed_at_its_prison_term(
        sentencing: duckdb.DuckDBPyConnection) -> None:
    """Lines 1023-1025 of the 2019 sample are one retail-theft charge (720 ILCS 5/16-25) with three
    current sentences: 2nd Chance Probation (two rows) and 16 months in the Department of
    Corrections. It is analysed at 480 days: an aggravated felony (INA 101(a)(43)(G))."""
    assert sentencing.execute("SELECT offense, custody_days, aggravated_felony FROM results WHERE line = 1024").fetchone() == (
        "720 ILCS 5/16-25", 480, "yes")
    assert [r[0] for r in sentencing.execute("SELECT line FROM rejected WHERE line BETWEEN 1023 AND 1025 ORDER BY line").fetchall()] == [
        1023, 1025]
