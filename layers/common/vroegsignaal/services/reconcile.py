"""Signals that no case holds yet, classified after all.

A stored signal is never dropped (signals-api.md). If its stream record failed
classification for good (retries used up: it went to the on-failure queue) or
the stream lost it, this finds it: every stored signal is looked up in its
household, and one no case holds is classified now. Running it twice changes
nothing the second time.
"""
from __future__ import annotations

from typing import Any, Iterable

from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.household import Household


def reclassify_missing(signal_items: Iterable[dict[str, Any]], classifier) -> dict[str, int]:
    """`classifier`: services.classify_stream.SignalClassifier. Returns counts."""
    counts = {"checked": 0, "classified": 0}
    for item in signal_items:
        counts["checked"] += 1
        household = Household.of(item["signal"]).key(classifier.household_secret())
        if case_rules.contains_signal(classifier.cases.household_cases(household), item["signal_id"]) is None:
            classifier.handle(item)
            counts["classified"] += 1
    return counts
