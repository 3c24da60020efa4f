"""Classification of one stored signal, with its ports: the case store, the
active criteria and the queues. The stream handler calls `handle` per record."""
from __future__ import annotations

from typing import Any, Callable

from vroegsignaal import clock
from vroegsignaal.domain.household import Household
from vroegsignaal.services.classification import Classified, classify_signal


class SignalClassifier:
    def __init__(self, cases, active_criteria: Callable[[str], Any], send_steps: Callable, household_secret: Callable[[], str]):
        self.cases = cases
        self.active_criteria = active_criteria
        self.send_steps = send_steps
        self.household_secret = household_secret

    def handle(self, signal_item: dict[str, Any]) -> Classified:
        household = Household.of(signal_item["signal"]).key(self.household_secret())
        household_cases, opened = self.cases.household(household)
        result = classify_signal(signal_item, household, household_cases,
                                 self.active_criteria(signal_item["municipality_code"]), clock.now())
        if not result.already_attached:
            if result.is_new:
                self.cases.claim_new_case(household, opened_seen=opened)  # ConcurrentChange: retried
            self.cases.write(result.case)
        if result.to_queue:
            # After the write: a failure here redelivers the record, which queues them again.
            self.send_steps(result.case, result.to_queue)
        return result
