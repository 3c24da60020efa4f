"""`make bench`: speed and memory, reported as figures and ratios (never timed tests)."""
