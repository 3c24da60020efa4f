"""The partner's status feed (signals-api.md, `GET /signals?changed_since=`): which of a
partner's signals changed status, when, oldest change first.

A signal's status follows its case (cases.partner_status). Its changes: its receipt
(`received`), joining a case the municipality already picked up (`in_progress`), and
its case being picked up (`in_progress`) or closed (`closed`). Until a case holds it,
the stored signal is its own feed item (its receipt). From then on the case's entry
for that partner reports it: one entry per (case, partner), listing the partner's
signals in the case, each with the time it joined the entry's status. Every signal of
a case has the case's status, so a pick-up or a close changes one entry per partner
of the case, however many signals it holds (docs/decisions.md, "Partners").

An entry lists up to INLINE_MAX signals itself (the case's first ones); a case that
grows beyond that lists each further signal in a chunk item of its entry (at most
CHUNK_SIZE signals each), so no write of a case grows with its signals.

An entry's place in the feed is the time it was last written; each signal it lists
changed at or before that place, so reading from `changed_since` on never misses a
change, and a signal is reported once, with its current status and its latest change.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import ddas
from vroegsignaal.domain.cases import partner_status

INLINE_MAX = 20   # signals of a case (all partners) listed on the entries themselves
CHUNK_SIZE = 50   # signals of a case per chunk beyond those


@dataclass(frozen=True, slots=True)
class EntryChange:
    """What one write of a case changes in the feed entry of one of its partners.
    `at`: the entry's new place in the feed; `status_changed_at`: set when the case's partner status changed;
    `joined`: the partner's signal the write added, with the time of its latest change;
    `chunk`: None when the entry lists it, else the number of the chunk that does."""

    partner_id: str
    status: str
    at: str
    status_changed_at: str | None = None
    joined: dict[str, str] | None = None
    chunk: int | None = None


def entry_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], now: str) -> list[EntryChange]:
    """The feed entries a case write changes (`before` None: a new case; `now` ISO UTC)."""
    status = partner_status(after)
    status_changed = before is not None and partner_status(before) != status
    changes: dict[str, EntryChange] = {}
    if status_changed:
        at = _status_time(after, status, now)
        for partner_id in after["aggregate"]["partner_ids"]:
            changes[partner_id] = EntryChange(partner_id, status, at, status_changed_at=at)
    joined = _joined(before, after)
    if joined is not None:
        partner_id = joined["partner_id"]
        # Joining a case nobody picked up changes nothing: the receipt stays its latest change.
        changed_at = joined["received_at"] if status == ddas.RECEIVED else now
        previous = changes.get(partner_id)
        changes[partner_id] = EntryChange(
            partner_id, status, max(now, previous.at if previous else now),
            status_changed_at=previous.status_changed_at if previous else None,
            joined={"reference": joined["reference"], "signal_id": joined["signal_id"], "changed_at": changed_at},
            chunk=chunk_of(int(after["aggregate"]["signal_count"])))
    return list(changes.values())


def chunk_of(signal_number: int) -> int | None:
    """Where the case's n-th signal is listed: None on its partner's entry, else a chunk."""
    return None if signal_number <= INLINE_MAX else (signal_number - INLINE_MAX - 1) // CHUNK_SIZE


def _status_time(case: Mapping[str, Any], status: str, now: str) -> str:
    """When the case took this status: its closing or pick-up time (now if it has none)."""
    moment = case.get("closed_at") if status == ddas.CLOSED else case.get("picked_up_at")
    return iso_utc(str(moment)) if moment else now


def _joined(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Mapping[str, str] | None:
    """The signal this write added to the case, if it added one."""
    count_before = int(before["aggregate"]["signal_count"]) if before is not None else 0
    if int(after["aggregate"]["signal_count"]) <= count_before:
        return None
    joined: Mapping[str, str] | None = after.get("joined_signal")
    return joined


# --------------------------------------------------------------------------- reading


def receipt(signal: Mapping[str, Any]) -> dict[str, str]:
    """A signal no case holds yet, as the feed reports it."""
    return {"reference": signal["reference"], "signal_id": signal["signal_id"], "status": ddas.RECEIVED,
            "changed_at": signal["received_at"]}


def entry_signals(entry: Mapping[str, Any], chunks: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, str]]:
    """The signals a case's feed entry reports (its own list, then its chunks' in order),
    in the order they joined, each with its current status and the time of its latest change."""
    status_changed_at = entry.get("status_changed_at") or ""
    listed = [*(entry.get("signals") or []), *(signal for chunk in chunks for signal in chunk.get("signals") or [])]
    return [{"reference": signal["reference"], "signal_id": signal["signal_id"], "status": entry["status"],
             "changed_at": max(status_changed_at, signal["changed_at"])}
            for signal in listed]


def parse_since(text: str) -> str:
    """`changed_since` as the feed compares it (ISO 8601 UTC with microseconds and a Z);
    ValueError with what is wrong (never the value)."""
    if not text:
        raise ValueError("required: an ISO 8601 timestamp such as 2026-11-20T08:00:00Z")
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError("must be an ISO 8601 timestamp such as 2026-11-20T08:00:00Z") from None
    if "T" not in text.upper() or moment.tzinfo is None:
        raise ValueError("must be an ISO 8601 timestamp with a time and a time zone, such as "
                         "2026-11-20T08:00:00Z or 2026-11-20T09:00:00+01:00")
    try:
        return clock.iso(moment)
    except OverflowError:  # year 1 or 9999 moved into UTC
        raise ValueError("must be a timestamp between the years 0001 and 9999 in UTC") from None


def iso_utc(value: str) -> str:
    """A stored timestamp (…Z or +00:00) in the feed's form."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return clock.iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
