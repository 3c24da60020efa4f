"""Cases (vroegsignaalzaken): matching a signal to its household's case, what
a case knows of its signals, and the rules that change a case.

criteria.md, "Cases": a new signal joins an open case of its household whose
start date is at most `matching_window_days` before or after the signal's
`signal_date` (inclusive); of several, the one whose start is closest, on a
tie the one with the earlier start date. Otherwise it opens a new case.
Matching uses the partners' signal dates, never arrival times; a closed case
never takes new signals.

A case is a `Case` (domain/case.py: its fields, each typed), of bounded
size whatever its household sends. What grows with the case (its signals, classifications, contact
attempts and moves) is its log: `LogEntry`s, each stored once and never
changed, returned by the rules below for the store to write with the case.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import ddas, paths
from vroegsignaal.domain.case import Case, ContactAttempt, Move, Step
from vroegsignaal.domain.criteria import Criteria, Facts, SignalAggregate, SignalFacts
from vroegsignaal.domain.kenmerk import new_kenmerk
from vroegsignaal.domain.retention import expires_at_on_close, expires_at_on_open, pick_up

NAMES_MAX = 20  # display names kept on a case (a list shows them; the view has every signal)

SIGNAL, CLASSIFICATION, CONTACT_ATTEMPT, MOVE = "signal", "classification", "contact_attempt", "move"
LOG_KINDS = (SIGNAL, CLASSIFICATION, CONTACT_ATTEMPT, MOVE)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of a case's log. `order` sorts the entries of a kind (arrival or
    time, made unique); `body` is what the case view shows of it."""

    kind: str
    order: str
    body: dict[str, Any]


class AlreadyInCase(Exception):
    """The signal is in a case already (a redelivered stream record)."""


# --------------------------------------------------------------------------- signals


def arrival(signal_item: dict[str, Any]) -> str:
    """A sortable arrival key: on equal signal dates the greatest is the latest signal."""
    return f"{signal_item['received_at']}#{signal_item['signal_id']}"


def signal_entry(signal_item: dict[str, Any]) -> LogEntry:
    """How a stored signal sits in its case's log."""
    body = {key: signal_item[key] for key in
            ("signal_id", "reference", "partner_id", "partner_type", "received_at", "signal")}
    return LogEntry(SIGNAL, arrival(signal_item), body)


def signal_facts(signal_item: dict[str, Any]) -> SignalFacts:
    """What the engine needs of one signal."""
    record = signal_item["signal"]
    debtor = record["debtor"]
    born = debtor.get("date_of_birth")
    return SignalFacts(
        partner_id=signal_item["partner_id"],
        partner_type=signal_item["partner_type"],
        signal_date=date.fromisoformat(record["signal_date"]),
        arrears_since=date.fromisoformat(record["arrears_since"]),
        amount_cents=int(record["amount_cents"]),
        crisis=bool(record.get("crisis")),
        warm_transfer=bool(record.get("warm_transfer")),
        supply_ending=bool(record.get("supply_ending")),
        date_of_birth=date.fromisoformat(born) if born else None,
        has_phone=bool(debtor.get("phone")),
        has_email=bool(debtor.get("email")),
        arrival=arrival(signal_item),
    )


def display_name(debtor: dict[str, Any]) -> str:
    return " ".join(part for part in (debtor.get("initials"), debtor.get("prefix"), debtor["last_name"]) if part)


# --------------------------------------------------------------------------- matching


def match_case(cases: Iterable[Case], signal_date: date, window_days: int) -> Case | None:
    """The open case this signal joins, or None for a new case."""
    candidates = []
    for case in cases:
        if case["status"] != "open":
            continue
        distance = abs((date.fromisoformat(case["start_date"]) - signal_date).days)
        if distance <= window_days:
            # On a tie the case with the earlier start date (signal dates, never arrival times).
            candidates.append((distance, case["start_date"], case["opened_at"], case["case_id"], case))
    return min(candidates, key=lambda c: c[:4])[4] if candidates else None


def new_case(*, case_id: str, household: str, signal_item: dict[str, Any]) -> Case:
    record = signal_item["signal"]
    address = record["debtor"]["address"]
    return {
        "case_id": case_id,
        "kenmerk": new_kenmerk(),  # a collision fails the case's first write; the retry draws again
        "municipality_code": record["municipality_code"],
        "household": household,
        "postcode": address["postcode"],
        "house_number": address["house_number"],
        "house_number_suffix": address.get("house_number_suffix"),
        "status": "open",
        "start_date": record["signal_date"],
        "opened_at": signal_item["received_at"],
        "basket_id": None,
        "criteria_version": None,
        "moved_by_hand": False,
        "aggregate": SignalAggregate().record(),
        "names": [],
        "last_names": [],
        "latest_debtor": None,
        "latest_email": None,
        "latest_phone": None,
        "steps": [],
        "letters": [],
        "tasks": [],
        "classification_count": 0,
        "contact_attempt_count": 0,
        "last_reached_at": None,
        "move_count": 0,
        "picked_up_at": None,
        "closed_at": None,
        "outcome": None,
        "version": 0,
        "expires_at": expires_at_on_open(signal_item["received_at"]),  # until somebody picks it up
    }


def attach(case: Case, signal_item: dict[str, Any]) -> LogEntry:
    """Add a signal to the case (mutates it): its aggregate, names and latest
    contact details; the start date is the earliest signal_date. Returns the
    signal's log entry."""
    record = signal_item["signal"]
    debtor = record["debtor"]
    aggregate = SignalAggregate.from_record(case["aggregate"])
    previous_latest = aggregate.latest_key
    facts = signal_facts(signal_item)
    aggregate.add(facts)
    case["aggregate"] = aggregate.record()
    if previous_latest is None or (facts.signal_date, facts.arrival) > previous_latest:
        case["latest_debtor"] = debtor
    name = display_name(debtor)
    if name not in case["names"] and len(case["names"]) < NAMES_MAX:
        case["names"].append(name)
    last_name = " ".join(part for part in (debtor.get("prefix"), debtor["last_name"]) if part)
    last_names = case.setdefault("last_names", [])
    if last_name not in last_names and len(last_names) < NAMES_MAX:
        last_names.append(last_name)  # what a search by name finds (adapters/search_index.py)
    # Contact details: the last to arrive that has one.
    if debtor.get("email"):
        case["latest_email"] = debtor["email"]
    if debtor.get("phone"):
        case["latest_phone"] = debtor["phone"]
    case["start_date"] = min(case["start_date"], record["signal_date"])
    # The partner's status feed follows this join (domain/feed.py): ids only, no debtor data.
    case["joined_signal"] = {key: signal_item[key] for key in ("signal_id", "reference", "partner_id", "received_at")}
    # What the monthly counters count of the signal this write adds (domain/monthly.py).
    case["last_signal"] = {"signal_date": record["signal_date"], "partner_type": signal_item["partner_type"]}
    return signal_entry(signal_item)


def facts_of(case: Case, household_cases: Iterable[Case], criteria: Criteria) -> Facts:
    """The facts of the case under these criteria; `repeat` looks at the household's other cases."""
    return SignalAggregate.from_record(case["aggregate"]).facts(
        postcode=case["postcode"],
        case_start=date.fromisoformat(case["start_date"]),
        earlier_case_starts=[date.fromisoformat(c["start_date"]) for c in household_cases
                             if c["case_id"] != case["case_id"]],
        settings=criteria.settings,
    )


def signal_count(case: Case) -> int:
    return int(case["aggregate"]["signal_count"])


def summary(case: Case) -> dict[str, Any]:
    """What a list of cases shows beyond the case's own fields; stored with every
    write so lists need not compute it."""
    aggregate = case["aggregate"]
    address = (case.get("latest_debtor") or {}).get("address") or {}
    return {
        "kenmerk": case.get("kenmerk"),
        "street": address.get("street"),  # the latest signal's: the household shares postcode and number
        "city": address.get("city"),
        "names": list(case["names"]),
        "signal_count": int(aggregate["signal_count"]),
        "partner_types": sorted(aggregate["partner_types"]),
        "total_amount_cents": int(aggregate["total_amount_cents"]),
        "next_step": paths.next_step(case),
    }


def letter_facts(case: Case) -> dict[str, Any]:
    """What a letter says of the case (municipality-api.md, "Letters"): the debtor
    of the latest signal at the household address, the partner types, the total
    and the case's reference. The keyword arguments of letters.build_context
    beyond the municipality and the date."""
    debtor = case["latest_debtor"] or {}
    aggregate = case["aggregate"]
    return {"debtor": debtor, "address": debtor.get("address") or {},
            "partner_types": sorted(aggregate["partner_types"]),
            "total_amount_cents": int(aggregate["total_amount_cents"]), "case_id": case["case_id"],
            "kenmerk": case.get("kenmerk")}


# --------------------------------------------------------------------------- the partner's view


def partner_status(case: Mapping[str, Any] | None) -> str:
    """A signal's status for its partner (signals-api.md) follows its case."""
    if case is None:
        return ddas.RECEIVED  # not classified yet
    if case["status"] == "closed":
        return ddas.CLOSED
    return ddas.IN_PROGRESS if case.get("picked_up_at") else ddas.RECEIVED


# --------------------------------------------------------------------------- what consultants do


def move_by_hand(case: Case, basket_id: str, path: Iterable[dict[str, Any]], reason: str,
                 now: datetime) -> tuple[list[Step], LogEntry]:
    """A consultant moves the case: it is not reclassified after this and counts as
    picked up; the path changes unless it stays in its basket. Returns the steps to
    queue and the move's log entry."""
    previous = case.get("basket_id")
    at = clock.iso(now)
    case["moved_by_hand"] = True
    case["move_count"] = int(case.get("move_count") or 0) + 1
    move = Move(at=at, from_basket=previous, to_basket=basket_id, reason=reason)
    entry = LogEntry(MOVE, f"{at}#{case['move_count']:06d}", move.body())
    pick_up(case, at)
    to_queue: list[Step] = []
    if basket_id != previous:
        case["basket_id"] = basket_id
        to_queue = paths.enter_basket(case, basket_id, path, now)
    return to_queue, entry


def register_contact_attempt(case: Case, fields: dict[str, Any], attempt_id: str,
                             now: datetime) -> LogEntry:
    """A contact attempt: the case is picked up; a reached resident stops later path
    steps (paths.reached_since reads `last_reached_at`)."""
    at = clock.iso(now)
    attempt = ContactAttempt(attempt_id=attempt_id, type=fields.get("type"), reached=bool(fields.get("reached")),
                             date=fields.get("date"), part_of_day=fields.get("part_of_day"),
                             note=fields.get("note"), registered_at=at)
    case["contact_attempt_count"] = int(case.get("contact_attempt_count") or 0) + 1
    if attempt.reached:
        case["last_reached_at"] = at
    pick_up(case, at)
    return LogEntry(CONTACT_ATTEMPT, f"{at}#{attempt_id}", attempt.body())


def close(case: Case, outcome: str, now: datetime) -> None:
    """Close the case: no further path step runs, the partners see `closed`."""
    case["status"] = "closed"
    case["closed_at"] = clock.iso(now)
    case["outcome"] = outcome
    paths.cancel_open_steps(case)
    case["expires_at"] = expires_at_on_close(case, now)
