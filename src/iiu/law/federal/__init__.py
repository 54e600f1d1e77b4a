"""Federal immigration law as small pure rule functions, one module per part of the INA."""
