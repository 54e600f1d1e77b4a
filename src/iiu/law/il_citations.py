"""Illinois citations from the Cook County State's Attorney's split statute columns.

The Cook County data sets split a statute into ``chapter``, ``act`` and ``section``:
chapter 720, act 5, section ``16-25(a)(1)`` is 720 ILCS 5/16-25(a)(1). Inchoate offenses
are written as the inchoate section wrapping the target offense, in several styles seen in
the data:

- ``8-4(570/402(c))``               -> attempt of 720 ILCS 570/402(c) (act/section, same chapter)
- ``8-4(24-1.6(a)(1))``             -> attempt of 720 ILCS 5/24-1.6(a)(1) (section only)
- ``8-4(730 ILCS 5/5-8A-4.1(a))``   -> attempt of a full citation in another chapter
- ``8-4(a)(720-5/9-1(a)(1))``       -> attempt, with the subsection of 8-4 and "chapter-act/section"
- ``8-4(730 ILCS 150/3(a)``         -> an unbalanced parenthesis
- ``8-4(14A(b)(1))``                -> a section of another act with the act left out (15 ILCS
                                       335/14A(b)(1)); named only when one act has that section

The act column sometimes holds the General Assembly's five-digit act code rather than the act
number (``26150`` for 20 ILCS 2615, as in ilga.gov's document names).

This module is pure (no I/O) so the bulk import can reuse it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

# 720 ILCS 5/8-1 solicitation, 8-2 conspiracy, 8-4 attempt. (8-1.1, 8-1.2 and 8-2.1 are
# offenses of their own, not wrappers, and are not listed.)
_INCHOATE: dict[str, str] = {"8-4": "attempt", "8-2": "conspiracy", "8-1": "solicitation"}

# Inner statutes: "730 ILCS 5/5-8A-4.1(a)", "720-5/9-1(a)(1)", "720 5/9-1", "570/402(c)", "24-1.6(a)(1)".
_FULL = re.compile(r"^(\d{1,3})(?:ILCS|-)(\d{1,4})/(.+)$", re.IGNORECASE)
_ACT_SECTION = re.compile(r"^(\d{1,4})\s*/\s*(.+)$")
# A bare number without a hyphen (e.g. "406.2") cannot be a section of 720 ILCS 5 (whose
# sections are "article-section", e.g. "16-25"); in chapter 720 it is a Controlled
# Substances Act section (720 ILCS 570/4xx).
_CSA_SECTION = re.compile(r"^4\d{2}(?:\.\d+)?(?:\(|$)")
# A section's number before its subsections: "14A" of "14A(b)(1)", "24-1.6" of "24-1.6(a)(1)".
_SECTION_NUMBER = re.compile(r"^([0-9][0-9A-Za-z.\-]*?)(?:\(|$)")


def section_number(section: str) -> str:
    """The section number without its subsections (``14A(b)(1)`` -> ``14A``); "" if none."""
    m = _SECTION_NUMBER.match(section)
    return m.group(1) if m else ""


def _act_number(act: str) -> str:
    """The act number: ILCS act numbers have at most four digits, so a five-digit act ending in 0
    is the General Assembly's act code (act number times ten, zero-padded): ``26150`` -> ``2615``."""
    if len(act) == 5 and act.isdigit() and act.endswith("0"):
        return act[:-1].lstrip("0") or "0"
    return act


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", str(text or "").strip())


def _balance(text: str) -> str:
    """Drop unmatched closing parentheses at the end, close unmatched opening ones."""
    depth = 0
    out: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + ")" * depth


def _unwrap(section: str) -> tuple[str, str] | None:
    """``8-4(...)`` or ``8-4(a)(...)`` -> (kind, inner text); None when not inchoate."""
    for code, kind in _INCHOATE.items():
        if not section.startswith(code + "("):
            continue
        rest = section[len(code) :]
        # Skip 8-4's own subsection markers such as "(a)" before the wrapped statute.
        while True:
            m = re.match(r"^\(([a-z]|[0-9]{1,2})\)(?=\()", rest, re.IGNORECASE)
            if not m:
                break
            rest = rest[m.end() :]
        if not rest.startswith("("):
            return None
        inner = rest[1:]
        if inner.endswith(")"):
            inner = inner[:-1]
        inner = _balance(inner)
        # The wrapped text must look like a statute ("570/402(c)", "24-1.6(a)", "406.2"); "8-1(b)" is
        # a subsection of 8-1 itself (solicitation of murder), not a wrapper around section "b".
        if not inner or not re.search(r"\d", inner):
            return None
        return kind, inner
    return None


def _compose(chapter: str, act: str, section: str) -> str:
    section = section.replace(" ", "")
    return f"{chapter} ILCS {act}/{section}"


def il_citation(chapter: str, act: str, section: str,
                acts_by_section: Mapping[str, Collection[str]] | None = None) -> tuple[str, str | None]:
    """The citation a Cook County charge row names, and the inchoate kind if any.

    Returns ``(citation, inchoate)`` where ``inchoate`` is ``"attempt"``, ``"conspiracy"``,
    ``"solicitation"`` or ``None``. For an inchoate row the citation is the *target* offense
    (720 ILCS 5/8-4 attempt of 720 ILCS 570/402(c) -> ``("720 ILCS 570/402(c)", "attempt")``).
    ``acts_by_section``: section number -> the acts ("15 ILCS 335") that have a section of that
    number (from a catalog); it names the act of a wrapped section written without one.
    """
    ch = _clean(chapter)
    ac = _act_number(_clean(act))
    sec = str(section or "").strip()
    # A stray quote or stop keyed at either end ("25-1(a)(2)'" in the 2019 initiation export) is no part of it.
    compact = _clean(sec).strip("'\"`.,;:")
    # 720 ILCS 570/405.1, criminal drug conspiracy: an agreement that a 401, 402 or 407 offense be
    # committed, written around its object ("405.1(401(a)(2)(A))"). It is a conspiracy to commit that
    # offense, which INA 237(a)(2)(B)(i) and 101(a)(43)(U) name.
    drug = re.match(r"^405\.1\((40[127].*)\)$", compact) if (ch, ac) == ("720", "570") else None
    if drug:
        return _compose(ch, ac, _balance(drug.group(1))), "conspiracy"
    wrapped = _unwrap(compact)
    if wrapped is None:
        return _compose(ch, ac, compact), None
    kind, inner = wrapped
    full = _FULL.match(inner)
    if full:
        return _compose(full.group(1), full.group(2), full.group(3)), kind
    act_sec = _ACT_SECTION.match(inner)
    if act_sec:
        return _compose(ch, act_sec.group(1), act_sec.group(2)), kind
    if ch == "720" and ac == "5" and _CSA_SECTION.match(inner):
        return _compose(ch, "570", inner), kind
    number = section_number(inner)
    if ch == "720" and ac == "5" and number and "-" not in number and acts_by_section is not None:
        # Every section of the Criminal Code (720 ILCS 5) is "article-section" (16-25): a number
        # without a hyphen belongs to another act, which the row left out. Named only when unique.
        acts = set(acts_by_section.get(number, ()))
        if len(acts) == 1:
            return f"{acts.pop()}/{inner}", kind
    return _compose(ch, ac, inner), kind
