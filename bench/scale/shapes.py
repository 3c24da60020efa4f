"""Everything bench.scale knows about the shape of the table's items, in one place,
so the bench can follow a change of storage layout by changing only this module.

The bench drives the services' public methods; what it reads of items is only
what the DynamoDB stream shows (which signals and tasks were stored) and, for the
report, how many items of each type the table holds.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from .store import FakeDynamoDB

SIGNAL_TYPE = "signal"
TASK_TYPE = "task"


def _text(image: dict[str, Any], name: str) -> str | None:
    value = image.get(name)
    return str(value["S"]) if value and "S" in value else None


def is_signal(image: dict[str, Any]) -> bool:
    """The classify function's event filter: INSERTs of `type = signal`."""
    return _text(image, "type") == SIGNAL_TYPE


def new_task(image: dict[str, Any]) -> tuple[str, str, str] | None:
    """(task_id, case_id, task type) of a task item just stored; None for other items."""
    if _text(image, "type") != TASK_TYPE:
        return None
    return (_text(image, "task_id") or "", _text(image, "case_id") or "",
            _text(image, "task_type") or _text(image, "type") or "")


def items_by_type(dynamodb: FakeDynamoDB) -> Counter[str]:
    """How many items of each `type` the table holds (for the report)."""
    counts: Counter[str] = Counter()
    for partition in dynamodb.base.values():
        for record in partition.records.values():
            counts[_text(record.item, "type") or "?"] += 1
    return counts


def average_size(dynamodb: FakeDynamoDB, item_type: str) -> float:
    sizes = [record.size for partition in dynamodb.base.values() for record in partition.records.values()
             if _text(record.item, "type") == item_type]
    return sum(sizes) / len(sizes) if sizes else 0.0


def case_items(dynamodb: FakeDynamoDB) -> list[dict[str, Any]]:
    """Every case item the table holds (DynamoDB's attribute values)."""
    return [record.item for partition in dynamodb.base.values() for record in partition.records.values()
            if _text(record.item, "type") == "case"]


def new_case(image: dict[str, Any]) -> str | None:
    """The case_id of a case item just stored; None for other items."""
    return _text(image, "case_id") if _text(image, "type") == "case" else None


def open_cases(dynamodb: FakeDynamoDB) -> int:
    """How many open case items the table holds (what GET baskets' counters must equal)."""
    return sum(1 for partition in dynamodb.base.values() for record in partition.records.values()
               if _text(record.item, "type") == "case" and _text(record.item, "status") == "open")
