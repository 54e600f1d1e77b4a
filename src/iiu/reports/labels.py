"""Plain-language names of the findings and consequences, shared by every human-facing output."""

NAMES: dict[str, str] = {
    "aggravated_felony": "Aggravated felony",
    "cimt": "Crime involving moral turpitude",
    "controlled_substance": "Controlled substance offense",
    "firearm": "Firearm offense",
    "domestic_violence": "Domestic violence, stalking, child abuse",
    "petty_offense_exception": "Petty offense exception applies",
    "crime_of_violence": "Crime of violence (18 U.S.C. 16(a))",
    "laken_riley": "Laken Riley Act offense (INA 236(c)(1)(E))",
    "deportable": "Deportable (admitted person)",
    "inadmissible": "Inadmissible (seeking admission)",
    "mandatory_detention": "Mandatory detention",
    "asylum_bar": "Bar to asylum",
    "withholding_bar": "Bar to withholding of removal",
    "lpr_cancellation_bar": "Bar to LPR cancellation",
    "non_lpr_cancellation_bar": "Bar to non-LPR cancellation",
    "daca_bar": "Bar to DACA",
    "tps_bar": "Bar to TPS",
    "naturalization_bar": "Bar to naturalization",
}
