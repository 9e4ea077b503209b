"""EXP7xx: runnable as written."""
RULES = ()
