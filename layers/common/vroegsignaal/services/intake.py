"""Receiving partner signals: validate, normalise, store once per reference.

Answers in domain terms (an `IntakeResult` per signal, a `BatchResult` for
many); the HTTP edge (and a file import) turns them into what it shows. The
store is a port (SignalStore): DynamoDB in production, an in-memory fake in
unit tests.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

from vroegsignaal import clock, ids
from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.domain.retention import unheld_signal_expires_at
from vroegsignaal.domain.signal import (
    Signal,
    content_hash,
    is_reference,
    reference_of,
    validate_batch_envelope,
    validate_signal,
)

_log = logging.getLogger(__name__)

CONFLICT_MESSAGE = "this reference was sent before with different content"
FAILED_MESSAGE = "this signal could not be handled; it was not stored. Send it again later"


class SignalStore(Protocol):
    def insert_signal(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """Store the item unless (partner, reference) exists; return the existing item, else None."""

    def signal_status(self, item: dict[str, Any]) -> str:
        """received / in_progress / closed: the status of the signal's case."""

    def get_signal(self, partner_id: str, reference: str) -> dict[str, Any] | None:
        """The stored item of (partner, reference), or None."""


class ResultKind(Enum):
    RECEIVED = "received"    # stored now
    DUPLICATE = "duplicate"  # the same reference with the same content was stored before
    CONFLICT = "conflict"    # the same reference with other content was stored before; nothing stored
    REJECTED = "rejected"    # failed validation (details); nothing stored
    FAILED = "failed"        # something unexpected went wrong for this one signal; nothing stored

    @property
    def stored(self) -> bool:
        """The signal is durably stored (now or before) and will be classified."""
        return self in (ResultKind.RECEIVED, ResultKind.DUPLICATE)


@dataclass(frozen=True, slots=True, kw_only=True)
class IntakeResult:
    """What became of one signal. `reference` is the body's if well-formed, else None;
    `signal_id` for received, duplicate and conflict; `status` (the signal's current
    status: received / in_progress / closed) for received and duplicate; `details`
    (every validation problem) for rejected; `message` for conflict and failed."""

    kind: ResultKind
    reference: str | None
    signal_id: str | None = None
    status: str | None = None
    details: tuple[dict[str, Any], ...] = ()
    message: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalStatus:
    """What a partner may know of its own signal (never why a case was closed)."""

    reference: str
    signal_id: str
    received_at: str  # ISO 8601 UTC, ...Z
    status: str       # received / in_progress / closed


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One IntakeResult per input, in input order (the index is the position)."""

    results: tuple[IntakeResult, ...]

    def count(self, *kinds: ResultKind) -> int:
        return sum(1 for result in self.results if result.kind in kinds)

    @property
    def received(self) -> int:
        return self.count(ResultKind.RECEIVED)

    @property
    def duplicates(self) -> int:
        return self.count(ResultKind.DUPLICATE)

    @property
    def rejected(self) -> int:
        """Everything not stored: conflicts, validation failures and failures."""
        return self.count(ResultKind.CONFLICT, ResultKind.REJECTED, ResultKind.FAILED)


def signal_item(signal: Signal, *, partner: dict[str, Any], received_at: datetime) -> dict[str, Any]:
    """The stored form of a signal (the stream hands it to classification)."""
    return {
        "type": "signal",
        "signal_id": ids.new_id("sig"),
        "partner_id": partner["partner_id"],
        "partner_type": partner["partner_type"],
        "reference": signal.reference,
        "municipality_code": signal.municipality_code,
        "received_at": clock.iso(received_at),
        "content_hash": content_hash(signal),
        "signal": signal.to_record(),
        # Until a case takes it (which removes this: the case's retention applies then).
        "expires_at": unheld_signal_expires_at(received_at),
    }


class Intake:
    def __init__(self, store: SignalStore, *, is_known_municipality: Callable[[str], bool],
                 today: Callable[[], date] = clock.today, now: Callable[[], datetime] = clock.now):
        self.store = store
        self.is_known_municipality = is_known_municipality
        self.today = today
        self.now = now

    def receive(self, raw: Any, partner: dict[str, Any]) -> IntakeResult:
        """One signal, as POST /signals handles it. An unexpected error propagates."""
        reference = reference_of(raw)
        try:
            signal = validate_signal(raw, partner_type=partner["partner_type"], today=self.today(),
                                     is_known_municipality=self.is_known_municipality)
        except ValidationFailed as failed:
            return IntakeResult(kind=ResultKind.REJECTED, reference=reference, details=tuple(failed.details))
        item = signal_item(signal, partner=partner, received_at=self.now())
        existing = self.store.insert_signal(item)
        if existing is None:
            return IntakeResult(kind=ResultKind.RECEIVED, reference=signal.reference,
                                signal_id=item["signal_id"], status="received")
        if existing["content_hash"] == item["content_hash"]:
            return IntakeResult(kind=ResultKind.DUPLICATE, reference=signal.reference,
                                signal_id=existing["signal_id"], status=self.store.signal_status(existing))
        return IntakeResult(kind=ResultKind.CONFLICT, reference=signal.reference,
                            signal_id=existing["signal_id"], message=CONFLICT_MESSAGE)

    def status_of(self, reference: str, partner: dict[str, Any]) -> SignalStatus:
        """GET /signals/{reference}: the partner's own signal; NotFound for any other."""
        # Not a well-formed reference: no signal can have it (and DynamoDB refuses over-long keys).
        item = self.store.get_signal(partner["partner_id"], reference) if is_reference(reference) else None
        if not item:
            raise NotFound("no signal with that reference from this partner")
        return SignalStatus(reference=item["reference"], signal_id=item["signal_id"],
                            received_at=item["received_at"], status=self.store.signal_status(item))

    def receive_each(self, raws: Iterable[Any], partner: dict[str, Any]) -> BatchResult:
        """Many signals, each handled as receive() would and on its own: one that fails
        unexpectedly is reported as FAILED and the others go on (a file import uses this)."""
        return BatchResult(tuple(self._receive_alone(raw, partner) for raw in raws))

    def receive_batch(self, raw: Any, partner: dict[str, Any]) -> BatchResult:
        """POST /signals/batch: raises ValidationFailed (nothing stored) when the body is not
        {"signals": [1-500 signals]}; else every signal handled as receive_each does."""
        return self.receive_each(validate_batch_envelope(raw), partner)

    def _receive_alone(self, raw: Any, partner: dict[str, Any]) -> IntakeResult:
        try:
            return self.receive(raw, partner)
        except Exception as exc:  # noqa: BLE001 - one signal's failure must not fail the others
            _log.error("signal of a batch failed", extra={"error_type": type(exc).__name__,
                                                          "partner_id": partner.get("partner_id")})
            return IntakeResult(kind=ResultKind.FAILED, reference=reference_of(raw), message=FAILED_MESSAGE)


# A batch response's `results` (signals-api.md) give each signal's outcome as the status
# POST /signals would have answered; an upload keeps its row results in the same shape.
BATCH_STATUS = {ResultKind.RECEIVED: 201, ResultKind.DUPLICATE: 200, ResultKind.CONFLICT: 409,
                ResultKind.REJECTED: 422, ResultKind.FAILED: 500}


def batch_item(index: int, result: IntakeResult) -> dict[str, Any]:
    """One entry of a batch's (or an upload's) `results`."""
    item: dict[str, Any] = {"index": index, "reference": result.reference, "status": BATCH_STATUS[result.kind]}
    if result.signal_id is not None:
        item["signal_id"] = result.signal_id
    if result.kind is ResultKind.REJECTED:
        item["details"] = list(result.details)
    if result.message is not None:
        item["message"] = result.message
    return item
