"""Cases (vroegsignaalzaken): matching a signal to its household's case, and
the facts of a case.

criteria.md, "Cases": a new signal joins an open case of its household whose
start date is at most `matching_window_days` before or after the signal's
`signal_date` (inclusive); of several, the one whose start is closest, on a
tie the oldest. Otherwise it opens a new case. Matching uses the partners'
signal dates, never arrival times; a closed case never takes new signals.

A case is a plain dict (stored as one item): case_id, municipality_code,
household, postcode, house_number, house_number_suffix, status, start_date,
opened_at, basket_id, criteria_version, moved_by_hand, signals (entries of
`signal_entry`), classifications, steps (domain.paths), letters,
contact_attempts, moves, picked_up_at, closed_at, outcome, version.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from vroegsignaal.domain import paths
from vroegsignaal.domain.retention import expires_at_on_open
from vroegsignaal.domain.criteria import Criteria, Facts, SignalFacts, compute_facts


def signal_entry(signal_item: dict[str, Any]) -> dict[str, Any]:
    """How a stored signal sits in its case."""
    return {key: signal_item[key] for key in
            ("signal_id", "reference", "partner_id", "partner_type", "received_at", "signal")}


def contains_signal(cases: Iterable[dict[str, Any]], signal_id: str) -> dict[str, Any] | None:
    return next((c for c in cases if any(s["signal_id"] == signal_id for s in c["signals"])), None)


def match_case(cases: Iterable[dict[str, Any]], signal_date: date, window_days: int) -> dict[str, Any] | None:
    """The open case this signal joins, or None for a new case."""
    candidates = []
    for case in cases:
        if case["status"] != "open":
            continue
        distance = abs((date.fromisoformat(case["start_date"]) - signal_date).days)
        if distance <= window_days:
            # On a tie the oldest case: by start date (signal dates, never arrival times).
            candidates.append((distance, case["start_date"], case["opened_at"], case["case_id"], case))
    return min(candidates, key=lambda c: c[:4])[4] if candidates else None


def new_case(*, case_id: str, household: str, entry: dict[str, Any], now: datetime) -> dict[str, Any]:
    record = entry["signal"]
    address = record["debtor"]["address"]
    return {
        "case_id": case_id,
        "municipality_code": record["municipality_code"],
        "household": household,
        "postcode": address["postcode"],
        "house_number": address["house_number"],
        "house_number_suffix": address.get("house_number_suffix"),
        "status": "open",
        "start_date": record["signal_date"],
        "opened_at": entry["received_at"],
        "basket_id": None,
        "criteria_version": None,
        "moved_by_hand": False,
        "signals": [],
        "classifications": [],
        "steps": [],
        "letters": [],
        "contact_attempts": [],
        "moves": [],
        "picked_up_at": None,
        "closed_at": None,
        "outcome": None,
        "version": 0,
        "expires_at": expires_at_on_open(entry["received_at"]),  # until somebody picks it up
    }


def attach(case: dict[str, Any], entry: dict[str, Any]) -> None:
    """Add a signal to the case (mutates it); the start date is the earliest signal_date."""
    case["signals"].append(entry)
    case["start_date"] = min(case["start_date"], entry["signal"]["signal_date"])


def _signal_facts(entry: dict[str, Any]) -> SignalFacts:
    record = entry["signal"]
    debtor = record["debtor"]
    born = debtor.get("date_of_birth")
    return SignalFacts(
        partner_id=entry["partner_id"],
        partner_type=entry["partner_type"],
        signal_date=date.fromisoformat(record["signal_date"]),
        arrears_since=date.fromisoformat(record["arrears_since"]),
        amount_cents=int(record["amount_cents"]),
        crisis=bool(record.get("crisis")),
        warm_transfer=bool(record.get("warm_transfer")),
        supply_ending=bool(record.get("supply_ending")),
        date_of_birth=date.fromisoformat(born) if born else None,
        has_phone=bool(debtor.get("phone")),
        has_email=bool(debtor.get("email")),
        arrival=f"{entry['received_at']}#{entry['signal_id']}",
    )


def facts_of(case: dict[str, Any], household_cases: Iterable[dict[str, Any]], criteria: Criteria) -> Facts:
    """The facts of the case under these criteria; `repeat` looks at the household's other cases."""
    return compute_facts(
        [_signal_facts(entry) for entry in case["signals"]],
        postcode=case["postcode"],
        case_start=date.fromisoformat(case["start_date"]),
        earlier_case_starts=[date.fromisoformat(c["start_date"]) for c in household_cases
                             if c["case_id"] != case["case_id"]],
        settings=criteria.settings,
    )


def display_names(case: dict[str, Any]) -> list[str]:
    """The debtors' display names, distinct, in order of arrival."""
    names: list[str] = []
    for entry in case["signals"]:
        debtor = entry["signal"]["debtor"]
        name = " ".join(part for part in (debtor.get("initials"), debtor.get("prefix"), debtor["last_name"]) if part)
        if name not in names:
            names.append(name)
    return names


def latest_signal(case: dict[str, Any]) -> dict[str, Any]:
    """The signal with the latest signal_date, on a tie the last to arrive."""
    return max(case["signals"], key=lambda e: (e["signal"]["signal_date"], e["received_at"], e["signal_id"]))


def summary(case: dict[str, Any]) -> dict[str, Any]:
    """What a list of cases shows beyond the case's own fields; derived from the
    signals and steps, and stored with every write so lists need not read them."""
    return {
        "names": display_names(case),
        "signal_count": len(case["signals"]),
        "partner_types": sorted({entry["partner_type"] for entry in case["signals"]}),
        "total_amount_cents": sum(int(entry["signal"]["amount_cents"]) for entry in case["signals"]),
        "next_step": paths.next_step(case),
    }
