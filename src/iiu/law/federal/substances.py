"""Substances and the federal schedules (21 U.S.C. 802(6), 812; 21 CFR part 1308).

A state drug conviction is a controlled-substance offense under INA 237(a)(2)(B)(i) and
212(a)(2)(A)(i)(II) only if an element ties it to a substance the federal schedules list
(Mellouli v. Lynch, 575 U.S. 798 (2015)). Names are normalised to these keys.
"""

from __future__ import annotations

import re

SOURCES = ("21 U.S.C. 802(6), 812", "21 CFR 1308.11-1308.15")

# Federally controlled (a selection of those met in state practice).
FEDERALLY_CONTROLLED: frozenset[str] = frozenset(
    {
        "marijuana", "cocaine", "cocaine_base", "heroin", "methamphetamine", "amphetamine",
        "fentanyl", "fentanyl_analogue", "oxycodone", "hydrocodone", "morphine", "codeine",
        "methadone", "buprenorphine", "mdma", "lsd", "psilocybin", "pcp", "ketamine", "ghb",
        "alprazolam", "diazepam", "clonazepam", "lorazepam", "tramadol", "carisoprodol",
        "anabolic_steroids", "cathinone", "synthetic_cannabinoids", "mescaline", "opium",
        "hashish", "concentrated_cannabis", "xylazine_with_fentanyl", "flunitrazepam",
    }
)

# Listed by some states but not by the federal schedules.
NOT_FEDERALLY_CONTROLLED: frozenset[str] = frozenset(
    {"chorionic_gonadotropin", "salvia_divinorum", "kratom", "hemp", "xylazine", "geometric_isomers_of_cocaine"}
)

_ALIASES: dict[str, str] = {
    "cannabis": "marijuana", "marihuana": "marijuana", "weed": "marijuana", "thc": "marijuana",
    "crack": "cocaine_base", "crack_cocaine": "cocaine_base", "coke": "cocaine",
    "meth": "methamphetamine", "crystal_meth": "methamphetamine", "ecstasy": "mdma", "molly": "mdma",
    "xanax": "alprazolam", "valium": "diazepam", "klonopin": "clonazepam", "oxycontin": "oxycodone",
    "percocet": "oxycodone", "vicodin": "hydrocodone", "angel_dust": "pcp", "mushrooms": "psilocybin",
    "steroids": "anabolic_steroids", "hcg": "chorionic_gonadotropin", "salvia": "salvia_divinorum",
    "concentrated_cannabis": "concentrated_cannabis", "hash": "hashish", "rohypnol": "flunitrazepam",
}

UNSPECIFIED = frozenset({"", "unspecified", "unknown", "controlled_substance", "a_controlled_substance", "none_specified"})


def normalize_substance(name: str | None) -> str | None:
    """Canonical key for a substance name, or None when the record does not name one."""
    if name is None:
        return None
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if key in UNSPECIFIED:
        return None
    return _ALIASES.get(key, key)


def federally_controlled(key: str) -> bool | None:
    """True/False when known; None for a substance this table does not classify."""
    if key in FEDERALLY_CONTROLLED:
        return True
    if key in NOT_FEDERALLY_CONTROLLED:
        return False
    return None
