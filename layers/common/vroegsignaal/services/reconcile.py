"""Signals that no case holds yet, classified after all.

A stored signal is never dropped (signals-api.md). If its stream record failed
classification for good (retries used up, or given up at once: it went to the
failure queue) or the stream lost it, this finds it: a stored signal that no
case holds (classification records the case on the signal) is classified now.
Running it twice changes nothing the second time.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class Classifier(Protocol):
    def handle(self, signal_item: dict[str, Any]) -> object: ...


def reclassify_missing(signal_items: Iterable[dict[str, Any]], classifier: Classifier) -> dict[str, int]:
    """`classifier`: services.classify_stream.SignalClassifier. Returns counts."""
    counts = {"checked": 0, "classified": 0}
    for item in signal_items:
        counts["checked"] += 1
        if not item.get("case_id"):
            classifier.handle(item)
            counts["classified"] += 1
    return counts
