"""Sorting a file of signals under a criteria document, offline: what a
municipality checks before it uploads its afwegingskader. Nothing is stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.household import Household
from vroegsignaal.domain.signal import validate_signal
from vroegsignaal.services.classification import classify_signal
from vroegsignaal.services.intake import signal_item

_OFFLINE_SECRET = "dry-run"  # households only need to match within this run


@dataclass
class SortedSignal:
    index: int
    reference: str | None
    case: str | None          # "case 1", "case 2", ... in order of opening
    basket_id: str | None
    explanation: dict[str, Any] | None
    problems: list[dict] | None


def sort_signals(entries: list[dict[str, Any]], active: ActiveCriteria, *, today: date) -> list[SortedSignal]:
    """`entries`: {"partner_id", "partner_type", "signal": <payload as a partner sends it>}.
    Signals are taken in order of signal_date, as they would have arrived."""
    validated: list[tuple[int, dict[str, Any]]] = []
    results: dict[int, SortedSignal] = {}
    for index, entry in enumerate(entries):
        partner = {"partner_id": entry.get("partner_id", f"partner-{index}"),
                   "partner_type": entry.get("partner_type", "other")}
        raw = entry.get("signal")
        try:
            signal = validate_signal(raw, partner_type=partner["partner_type"], today=today,
                                     is_known_municipality=lambda code: True)
        except ValidationFailed as failed:
            reference = raw.get("reference") if isinstance(raw, dict) else None
            results[index] = SortedSignal(index, reference, None, None, None, failed.details)
            continue
        arrival = datetime.combine(signal.signal_date, time(12), tzinfo=timezone.utc)
        validated.append((index, signal_item(signal, partner=partner, received_at=arrival)))
    households: dict[str, dict[str, dict]] = {}
    case_names: dict[str, str] = {}
    for index, item in sorted(validated, key=lambda pair: (pair[1]["signal"]["signal_date"], pair[0])):
        key = Household.of(item["signal"]).key(_OFFLINE_SECRET)
        cases = households.setdefault(key, {})
        now = datetime.fromisoformat(item["received_at"].replace("Z", "+00:00"))
        outcome = classify_signal(item, key, list(cases.values()), active, now)
        case = outcome.case
        cases[case["case_id"]] = case
        case_names.setdefault(case["case_id"], f"case {len(case_names) + 1}")
        latest = case["classifications"][-1] if case["classifications"] else None
        results[index] = SortedSignal(index, item["reference"], case_names[case["case_id"]], case["basket_id"],
                                      latest["explanation"] if latest else None, None)
    return [results[i] for i in sorted(results)]
