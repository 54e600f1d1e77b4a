"""The public contracts of DESIGN §5.1, §5.2 and §5.5: `iiu analyze`, `iiu catalog`, `iiu.analyze`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iiu import analyze
from iiu.cli.main import app

runner = CliRunner()
TRI = {"yes", "no", "depends"}
FINDINGS = ("aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence", "petty_offense_exception")
CONSEQUENCES = ("deportable", "inadmissible", "mandatory_detention", "asylum_bar", "lpr_cancellation_bar",
                "non_lpr_cancellation_bar", "daca_bar", "tps_bar", "naturalization_bar")
REQUEST = {
    "jurisdiction": "NY", "offense": "PL 155.25", "subsection": None, "inchoate": None, "disposition": "guilty_plea",
    "disposition_date": "2024-06-01", "offense_date": "2024-03-01",
    "sentence": {"custody_days": 0, "suspended_custody_days": 0, "probation_days": 365},
    "facts": {"loss_usd": None, "substance": None, "marijuana_grams": None, "victim_relationship": None, "weapon": None},
    "history": [], "person": {"admission_date": None},
}


def _check_report(rep: dict) -> None:
    assert rep["conviction"] in TRI
    for k in FINDINGS:
        a = rep["findings"][k]
        assert a["result"] in TRI
        for key in ("grounds", "why", "depends_on", "sources"):
            assert key in a
        assert a["sources"]
        if a["result"] == "depends":
            assert a["depends_on"]
    for k in CONSEQUENCES:
        assert rep["consequences"][k]["result"] in TRI
        assert "grounds" in rep["consequences"][k]
    assert isinstance(rep["alternatives"], list)
    assert rep["law_as_of"] == "2024-06-01"
    assert isinstance(rep["warnings"], list)


def test_analyze_json_from_stdin_prints_the_report() -> None:
    res = runner.invoke(app, ["analyze", "--json", "-"], input=json.dumps(REQUEST))
    assert res.exit_code == 0, res.output
    _check_report(json.loads(res.output))


def test_analyze_json_from_file(tmp_path: Path) -> None:
    f = tmp_path / "req.json"
    f.write_text(json.dumps(REQUEST))
    res = runner.invoke(app, ["analyze", "--json", str(f)])
    assert res.exit_code == 0
    _check_report(json.loads(res.output))


def test_flags_build_the_same_request_as_json() -> None:
    res = runner.invoke(app, ["analyze", "--jurisdiction", "NY", "--offense", "PL 155.25", "--disposition", "guilty_plea",
                              "--disposition-date", "2024-06-01", "--offense-date", "2024-03-01", "--probation-days", "365",
                              "--output-json"])
    assert res.exit_code == 0, res.output
    from_flags = json.loads(res.output)
    from_json = analyze(REQUEST)
    assert from_flags["findings"] == from_json["findings"]
    assert from_flags["consequences"] == from_json["consequences"]


def test_readable_report_without_json() -> None:
    res = runner.invoke(app, ["analyze", "--jurisdiction", "NY", "--offense", "PL 155.25", "--disposition", "guilty_plea",
                              "--disposition-date", "2024-06-01", "--custody-days", "364"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for text in ("Petit larceny", "Aggravated felony", "status profile", "Not legal advice"):
        assert text in res.output


@pytest.mark.parametrize(
    "request_, field",
    [
        ({**REQUEST, "offense": "PL 155.2"}, "offense"),
        ({**REQUEST, "disposition": "guilty"}, "disposition"),
        ({**REQUEST, "disposition_date": "2024-13-01"}, "disposition_date"),
        ({**REQUEST, "sentence": {"custody_days": 400}}, "sentence.custody_days"),
        ({k: v for k, v in REQUEST.items() if k != "jurisdiction"}, "jurisdiction"),
    ],
)
def test_bad_input_exits_2_with_error_and_field(request_: dict, field: str) -> None:
    res = runner.invoke(app, ["analyze", "--json", "-"], input=json.dumps(request_))
    assert res.exit_code == 2
    out = json.loads(res.output)
    assert out["field"] == field and out["error"]


def test_unknown_citation_lists_the_closest_entries() -> None:
    res = runner.invoke(app, ["analyze", "--json", "-"], input=json.dumps({**REQUEST, "offense": "PL 155.2"}))
    out = json.loads(res.output)
    assert "PL 155.25" in out["closest"]


def test_malformed_json_exits_2() -> None:
    res = runner.invoke(app, ["analyze", "--json", "-"], input="{not json")
    assert res.exit_code == 2
    assert json.loads(res.output)["field"] == "json"


@pytest.mark.parametrize(
    "jurisdiction, variants",
    [
        ("NY", ["PL 155.25", "NY PL 155.25", "Penal Law § 155.25", "NYPL 155.25", "pl 155.25"]),
        ("CA", ["PC 484", "Cal. Penal Code § 484", "Penal Code 484"]),
        ("CA", ["HS 11350", "H&S 11350", "Health and Safety Code 11350"]),
    ],
)
def test_citation_variants_resolve_to_the_same_entry(jurisdiction: str, variants: list[str]) -> None:
    from iiu.law.catalog import resolve

    entries = {resolve(jurisdiction, v)[0].citation for v in variants}
    assert len(entries) == 1, entries


def test_catalog_list_json_has_the_contract_keys() -> None:
    res = runner.invoke(app, ["catalog", "list", "--jurisdiction", "NY", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.output)
    assert len(rows) >= 75
    for r in rows:
        for k in ("citation", "title", "class", "max_custody_days", "effective_from", "effective_to", "sources"):
            assert k in r
        assert r["sources"]
    repealed = [r for r in rows if r["citation"] in ("PL 221.05", "PL 221.10")]
    assert repealed and all(r["effective_to"] for r in repealed)


def test_catalog_show_and_check() -> None:
    res = runner.invoke(app, ["catalog", "show", "PL 155.25", "--jurisdiction", "NY"])
    assert res.exit_code == 0
    entry = json.loads(res.output)
    assert entry["citation"] == "PL 155.25" and entry["cimt"]
    res = runner.invoke(app, ["catalog", "check"])
    assert res.exit_code == 0, res.output


def test_python_api_matches_the_cli() -> None:
    res = runner.invoke(app, ["analyze", "--json", "-"], input=json.dumps(REQUEST))
    assert json.loads(res.output)["consequences"] == analyze(REQUEST)["consequences"]


def test_the_installed_command_runs() -> None:
    exe = Path(sys.executable).parent / "iiu"
    proc = subprocess.run([str(exe), "analyze", "--json", "-"], input=json.dumps({**REQUEST, "offense": "nope"}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["field"] == "offense"
