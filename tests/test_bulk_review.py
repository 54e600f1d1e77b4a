"""``iiu review`` (the post-conviction review queue), its drafts, and the audit report's
small-cell suppression."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from iiu.bulk import demo
from iiu.bulk.review import deadline_days, review
from iiu.cli.main import app

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]], dict]:
    d = tmp_path_factory.mktemp("review")
    src = d / "records.csv"
    demo.write(src, 1200, seed=4, bad_fraction=0.01)
    s = review(src, d / "out", today=TODAY, drafts=d / "drafts", limit=3, show_progress=False)
    with (d / "out" / "queue.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return d, rows, s


def test_queue_is_sorted_and_complete(queue: tuple) -> None:
    d, rows, s = queue
    assert rows and s["queue"] == len(rows)
    assert list(rows[0]) == ["record_id", "person_id", "priority", "consequences", "vehicle", "reasons"]
    prios = [int(r["priority"]) for r in rows]
    assert prios == sorted(prios, reverse=True)
    assert all(r["consequences"] and r["reasons"].startswith("severity") for r in rows)
    # A vehicle whose immigration effect is 'no' (expungement, sealing: Matter of Roldan) is never offered.
    assert not any("expunge" in r["vehicle"].lower() or "sealing" in r["vehicle"].lower() for r in rows)
    assert any(r["vehicle"] for r in rows)
    assert (d / "out" / "rejected.csv").is_file()


def test_drafts_are_docx_from_the_template(queue: tuple, tmp_path: Path) -> None:
    d, rows, _ = queue
    files = sorted((d / "drafts").glob("*.docx"))
    assert len(files) == 3
    text = "\n".join(p.text for p in Document(str(files[0])).paragraphs)
    assert rows[0]["record_id"] in text and "Pickering" in text and "not legal advice" in text.lower()
    tpl = tmp_path / "mine.txt.j2"
    tpl.write_text("# Office motion for {{ r.record_id }}\n\nVehicle: {{ vehicle.citation if vehicle else 'none' }}\n")
    r = CliRunner().invoke(app, ["review", str(d / "records.csv"), "--out", str(tmp_path / "o"), "--drafts", str(tmp_path / "dr"),
                                 "--template", str(tpl), "--limit", "1", "--today", "2026-11-28", "--no-progress"])
    assert r.exit_code == 0, r.output
    (one,) = list((tmp_path / "dr").glob("*.docx"))
    paragraphs = Document(str(one)).paragraphs
    assert "Office motion for" in "\n".join(p.text for p in paragraphs)
    assert paragraphs[0].style.name == "Title"  # "# " starts the title


def test_many_drafts_are_written_in_parallel_chunks_numbered_in_queue_order(queue: tuple, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import iiu.reports.audit_motion as M
    from iiu.bulk.audit import connect, evaluate_file
    from iiu.bulk.review import queue_rows

    d, _, _ = queue
    con = connect()
    evaluate_file(con, d / "records.csv", today=TODAY, show_progress=False)
    rows = queue_rows(con, TODAY)
    monkeypatch.setattr(M, "DRAFTS_PER_CHUNK", 1)
    monkeypatch.setenv("IIU_BULK_WORKERS", "2")
    n = M.write_drafts(rows[:3], tmp_path / "p", today=TODAY)
    files = sorted((tmp_path / "p").glob("*.docx"))
    assert n == 3 and [f.name[:5] for f in files] == ["00001", "00002", "00003"]
    for f, row in zip(files, rows[:3], strict=True):
        assert row["record_id"] in "\n".join(p.text for p in Document(str(f)).paragraphs)


def test_deadlines_read_from_vehicle_conditions() -> None:
    assert deadline_days("Filed in the trial court within 30 days after sentence is imposed") == 30
    assert deadline_days("within 6 months after the direct appeal or 3 years after conviction") == 180
    assert deadline_days("Within 2 years after judgment") == 730
    assert deadline_days("at any time") is None


