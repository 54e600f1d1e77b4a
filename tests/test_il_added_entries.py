"""Illinois entries added for Cook County rows the catalog did not know: each answers as its
source says, and in force on its effective date only (an offense before it is an error)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iiu import analyze
from iiu.engine.errors import RequestError
from iiu.engine.request import parse_request
from iiu.law.catalog import resolve

TODAY = dt.date(2026, 11, 28)

# (citation, subsection, finding, expected result, the source the answer must cite)
CASES = [
    ("625 ILCS 5/6-101", None, "cimt", "no", "Matter of Lopez-Meza, 22 I&N Dec. 1188"),
    ("625 ILCS 5/3-707", "(a)", "crime_of_violence", "no", "Leocal v. Ashcroft, 543 U.S. 1"),
    ("325 ILCS 5/4", None, "cimt", "depends", "Matter of Robles-Urrea, 24 I&N Dec. 22"),
    ("740 ILCS 22/219", None, "cimt", "depends", "Matter of Silva-Trevino, 26 I&N Dec. 826"),
    ("720 ILCS 5/12-3.5", None, "crime_of_violence", "depends", "Johnson v. United States, 559 U.S. 133"),
    ("720 ILCS 5/16-3", None, "cimt", "depends", "Matter of Diaz-Lizarraga, 26 I&N Dec. 847"),
    ("720 ILCS 5/26-1.1", None, "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("720 ILCS 5/17-50", None, "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("305 ILCS 5/8A-3", "(a)", "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("15 ILCS 335/14", None, "cimt", "depends", "Matter of Serna, 20 I&N Dec. 579"),
    ("720 ILCS 5/21-9", "(a)", "cimt", "no", "720 ILCS 5/21-9(a)"),
    ("720 ILCS 5/31A-1.2", None, "controlled_substance", "depends", "Mellouli v. Lynch, 575 U.S. 798"),
    ("720 ILCS 5/24-3A", None, "firearm", "depends", "18 U.S.C. 921(a)(3), (a)(16)"),
    ("720 ILCS 5/9-3.5", None, "cimt", "depends", "Matter of Silva-Trevino, 26 I&N Dec. 826"),
    ("720 ILCS 5/12C-30", None, "crime_of_violence", "depends", "United States v. Taylor, 596 U.S. 845"),
    ("720 ILCS 5/10-5.1", None, "cimt", "depends", "Matter of Silva-Trevino, 26 I&N Dec. 826"),
    ("720 ILCS 5/21-6", "(a-5)", "firearm", "no", "18 U.S.C. 921(a)(3)"),
    ("720 ILCS 5/21-6", "(a-5)", "cimt", "no", "Matter of Granados, 16 I&N Dec. 726"),
    # Cook County 2019 citations added later: card, public aid and insurance fraud, airport trespass, counterfeit
    # trademarks, securities and income tax fraud, animal torture, leaving the scene, methamphetamine materials and
    # precursors, syringes, arsonist registration.
    ("720 ILCS 5/17-37", None, "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("720 ILCS 5/17-37", None, "aggravated_felony", "depends", "Nijhawan v. Holder, 557 U.S. 29"),
    ("720 ILCS 5/17-9", "(b)(i)", "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("720 ILCS 5/17-10.5", "(b)(1)", "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("720 ILCS 5/17-10.5", "(a)(1)", "aggravated_felony", "depends", "Nijhawan v. Holder, 557 U.S. 29"),
    ("720 ILCS 5/21-7", "(a)(1)", "cimt", "no", "720 ILCS 5/21-7(a)(1)"),
    ("720 ILCS 5/21-7", "(a)(2)", "cimt", "depends", "Jordan v. De George, 341 U.S. 223"),
    ("720 ILCS 5/21-7", "(b)", "firearm", "depends", "18 U.S.C. 921(a)(3), (a)(16)"),
    ("765 ILCS 1040/2", None, "cimt", "yes", "Matter of Kochlani, 24 I&N Dec. 128"),
    ("765 ILCS 1040/2", None, "aggravated_felony", "depends", "Nijhawan v. Holder, 557 U.S. 29"),
    ("815 ILCS 5/12", "(I)", "cimt", "yes", "Jordan v. De George, 341 U.S. 223"),
    ("815 ILCS 5/12", "(J)", "cimt", "depends", "Matter of Silva-Trevino, 26 I&N Dec. 826"),
    ("35 ILCS 5/1301", None, "cimt", "depends", "Kawashima v. Holder, 565 U.S. 478"),
    ("35 ILCS 5/1301", None, "aggravated_felony", "depends", "Kawashima v. Holder, 565 U.S. 478"),
    ("510 ILCS 70/3.03", "(a)", "cimt", "yes", "Matter of Ortega-Lopez, 27 I&N Dec. 382"),
    ("625 ILCS 5/11-402", "(a)", "cimt", "depends", "Cerezo v. Mukasey, 512 F.3d 1163"),
    ("625 ILCS 5/11-403", None, "cimt", "depends", "Cerezo v. Mukasey, 512 F.3d 1163"),
    ("625 ILCS 5/11-403", None, "laken_riley", "depends", "INA 236(c)(1)(E)"),
    ("720 ILCS 646/30", "(a)", "controlled_substance", "depends", "Mellouli v. Lynch, 575 U.S. 798"),
    ("720 ILCS 646/30", "(a)", "aggravated_felony", "depends", "21 U.S.C. 843(a)(6)"),
    ("720 ILCS 646/20", "(a)(1)", "controlled_substance", "depends", "21 U.S.C. 802(6), (34)"),
    ("720 ILCS 646/20", "(a)(1)", "aggravated_felony", "depends", "21 U.S.C. 841(c)(1)"),
    ("720 ILCS 635/1", None, "controlled_substance", "depends", "Matter of Martinez Espinoza, 25 I&N Dec. 118"),
    ("730 ILCS 148/10", "(a)", "cimt", "depends", "Matter of Tobar-Lobo, 24 I&N Dec. 143"),
]


@pytest.mark.parametrize(("citation", "subsection", "finding", "expected", "source"), CASES)
def test_added_il_entry_answers_as_its_source_says(citation: str, subsection: str | None, finding: str, expected: str,
                                                   source: str) -> None:
    req = {"jurisdiction": "IL", "offense": citation, "disposition": "guilty_plea", "disposition_date": "2019-06-01",
           "sentence": {"custody_days": 30}}
    if subsection:
        req["subsection"] = subsection
    got = analyze(req, today=TODAY, alternatives=False)["findings"][finding]
    assert got["result"] == expected
    assert any(source in s for s in got["sources"])
    assert got["result"] != "depends" or got["depends_on"]


@pytest.mark.parametrize("citation", sorted({c[0] for c in CASES}))
def test_added_il_entry_has_an_effective_date_and_sources(citation: str) -> None:
    off, _ = resolve("IL", citation)
    assert off.effective_from is not None and off.sources
    before = off.effective_from - dt.timedelta(days=1)
    with pytest.raises(RequestError):
        parse_request({"jurisdiction": "IL", "offense": citation, "disposition": "guilty_plea",
                       "disposition_date": off.effective_from.isoformat(), "offense_date": before.isoformat()}, today=TODAY)


def _card_report(citation: str, subsection: str | None, custody_days: int, loss_usd: float = 500.0,
                 offense_date: str = "2011-07-01") -> dict[str, Any]:
    req: dict[str, object] = {"jurisdiction": "IL", "offense": citation, "disposition": "guilty_plea",
                              "disposition_date": "2019-06-01", "offense_date": offense_date,
                              "sentence": {"custody_days": custody_days}, "facts": {"loss_usd": loss_usd}}
    if subsection:
        req["subsection"] = subsection
    report: dict[str, Any] = analyze(req, today=TODAY, alternatives=False)
    return report


def _card(citation: str, subsection: str | None, custody_days: int) -> dict[str, dict[str, object]]:
    findings: dict[str, dict[str, object]] = _card_report(citation, subsection, custody_days)["findings"]
    return findings


def test_receipt_of_anothers_card_with_a_year_is_never_a_safe_aggravated_felony_answer() -> None:
    """720 ILCS 5/17-32(b): receiving a card known to have been acquired without the cardholder's consent is
    receipt of stolen property, a theft offense under INA 101(a)(43)(G) (Matter of Cardiel-Guerrero, 25 I&N Dec. 12
    (BIA 2009)). With a term of a year or more and a small loss (so not (43)(M)(i)) the answer was a false 'no'."""
    af = _card("720 ILCS 5/17-32", "(b)", 730)["aggravated_felony"]
    assert af["result"] == "depends"
    assert any("Cardiel-Guerrero" in s for s in af["sources"])
    # Under a year, (43)(G) cannot apply, and $500 is under (43)(M)(i)'s $10,000.
    assert _card("720 ILCS 5/17-32", "(b)", 364)["aggravated_felony"]["result"] == "no"


def test_possession_of_anothers_card_is_a_cimt_only_where_intent_to_defraud_is_an_element() -> None:
    """17-32(a) requires intent to defraud (Jordan v. De George, 341 U.S. 223 (1951)); 17-32(b) can be committed by
    receiving a card without the cardholder's consent, with no intent to defraud or deprive (Matter of
    Diaz-Lizarraga, 26 I&N Dec. 847 (BIA 2016)): 'depends', never a flat 'yes' for the whole section."""
    assert _card("720 ILCS 5/17-32", "(a)", 30)["cimt"]["result"] == "yes"
    cimt_b = _card("720 ILCS 5/17-32", "(b)", 30)["cimt"]
    assert cimt_b["result"] == "depends" and cimt_b["depends_on"]


@pytest.mark.parametrize("citation", ["720 ILCS 5/17-32", "720 ILCS 5/17-36", "720 ILCS 5/17-38", "720 ILCS 5/17-41"])
def test_card_fraud_subdivision_in_force_from_july_2011(citation: str) -> None:
    """Article 17, Subdivision 25 (Credit and Debit Card Fraud, 17-31 to 17-46) took effect 2011-07-01 (P.A. 96-1551):
    an offense of August 2011 is analysed, not refused as before the statute existed."""
    off, _ = resolve("IL", citation)
    assert off.effective_from == dt.date(2011, 7, 1)
    assert any("P.A. 96-1551" in s for s in off.sources)
    assert _card_report(citation, None, 30, offense_date="2011-08-01")["conviction"] == "yes"


@pytest.mark.parametrize("citation", ["720 ILCS 5/17-36", "720 ILCS 5/17-37", "720 ILCS 5/17-38"])
def test_card_use_offenses_leave_theft_open_with_a_year(citation: str) -> None:
    """Using another's card obtains property by deception, which is fraud and not generic theft (Matter of
    Garcia-Madruga, 24 I&N Dec. 436 (BIA 2008)) unless the record shows a taking without consent: with a term of a
    year or more and a loss under $10,000, the aggravated-felony answer 'depends' (INA 101(a)(43)(G)), not 'no'."""
    af = _card(citation, None, 730)["aggravated_felony"]
    assert af["result"] == "depends"
    assert any("Garcia-Madruga" in s for s in af["sources"])
