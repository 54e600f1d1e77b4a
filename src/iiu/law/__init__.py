"""The law as data: federal rules and parameters, and the jurisdictions' offense catalogs."""
