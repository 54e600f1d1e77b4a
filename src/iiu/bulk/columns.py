"""The bulk record format (DESIGN §5.3)."""

from __future__ import annotations

from iiu.engine.evaluate import CONSEQUENCES

# Columns every records file must have (a file without them is an error, not a row).
REQUIRED = ("record_id", "person_id", "jurisdiction", "offense", "disposition", "disposition_date")
# Columns of the format that may be absent from the header (absent = empty in every row).
STANDARD = ("case_id", "subsection", "offense_date", "custody_days", "suspended_custody_days", "probation_days")
# Optional columns: facts the engine reads, and descriptive columns for the report.
FACT_COLUMNS = ("inchoate", "loss_usd", "substance", "marijuana_grams", "victim_relationship", "weapon", "victim_age",
                "offense_level")
DESCRIPTIVE = ("court", "attorney", "race", "ethnicity", "sex", "birth_year", "charge_description")
ALL_COLUMNS = (*REQUIRED, *STANDARD, *FACT_COLUMNS, *DESCRIPTIVE)
DAYS = ("custody_days", "suspended_custody_days", "probation_days")
NUMBERS = ("loss_usd", "marijuana_grams", "victim_age")

FINDING_COLUMNS = ("aggravated_felony", "cimt", "controlled_substance", "firearm", "domestic_violence")
RESULT_COLUMNS = ("conviction", *FINDING_COLUMNS, "petty_offense_exception", *CONSEQUENCES)
CONSEQUENCE_COLUMNS = tuple(CONSEQUENCES)
