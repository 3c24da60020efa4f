"""Classifying a new signal: attach it to its case, compute the facts, sort
the case into a basket and start that basket's treatment path.

Pure: it gets the household's cases and the active criteria, and returns the
case to store, the log entries to store with it and the steps to queue.
Storing (one transaction) and queueing are the caller's, so a redelivered
record changes nothing twice.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vroegsignaal import clock, ids
from vroegsignaal.domain import cases, paths
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.case import Case, Step


@dataclass
class Classified:
    case: Case
    is_new: bool
    to_queue: list[Step] = field(default_factory=list)
    log: list[cases.LogEntry] = field(default_factory=list)  # to store with the case
    already_attached: bool = False  # a redelivered record: nothing to write
    basket_changed: bool = False


def classify(case: Case, household_cases: list[Case], active: ActiveCriteria, now: datetime,
             *, trigger: str) -> tuple[list[Step], cases.LogEntry]:
    """Classify the case under the active criteria (mutates it); returns the steps
    to queue and the classification's log entry."""
    criteria = active.criteria
    result = criteria.classify(cases.facts_of(case, household_cases, criteria))
    at = clock.iso(now)
    case["classification_count"] = int(case.get("classification_count") or 0) + 1
    entry = cases.LogEntry(cases.CLASSIFICATION, f"{at}#{case['classification_count']:06d}", {
        "at": at, "criteria_version": active.version, "basket_id": result.basket_id,
        "trigger": trigger, "facts": result.facts,
        # The facts are stored once, beside the explanation.
        "explanation": {k: v for k, v in result.explanation.items() if k != "facts"},
    })
    case["criteria_version"] = active.version
    # Once a repeat, always: the monthly report counts the cohort's repeat cases (domain/monthly.py).
    case["repeat"] = bool(case.get("repeat")) or bool(result.facts.get("repeat"))
    if result.basket_id == case["basket_id"]:
        return [], entry  # reclassified into the same basket: nothing happens
    case["basket_id"] = result.basket_id
    return paths.enter_basket(case, result.basket_id, result.basket.path, now), entry


def redelivered(case: Case) -> Classified:
    """A record whose signal is in this case already: queue again what may not have been sent."""
    return Classified(case, is_new=False, already_attached=True,
                      to_queue=[s for s in paths.steps_of(case) if s.status == "queued"])


def classify_signal(signal_item: dict[str, Any], household: str, household_cases: list[Case],
                    active: ActiveCriteria, now: datetime) -> Classified:
    """A new signal, its household's cases (open and closed) and the active criteria."""
    known = signal_item.get("case_id")
    done = next((c for c in household_cases if c["case_id"] == known), None) if known else None
    if done is not None:
        return redelivered(done)
    signal_date = date.fromisoformat(signal_item["signal"]["signal_date"])
    match = cases.match_case(household_cases, signal_date, active.criteria.settings.matching_window_days)
    if match is None:
        case = cases.new_case(case_id=ids.new_id("case"), household=household, signal_item=signal_item)
    else:
        case = copy.deepcopy(match)
    log = [cases.attach(case, signal_item)]
    if case["moved_by_hand"]:
        return Classified(case, is_new=match is None, log=log)  # a consultant decided: no reclassification
    previous_basket = case["basket_id"]
    to_queue, classification = classify(case, household_cases, active, now, trigger="signal")
    return Classified(case, is_new=match is None, to_queue=to_queue, log=[*log, classification],
                      basket_changed=previous_basket is not None and case["basket_id"] != previous_basket)
