"""The consequence matrix by status profile (status-blind: every profile is shown).

The engine never asks for or guesses a person's status; it shows, for each profile, the
consequences that matter to a person in it.
"""

from __future__ import annotations

from typing import Any

from iiu.law.answer import Answer
from iiu.law.federal.detention import LRA_STATUS
from iiu.law.tri import NO, YES, Tri, any_of

PROFILES: dict[str, dict[str, Any]] = {
    "lawful_permanent_resident": {
        "label": "Lawful permanent resident",
        "consequences": ["deportable", "inadmissible", "mandatory_detention", "lpr_cancellation_bar", "naturalization_bar"],
        "note": "Inadmissibility matters on return from travel abroad (INA 101(a)(13)(C)(v)) and for readjustment.",
        "admitted": True,
    },
    "refugee_or_asylee": {
        "label": "Refugee or asylee",
        "consequences": ["deportable", "inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar", "naturalization_bar"],
        "note": "Adjustment under INA 209 needs admissibility (waivable under 209(c) except trafficking grounds).",
        "admitted": True,
    },
    "visa_holder": {
        "label": "Visa holder (nonimmigrant)",
        "consequences": ["deportable", "inadmissible", "mandatory_detention", "asylum_bar", "non_lpr_cancellation_bar"],
        "note": "Inadmissibility decides visa renewal, re-entry and adjustment of status.",
        "admitted": True,
    },
    "daca_recipient": {
        "label": "DACA recipient",
        "consequences": ["daca_bar", "inadmissible", "mandatory_detention", "asylum_bar", "non_lpr_cancellation_bar"],
        "note": "DACA's criminal thresholds (8 CFR 236.22(b)(6)) decide renewal.",
        "admitted": None,
    },
    "tps_holder": {
        "label": "Temporary Protected Status holder",
        "consequences": ["tps_bar", "inadmissible", "mandatory_detention", "asylum_bar", "non_lpr_cancellation_bar"],
        "note": "TPS is withdrawn for a felony or two misdemeanors (INA 244(c)(2)(B)).",
        "admitted": None,
    },
    "undocumented": {
        "label": "Present without admission or parole",
        "consequences": ["inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar", "non_lpr_cancellation_bar"],
        "note": "Relief (cancellation, asylum, adjustment through family) turns on inadmissibility and the relief bars.",
        "admitted": False,
    },
    "unknown": {
        "label": "Status unknown",
        "consequences": ["deportable", "inadmissible", "mandatory_detention", "asylum_bar", "withholding_bar", "lpr_cancellation_bar",
                         "non_lpr_cancellation_bar", "daca_bar", "tps_bar", "naturalization_bar"],
        "note": "Every consequence is shown; defense counsel advises on the person's actual status.",
        "admitted": None,
    },
}


def _detention_for(profile: dict[str, Any], answers: dict[str, Answer]) -> Tri:
    lra = answers["laken_riley_detention"]
    md = answers["mandatory_detention"]
    lra_applies = lra.result != NO
    without_lra = md.result
    if lra_applies and md.result != YES:
        # Recompute without (E): any other part of the answer with grounds other than (E).
        others = [g for g in md.grounds if "236(c)(1)(E)" not in g]
        without_lra = md.result if others else NO
    if not lra_applies:
        return md.result
    admitted = profile["admitted"]
    if admitted is False:
        # Present without admission: inadmissible under 212(a)(6)(A)(i); only the offense facts remain open.
        lra_deps = [d for d in lra.depends_on if d != LRA_STATUS]
        return any_of((without_lra, "depends" if lra_deps else YES))
    if admitted is True and profile is PROFILES["lawful_permanent_resident"]:
        return without_lra
    return any_of((without_lra, "depends"))


def matrix(answers: dict[str, Answer]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, prof in PROFILES.items():
        cells: dict[str, Tri] = {}
        for c in prof["consequences"]:
            cells[c] = _detention_for(prof, answers) if c == "mandatory_detention" else answers[c].result
        out[key] = {
            "label": prof["label"],
            "any_consequence": any_of(cells.values()),
            "consequences": cells,
            "note": prof["note"],
        }
    return out
