"""Classification of one stored signal, with its ports: the case store, the
active criteria, the queues and the household key. The stream handler calls
`handle` per record.

Ports: cases (household, store_classified, case_of_signal), active_criteria
(code -> ActiveCriteria, read once per batch per municipality by the caller),
send_steps(case, steps), give_up(signal_item, reason) for a signal the store
can never accept, household_secret().
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from vroegsignaal import clock
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.case import Case
from vroegsignaal.domain.cases import AlreadyInCase
from vroegsignaal.domain.classification import Classified, classify_signal, redelivered
from vroegsignaal.domain.household import Household

log = logging.getLogger(__name__)


class CaseStore(Protocol):
    def household(self, household: str) -> tuple[list[Case], int]: ...

    def household_cases(self, household: str) -> list[Case]: ...

    def store_classified(self, signal_item: dict[str, Any], result: Classified, *, opened_seen: int) -> None: ...

    def case_of_signal(self, signal_item: dict[str, Any]) -> Case | None: ...


class SignalClassifier:
    def __init__(self, cases: CaseStore, active_criteria: Callable[[str], ActiveCriteria],
                 send_steps: Callable[[Case, list[dict[str, Any]]], Any],
                 household_secret: Callable[[], str], *,
                 give_up: Callable[[dict[str, Any], str], None] | None = None,
                 permanent: tuple[type[Exception], ...] = ()):
        self.cases = cases
        self.active_criteria = active_criteria
        self.send_steps = send_steps
        self.household_secret = household_secret
        self.give_up = give_up
        self.permanent = permanent  # the store's "never" errors (adapters.dynamo.Unstorable)

    def handle(self, signal_item: dict[str, Any]) -> Classified | None:
        """Classify the signal; None when it can never be classified and was given up
        (on the failure queue at once, so its shard goes on)."""
        try:
            return self._classify(signal_item)
        except self.permanent as error:
            if self.give_up is None:
                raise
            reason = str(getattr(error, "code", type(error).__name__))
            log.error("signal cannot be classified; sent to the failure queue",
                      extra={"signal_id": signal_item["signal_id"], "reason": reason})
            self.give_up(signal_item, reason)
            return None

    def _classify(self, signal_item: dict[str, Any]) -> Classified:
        household = Household.of(signal_item["signal"]).key(self.household_secret())
        household_cases, opened = self.cases.household(household)
        result = classify_signal(signal_item, household, household_cases,
                                 self.active_criteria(signal_item["municipality_code"]), clock.now())
        if not result.already_attached:
            try:
                self.cases.store_classified(signal_item, result, opened_seen=opened)  # ConcurrentChange: retried
            except AlreadyInCase:
                case = self.cases.case_of_signal(signal_item)
                if case is None:
                    raise
                result = redelivered(case)
        if result.to_queue:
            # After the write: a failure here redelivers the record, which queues them again.
            self.send_steps(result.case, [step.item() for step in result.to_queue])
        return result
