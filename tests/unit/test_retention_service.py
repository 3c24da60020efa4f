"""Retention (services/retention.py) against an in-memory store: what an expired
case or signal entry takes with it, and that doing it twice deletes and counts nothing twice."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from vroegsignaal.services.retention import Retention

NOW = datetime(2027, 6, 2, 3, 0, tzinfo=UTC)


class FakeStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.signals = {("energie-noord", "EN-1"), ("woonstede", "WS-1"), ("energie-noord", "OTHER")}
        self.tasks = {"t1", "t-other"}
        self.letters = {("GM0632", "c1"): 2}
        self.counted: list[tuple[str, dict[str, int]]] = []
        self.markers: set[str] = set()
        self.released: list[str] = []

    def case_items(self, household: str, case_id: str) -> list[dict[str, Any]]:
        return [item for (pk, sk), item in self.items.items() if pk == f"HH#{household}" and sk.startswith(
            f"LOG#{case_id}#")]

    def delete_items(self, item_keys: list[tuple[str, str]]) -> None:
        for item_key in item_keys:
            self.items.pop(item_key, None)

    def delete_signal(self, partner_id: str, reference: str) -> bool:
        there = (partner_id, reference) in self.signals
        self.signals.discard((partner_id, reference))
        return there

    def delete_task(self, task_id: str) -> bool:
        there = task_id in self.tasks
        self.tasks.discard(task_id)
        return there

    def delete_letters(self, code: str, case_id: str) -> int:
        return self.letters.pop((code, case_id), 0)

    def count_case_once(self, code: str, case_id: str, figures: dict[str, int], now: datetime,
                        case: dict[str, Any] | None = None) -> bool:
        if case_id in self.markers:
            return False
        self.markers.add(case_id)
        self.counted.append((code, figures))
        return True

    def count(self, code: str, figures: dict[str, int], now: datetime) -> None:
        self.counted.append((code, figures))

    def release_case(self, case: dict[str, Any]) -> None:
        self.released.append(case["case_id"])


def entry(sk: str, partner: str, reference: str) -> dict[str, Any]:
    return {"pk": "HH#h1", "sk": sk, "kind": "signal",
            "body": {"partner_id": partner, "reference": reference, "signal": {"municipality_code": "GM0632"}}}


def store_with_a_case() -> FakeStore:
    store = FakeStore()
    for item in (entry("LOG#c1#SIG#1", "energie-noord", "EN-1"), entry("LOG#c1#SIG#2", "woonstede", "WS-1"),
                 {"pk": "HH#h1", "sk": "LOG#c1#CLS#1", "kind": "classification", "body": {}},
                 entry("LOG#c2#SIG#1", "energie-noord", "OTHER")):
        store.items[(item["pk"], item["sk"])] = item
    return store


CASE = {"case_id": "c1", "household": "h1", "municipality_code": "GM0632", "tasks": ["t1"]}


def test_an_expired_case_takes_its_signals_letters_tasks_and_items_and_nothing_else():
    store = store_with_a_case()
    deleted = Retention(store, now=lambda: NOW).case_expired(CASE)
    assert deleted.counts() == {"cases": 1, "signals": 2, "letters": 2, "tasks": 1}
    assert store.signals == {("energie-noord", "OTHER")} and store.tasks == {"t-other"}
    assert list(store.items) == [("HH#h1", "LOG#c2#SIG#1")]
    assert store.counted == [("GM0632", {"deleted.cases": 1, "deleted.signals": 2, "deleted.letters": 2,
                                         "deleted.tasks": 1})]


def test_a_redelivered_case_deletes_and_counts_nothing_more():
    store = store_with_a_case()
    retention = Retention(store, now=lambda: NOW)
    retention.case_expired(CASE)
    again = retention.case_expired(CASE)
    assert again.counts() == {"cases": 0, "signals": 0, "letters": 0, "tasks": 0}
    assert len(store.counted) == 1


def test_a_signal_entry_removed_first_takes_its_signal_and_the_case_then_finds_it_gone():
    store = store_with_a_case()
    retention = Retention(store, now=lambda: NOW)
    first = store.items.pop(("HH#h1", "LOG#c1#SIG#1"))  # TTL removed it before the case
    assert retention.signal_entry_expired(first).signals == 1
    assert retention.case_expired(CASE).signals == 1  # the other one
    assert store.signals == {("energie-noord", "OTHER")}
    assert store.counted[0] == ("GM0632", {"deleted.signals": 1})


def test_an_entry_that_names_no_signal_deletes_nothing():
    store = store_with_a_case()
    assert Retention(store, now=lambda: NOW).signal_entry_expired({"kind": "classification", "body": {}}).signals == 0
    assert len(store.signals) == 3 and store.counted == []


def test_an_expired_case_releases_what_it_held_outside_its_partition():
    store = store_with_a_case()
    Retention(store, now=lambda: NOW).case_expired(CASE)
    assert store.released == ["c1"]
