"""Shared test fixtures."""

from __future__ import annotations

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
