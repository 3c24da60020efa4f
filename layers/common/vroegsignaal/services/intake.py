"""Receiving partner signals: validate, normalise, store once per reference.

The store is a port (SignalStore): DynamoDB in production, an in-memory fake
in unit tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Protocol

from vroegsignaal import clock, ids
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.signal import (Signal, content_hash, reference_of, validate_batch_envelope,
                                        validate_signal)


class SignalStore(Protocol):
    def insert_signal(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """Store the item unless (partner, reference) exists; return the existing item, else None."""

    def signal_status(self, item: dict[str, Any]) -> str:
        """received / in_progress / closed: the status of the signal's case."""


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]


def signal_item(signal: Signal, *, partner: dict[str, Any], received_at: datetime) -> dict[str, Any]:
    """The stored form of a signal (the stream hands it to classification)."""
    return {
        "pk": f"SIGNAL#{partner['partner_id']}#{signal.reference}",
        "sk": "SIGNAL",
        "type": "signal",
        "signal_id": ids.new_id("sig"),
        "partner_id": partner["partner_id"],
        "partner_type": partner["partner_type"],
        "reference": signal.reference,
        "municipality_code": signal.municipality_code,
        "received_at": clock.iso(received_at),
        "content_hash": content_hash(signal),
        "signal": signal.to_record(),
    }


class Intake:
    def __init__(self, store: SignalStore, *, is_known_municipality: Callable[[str], bool],
                 today: Callable[[], date] = clock.today, now: Callable[[], datetime] = clock.now):
        self.store = store
        self.is_known_municipality = is_known_municipality
        self.today = today
        self.now = now

    def receive(self, raw: Any, partner: dict[str, Any]) -> Outcome:
        """One signal, as POST /signals answers it."""
        try:
            signal = validate_signal(raw, partner_type=partner["partner_type"], today=self.today(),
                                     is_known_municipality=self.is_known_municipality)
        except ValidationFailed as failed:
            return Outcome(422, {"error": "validation", "details": failed.details})
        item = signal_item(signal, partner=partner, received_at=self.now())
        existing = self.store.insert_signal(item)
        if existing is None:
            return Outcome(201, {"signal_id": item["signal_id"], "reference": signal.reference, "status": "received"})
        if existing["content_hash"] == item["content_hash"]:
            return Outcome(200, {"signal_id": existing["signal_id"], "reference": signal.reference,
                                 "status": self.store.signal_status(existing)})
        return Outcome(409, {"error": "conflict", "signal_id": existing["signal_id"],
                             "message": "this reference was sent before with different content"})

    def receive_batch(self, raw: Any, partner: dict[str, Any]) -> Outcome:
        """Many signals, each handled as receive() would; one bad one never rejects the others."""
        try:
            signals = validate_batch_envelope(raw)
        except ValidationFailed as failed:
            return Outcome(422, {"error": "validation", "details": failed.details})
        counts = {"received": 0, "duplicates": 0, "rejected": 0}
        results = []
        for index, raw_signal in enumerate(signals):
            outcome = self.receive(raw_signal, partner)
            result: dict[str, Any] = {"index": index, "reference": reference_of(raw_signal),
                                      "status": outcome.status}
            if outcome.status in (200, 201, 409):
                result["signal_id"] = outcome.body["signal_id"]
            if outcome.status == 409:
                result["message"] = outcome.body["message"]
            if outcome.status == 422:
                result["details"] = outcome.body["details"]
            counts["received" if outcome.status == 201 else "duplicates" if outcome.status == 200 else "rejected"] += 1
            results.append(result)
        return Outcome(200, {**counts, "results": results})
