"""``iiu audit --engine spark`` gives the DuckDB engine's output (PySpark local mode, small data).

PySpark is an optional extra (``pip install 'iiu[spark]'`` and a Java runtime); ``make test``
installs it (Java comes from Debian); without it the test is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest

from iiu.bulk import demo
from iiu.bulk.audit import audit

_missing = [m for m in ("pyspark", "pandas") if importlib.util.find_spec(m) is None]
pytestmark = pytest.mark.skipif(bool(_missing) or shutil.which("java") is None,
                                reason=f"PySpark engine needs {', '.join(_missing) or 'a Java runtime'} "
                                       "(optional extra: pip install 'iiu[spark]')")


def test_spark_engine_matches_duckdb(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    demo.write(src, 400, seed=13, bad_fraction=0.03)
    # Some records without their sentence: the second pass (longest lawful sentence) runs per group too.
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    ci, si = header.index("custody_days"), header.index("suspended_custody_days")
    for i in range(1, len(lines), 17):
        cells = lines[i].split(",")
        if len(cells) == len(header) and cells[ci].isdigit():
            cells[ci], cells[si] = "unknown", ""
            lines[i] = ",".join(cells)
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    today = dt.date(2026, 11, 28)
    a = audit(src, tmp_path / "duck", write_csv=True, today=today, show_progress=False, report=False)
    b = audit(src, tmp_path / "spark", engine="spark", write_csv=True, today=today, report=False)
    assert (a["accepted"], a["rejected"]) == (b["accepted"], b["rejected"])
    assert "false" in (tmp_path / "duck" / "records.csv").read_text()  # sentence_known: some rows were read as unknown
    for name in ("records.csv", "rejected.csv"):
        assert (tmp_path / "duck" / name).read_text() == (tmp_path / "spark" / name).read_text(), name


def test_spark_engine_keeps_the_longest_term_of_a_charge_as_duckdb_does(tmp_path: Path, cook_two_sentences: Path) -> None:
    """The Cook County mapping's ``duplicates: longest_term`` rule on both engines: one charge listed
    with a probation row and a 16-month prison row is analysed at its prison term on each
    (retail theft with a term of a year or more: INA 101(a)(43)(G))."""
    src = cook_two_sentences
    today = dt.date(2026, 11, 28)
    a = audit(src, tmp_path / "duck", mapping="cook-county-sao", write_csv=True, today=today, show_progress=False, report=False)
    b = audit(src, tmp_path / "spark", mapping="cook-county-sao", engine="spark", write_csv=True, today=today, report=False)
    assert (a["accepted"], a["rejected"]) == (b["accepted"], b["rejected"]) == (2, 1)
    for name in ("records.csv", "rejected.csv"):
        assert (tmp_path / "duck" / name).read_text() == (tmp_path / "spark" / name).read_text(), name
    assert "line 3 of the same record is kept" in (tmp_path / "spark" / "rejected.csv").read_text()
