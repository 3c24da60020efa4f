"""Sorting a file of signals under a criteria document, offline: what a
municipality checks before it uploads its afwegingskader. Nothing is stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.case import Case
from vroegsignaal.domain.classification import classify_signal
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.household import Household
from vroegsignaal.domain.signal import validate_signal
from vroegsignaal.services.intake import signal_item

_OFFLINE_SECRET = "dry-run"  # households only need to match within this run
_FILE_START = datetime(2000, 1, 1, tzinfo=UTC)  # arrival times only order the file


@dataclass
class SortedSignal:
    index: int
    reference: str | None
    case: str | None          # "case 1", "case 2", ... in order of opening
    basket_id: str | None
    explanation: dict[str, Any] | None
    problems: list[dict[str, Any]] | None


def sort_signals(entries: list[dict[str, Any]], active: ActiveCriteria, *, today: date) -> list[SortedSignal]:
    """`entries`: {"partner_id", "partner_type", "signal": <payload as a partner sends it>}.
    Signals arrive in file order (one microsecond apart, so the latest signal
    among equal signal dates is the last in the file, as the stream would see
    them), each classified against the cases of the signals before it."""
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
        arrival = _FILE_START + timedelta(microseconds=index)
        validated.append((index, signal_item(signal, partner=partner, received_at=arrival)))
    households: dict[str, dict[str, Case]] = {}
    case_names: dict[str, str] = {}
    explanations: dict[str, dict[str, Any]] = {}
    for index, item in validated:
        key = Household.of(item["signal"]).key(_OFFLINE_SECRET)
        cases = households.setdefault(key, {})
        now = datetime.fromisoformat(item["received_at"].replace("Z", "+00:00"))
        outcome = classify_signal(item, key, list(cases.values()), active, now)
        case = outcome.case
        cases[case["case_id"]] = case
        case_names.setdefault(case["case_id"], f"case {len(case_names) + 1}")
        classification = outcome.log[-1].body if len(outcome.log) > 1 else None
        explanation = classification["explanation"] if classification else explanations.get(case["case_id"])
        if classification:
            explanations[case["case_id"]] = classification["explanation"]
        results[index] = SortedSignal(index, item["reference"], case_names[case["case_id"]], case["basket_id"],
                                      explanation, None)
    return [results[i] for i in sorted(results)]
