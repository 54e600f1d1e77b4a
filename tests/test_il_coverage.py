"""The Illinois catalog resolves at least 95% of Cook County charge rows.

Reads the Cook County State's Attorney sentencing and dispositions samples (see
``shared/data/cook-county-2019/README.md``), builds each row's citation from the split
chapter/act/section columns (attempts ``8-4(X)`` resolve to the attempted offense X) and
resolves it against the IL catalog.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from iiu.law.catalog import UnknownCitation, resolve
from iiu.law.il_citations import il_citation

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "cook-county-2019"
THRESHOLD = 0.95


def _coverage(path: Path) -> tuple[float, int, Counter[str]]:
    missing: Counter[str] = Counter()
    total = 0
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            total += 1
            citation, _inchoate = il_citation(
                row.get("disposition_charged_chapter") or "",
                row.get("disposition_charged_act") or "",
                row.get("disposition_charged_section") or "",
            )
            try:
                resolve("IL", citation)
            except UnknownCitation:
                missing[citation.split("(")[0]] += 1
    covered = total - sum(missing.values())
    return (covered / total if total else 0.0), total, missing


@pytest.mark.parametrize("name", ["sentencing.csv", "dispositions.csv"])
def test_cook_county_coverage(name: str) -> None:
    path = DATA_DIR / name
    if not path.is_file():
        pytest.skip(f"Cook County sample not available: {path} is absent")
    share, total, missing = _coverage(path)
    print(f"\n{name}: {share:.2%} of {total} charge rows resolve in the IL catalog")
    print("most frequent unresolved:", ", ".join(f"{c} ({n})" for c, n in missing.most_common(10)))
    assert share >= THRESHOLD, f"{name}: only {share:.2%} resolve; top misses {missing.most_common(10)}"


@pytest.mark.parametrize(
    ("chapter", "act", "section", "expected"),
    [
        ("720", "570", "402(c)", ("720 ILCS 570/402(c)", None)),
        ("720", "5", "16-25(a)(1)", ("720 ILCS 5/16-25(a)(1)", None)),
        ("720", "5", "8-4(570/402(c))", ("720 ILCS 570/402(c)", "attempt")),
        ("720", "5", "8-1(b)", ("720 ILCS 5/8-1(b)", None)),  # solicitation of murder, not a wrapper
        ("720", "5", "8-4(24-1.6(a)(1))", ("720 ILCS 5/24-1.6(a)(1)", "attempt")),
        ("625", "5", "8-4(4-103(a)(1))", ("625 ILCS 5/4-103(a)(1)", "attempt")),
        ("720", "5", "8-4(730 ILCS 5/5-8A-4.1(a))", ("730 ILCS 5/5-8A-4.1(a)", "attempt")),
        ("720", "5", "8-4(a)(720-5/9-1(a)(1))", ("720 ILCS 5/9-1(a)(1)", "attempt")),
        ("720", "5", "8-4(730 ILCS 150/3(a)", ("730 ILCS 150/3(a)", "attempt")),
        ("720", "5", "8-4(720-550/5(d))", ("720 ILCS 550/5(d)", "attempt")),
        ("720", "5", "8-4( 406.2(a)(2) )", ("720 ILCS 570/406.2(a)(2)", "attempt")),
        # 405.1 criminal drug conspiracy around its object offense: a conspiracy (INA 237(a)(2)(B)(i), 101(a)(43)(U))
        ("720", "570", "405.1(401(a)(2)(A))", ("720 ILCS 570/401(a)(2)(A)", "conspiracy")),
        ("720", "570", "405.1(402(c)", ("720 ILCS 570/402(c)", "conspiracy")),
        ("720", "570", "405.1", ("720 ILCS 570/405.1", None)),
        # the General Assembly's act code (act x 10) in the act column: 26150 is 20 ILCS 2615
        ("20", "26150", "12(a)", ("20 ILCS 2615/12(a)", None)),
        ("720", "00050", "16-25", ("720 ILCS 5/16-25", None)),
        # a stray quote keyed after the section (initiation export, mob action 25-1(a)(2))
        ("720", "5", "25-1(a)(2)'", ("720 ILCS 5/25-1(a)(2)", None)),
        ("720", "5", " '16-25(a)(1). ", ("720 ILCS 5/16-25(a)(1)", None)),
    ],
)
def test_il_citation(chapter: str, act: str, section: str, expected: tuple[str, str | None]) -> None:
    assert il_citation(chapter, act, section) == expected


def test_attempt_of_a_section_written_without_its_act() -> None:
    """Every section of the Criminal Code (720 ILCS 5) is "article-section"; an attempt (720 ILCS
    5/8-4) wrapping "14A(b)(1)" attempts a section of another act. The act is named only where one
    act has a section of that number; otherwise the citation stays as written (and is rejected as
    unknown rather than guessed)."""
    one = {"14A": {"15 ILCS 335"}}
    assert il_citation("720", "5", "8-4(14A(b)(1))", one) == ("15 ILCS 335/14A(b)(1)", "attempt")
    two = {"14A": {"15 ILCS 335", "625 ILCS 5"}}
    assert il_citation("720", "5", "8-4(14A(b)(1))", two) == ("720 ILCS 5/14A(b)(1)", "attempt")
    assert il_citation("720", "5", "8-4(14A(b)(1))") == ("720 ILCS 5/14A(b)(1)", "attempt")
    # a Criminal Code section keeps its act whatever the map says
    assert il_citation("720", "5", "8-4(24-1.6(a)(1))", {"24-1.6": {"625 ILCS 5"}}) == ("720 ILCS 5/24-1.6(a)(1)", "attempt")


@pytest.mark.parametrize(
    "citation",
    ["720 ILCS 5/16-25", "720 ILCS 5/16-25(a)(1)", "720ILCS5/16-25", "720 5/16-25", "720 Ill. Comp. Stat. 5/16-25"],
)
def test_citation_variants_resolve(citation: str) -> None:
    offense, _sub = resolve("IL", citation)
    assert offense.citation == "720 ILCS 5/16-25"


def test_subsection_is_peeled() -> None:
    offense, sub = resolve("IL", "720 ILCS 5/16-25(a)(1)")
    assert (offense.citation, sub) == ("720 ILCS 5/16-25", "(a)(1)")


REQUIRED = [
    "720 ILCS 570/402", "720 ILCS 570/401", "720 ILCS 5/24-1.6", "720 ILCS 5/24-1.1", "720 ILCS 5/24-1",
    "720 ILCS 5/24-1.5", "720 ILCS 5/16-25", "720 ILCS 5/16-1", "720 ILCS 5/16-30", "720 ILCS 5/17-3",
    "720 ILCS 5/17-32", "720 ILCS 5/19-1", "720 ILCS 5/19-3", "720 ILCS 5/18-1", "720 ILCS 5/18-2",
    "720 ILCS 5/12-1", "720 ILCS 5/12-2", "720 ILCS 5/12-3", "720 ILCS 5/12-3.05", "720 ILCS 5/12-3.2",
    "720 ILCS 5/12-3.4", "720 ILCS 5/12-7.3", "720 ILCS 5/31-1", "720 ILCS 5/21-1", "720 ILCS 5/21-2",
    "720 ILCS 5/21-3", "720 ILCS 5/26-1", "720 ILCS 5/9-1", "720 ILCS 5/11-1.20", "720 ILCS 5/11-1.50",
    "720 ILCS 550/4", "720 ILCS 550/5", "720 ILCS 646/60", "625 ILCS 5/6-303", "625 ILCS 5/11-501",
    "625 ILCS 5/4-103", "625 ILCS 5/11-204.1", "730 ILCS 150/6",
]


@pytest.mark.parametrize("citation", REQUIRED)
def test_required_entries_resolve_exactly(citation: str) -> None:
    offense, sub = resolve("IL", citation)
    assert (offense.citation, sub) == (citation, None)
