"""Retention that leaves nothing behind (municipality-api.md, "Retention").

DynamoDB TTL deletes a case when its term ends; the stream's REMOVE record
carries the case as it was (its old image), and this deletes everything else
that names the resident or belongs to the case: the signals its log names,
its letters (every PDF version), its tasks and every item under the
case-scoped prefixes of its household partition (log, search and audit
entries). TTL may delete a log entry before the case's record is handled:
a signal entry's own REMOVE deletes the signal it names, so no order of the
two leaves a signal behind. Idempotent: a redelivered record deletes and
counts nothing twice.

Ports (duck-typed, so unit tests use in-memory fakes): store (adapters/retention_store.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from vroegsignaal import clock
from vroegsignaal.domain import monthly

SIGNAL_KIND = "signal"  # domain/cases.SIGNAL: a log entry that names a partner's signal


class RetentionStore(Protocol):
    def case_items(self, household: str, case_id: str) -> list[dict[str, Any]]: ...

    def delete_items(self, item_keys: list[tuple[str, str]]) -> None: ...

    def delete_signal(self, partner_id: str, reference: str) -> bool: ...

    def delete_task(self, task_id: str) -> bool: ...

    def delete_letters(self, code: str, case_id: str) -> int: ...

    def count_case_once(self, code: str, case_id: str, figures: dict[str, int], now: datetime,
                        case: dict[str, Any] | None = None) -> bool: ...

    def count(self, code: str, figures: dict[str, int], now: datetime) -> None: ...
    def release_case(self, case: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Deleted:
    """What one record's handling deleted (ids and counts only: what logs and metrics carry)."""

    cases: int = 0
    signals: int = 0
    letters: int = 0
    tasks: int = 0
    items: int = 0  # case-scoped items of the household partition

    def counts(self) -> dict[str, int]:
        return {"cases": self.cases, "signals": self.signals, "letters": self.letters, "tasks": self.tasks}


def _named_signal(entry: dict[str, Any]) -> tuple[str, str] | None:
    body = entry.get("body") or {}
    if entry.get("kind") != SIGNAL_KIND or not body.get("partner_id") or not body.get("reference"):
        return None
    return str(body["partner_id"]), str(body["reference"])


class Retention:
    def __init__(self, store: RetentionStore, now: Callable[[], datetime] = clock.now):
        self.store, self.now = store, now

    def case_expired(self, case: dict[str, Any]) -> Deleted:
        """The case (its old image) is gone: delete what belongs to it."""
        code, case_id, household = case["municipality_code"], case["case_id"], case["household"]
        items = self.store.case_items(household, case_id)
        signals = sum(self.store.delete_signal(*named) for named in map(_named_signal, items) if named)
        letter_count = self.store.delete_letters(code, case_id)
        task_count = sum(self.store.delete_task(str(task_id)) for task_id in case.get("tasks") or [])
        self.store.delete_items([(item["pk"], item["sk"]) for item in items])
        self.store.release_case(case)
        counted = self.store.count_case_once(code, case_id, monthly.deleted(
            {"cases": 1, "signals": signals, "letters": letter_count, "tasks": task_count}), self.now(), case)
        return Deleted(cases=int(counted), signals=signals, letters=letter_count, tasks=task_count,
                       items=len(items))

    def signal_entry_expired(self, entry: dict[str, Any]) -> Deleted:
        """A signal entry of a case's log is gone (TTL, before or after its case): the
        signal it names goes too."""
        named = _named_signal(entry)
        if named is None:
            return Deleted()
        deleted = int(self.store.delete_signal(*named))
        code = ((entry.get("body") or {}).get("signal") or {}).get("municipality_code")
        if deleted and code:
            self.store.count(str(code), monthly.deleted({"signals": deleted}), self.now())
        return Deleted(signals=deleted)
