"""Classifying a new signal: attach it to its case, compute the facts, sort
the case into a basket and start that basket's treatment path.

Pure: it gets the household's cases and the active criteria, and returns the
case to store and the steps to queue. Storing it (one conditional write) and
queueing are the caller's, so a redelivered record changes nothing twice.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vroegsignaal import clock, ids
from vroegsignaal.domain import cases, paths


@dataclass
class Classified:
    case: dict[str, Any]
    is_new: bool
    to_queue: list[dict[str, Any]] = field(default_factory=list)
    already_attached: bool = False  # a redelivered record: nothing to write
    basket_changed: bool = False


def classify(case: dict[str, Any], household_cases: list[dict[str, Any]], active, now: datetime,
             *, trigger: str) -> list[dict[str, Any]]:
    """Classify the case under the active criteria (mutates it); returns the steps to queue."""
    criteria = active.criteria
    facts = cases.facts_of(case, household_cases, criteria)
    result = criteria.classify(facts)
    case["classifications"].append({
        "at": clock.iso(now), "criteria_version": active.version, "basket_id": result.basket_id,
        "trigger": trigger, "facts": result.facts,
        # The facts are stored once, beside the explanation (a case keeps every classification).
        "explanation": {k: v for k, v in result.explanation.items() if k != "facts"},
    })
    case["criteria_version"] = active.version
    if result.basket_id == case["basket_id"]:
        return []  # reclassified into the same basket: nothing happens
    case["basket_id"] = result.basket_id
    return paths.enter_basket(case, result.basket_id, result.basket.path, now)


def classify_signal(signal_item: dict[str, Any], household: str, household_cases: list[dict[str, Any]],
                    active, now: datetime) -> Classified:
    """A new signal, its household's cases (open and closed) and the active criteria."""
    done = cases.contains_signal(household_cases, signal_item["signal_id"])
    if done is not None:
        # Redelivered: the case was written; queue again what may not have been sent.
        return Classified(done, is_new=False, already_attached=True,
                          to_queue=[s for s in done["steps"] if s["status"] == "queued"])
    entry = cases.signal_entry(signal_item)
    signal_date = datetime.fromisoformat(entry["signal"]["signal_date"]).date()
    match = cases.match_case(household_cases, signal_date, active.criteria.settings.matching_window_days)
    if match is None:
        case = cases.new_case(case_id=ids.new_id("case"), household=household, entry=entry, now=now)
    else:
        case = copy.deepcopy(match)
    cases.attach(case, entry)
    if case["moved_by_hand"]:
        return Classified(case, is_new=match is None)  # a consultant decided: no reclassification
    previous_basket = case["basket_id"]
    to_queue = classify(case, household_cases, active, now, trigger="signal")
    return Classified(case, is_new=match is None, to_queue=to_queue,
                      basket_changed=previous_basket is not None and case["basket_id"] != previous_basket)
