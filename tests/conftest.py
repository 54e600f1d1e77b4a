"""Shared test fixtures."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COOK = SHARED / "data" / "cook-county-2019"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def today() -> dt.date:
    return TODAY


_COOK_HEADER = ["case_id", "case_participant_id", "charge_id", "charge_version_id", "disposition_charged_offense_title",
                "disposition_charged_chapter", "disposition_charged_act", "disposition_charged_section",
                "disposition_charged_class", "disposition_date", "charge_disposition", "charge_disposition_reason",
                "sentence_date", "sentence_type", "current_sentence", "commitment_type", "commitment_term", "commitment_unit",
                "court_name", "gender", "race", "incident_begin_date"]


def write_cook_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """A Cook County sentencing export (the portal's columns) holding ``rows`` (missing columns empty)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=_COOK_HEADER)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in _COOK_HEADER})


def _theft(charge: str, sentence_type: str, commitment_type: str, term: str, unit: str, date: str) -> dict[str, str]:
    return {"case_id": "C1", "case_participant_id": "P1", "charge_id": charge, "charge_version_id": "1",
            "disposition_charged_offense_title": "RETAIL THEFT", "disposition_charged_chapter": "720",
            "disposition_charged_act": "5", "disposition_charged_section": "16-25(a)(1)", "disposition_charged_class": "4",
            "disposition_date": "6/13/2019 12:00:00 AM", "charge_disposition": "Plea Of Guilty", "sentence_date": date,
            "sentence_type": sentence_type, "current_sentence": "true", "commitment_type": commitment_type,
            "commitment_term": term, "commitment_unit": unit, "race": "Black", "incident_begin_date": "2019-01-05"}


@pytest.fixture
def cook_two_sentences(tmp_path: Path) -> Path:
    """One retail-theft charge whose export lists two current sentences: 2nd Chance Probation for 2
    years on the first row, 16 months in the Department of Corrections on the second (as lines 1023 and
    1024 of the 2019 sample); and another charge sentenced once."""
    src = tmp_path / "two.csv"
    write_cook_rows(src, [
        _theft("A", "2nd Chance Probation", "Probation", "2", "Year(s)", "7/2/2019 12:00:00 AM"),
        _theft("A", "Prison", "Illinois Department of Corrections", "16", "Months", "6/13/2019 12:00:00 AM"),
        _theft("B", "Probation", "Probation", "1", "Year(s)", "7/2/2019 12:00:00 AM"),
    ])
    return src
