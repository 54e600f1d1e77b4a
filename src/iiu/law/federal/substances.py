"""Substances and the federal schedules (21 U.S.C. 802(6), 812; 21 CFR part 1308).

A state drug conviction is a controlled-substance offense under INA 237(a)(2)(B)(i) and
212(a)(2)(A)(i)(II) only if an element ties it to a substance the federal schedules list
(Mellouli v. Lynch, 575 U.S. 798 (2015)). Names are normalised to these keys.
"""

from __future__ import annotations

import datetime as dt
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

# Substances whose federal status changed on a date: (date, controlled from then on, source). The comparison is
# with the schedules at the time of conviction in most circuits (e.g. Doe v. Sessions, 886 F.3d 203 (2d Cir. 2018)),
# but not uniformly, so a conviction before the change is left unresolved ("depends"), never "no".
SCHEDULE_CHANGES: dict[str, tuple[dt.date, bool, str]] = {
    "hemp": (dt.date(2018, 12, 20), False,
             "Agriculture Improvement Act of 2018, Pub. L. 115-334, sec. 12619 (hemp excluded from 'marihuana', 21 U.S.C. 802(16))"),
    "tramadol": (dt.date(2014, 8, 18), True, "79 Fed. Reg. 37623 (2014) (tramadol in Schedule IV)"),
    "carisoprodol": (dt.date(2012, 1, 11), True, "76 Fed. Reg. 77330 (2011) (carisoprodol in Schedule IV)"),
    "ketamine": (dt.date(1999, 8, 12), True, "64 Fed. Reg. 37673 (1999) (ketamine in Schedule III)"),
    "ghb": (dt.date(2000, 3, 13), True, "Pub. L. 106-172 (2000); 65 Fed. Reg. 13235 (GHB in Schedule I)"),
}

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


def federally_controlled(key: str, on: dt.date | None = None) -> bool | None:
    """True/False when known on ``on`` (the law date); None for a substance this table does not classify, or
    one whose federal status changed after ``on`` (``SCHEDULE_CHANGES``: hemp was 'marihuana' until 2018-12-20)."""
    change = SCHEDULE_CHANGES.get(key)
    if change is not None and on is not None and on < change[0]:
        return None
    if key in FEDERALLY_CONTROLLED:
        return True
    if key in NOT_FEDERALLY_CONTROLLED:
        return False
    return None
