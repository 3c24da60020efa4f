"""DynamoDB Time to Live on the local clock, inside moto's process.

DynamoDB deletes an item some time after the epoch-seconds Number in the
table's TTL attribute has passed, and its stream gets a REMOVE record whose
`userIdentity` names the TTL service. The local stack does it when asked
(the clock moved, or now and then), with the system's time.
"""
from __future__ import annotations

from typing import Any

# As the DynamoDB Streams API spells it; Lambda events spell it {"type", "principalId"}.
TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def expire_items(now_epoch_seconds: float) -> int:
    """Delete every item of every table with TTL enabled whose TTL attribute is at or before
    now; return how many were deleted."""
    from moto.backends import get_backend

    expired = 0
    for account in get_backend("dynamodb").values():
        for backend in account.values():
            for table in backend.tables.values():
                expired += _expire_table(table, now_epoch_seconds)
    return expired


def _expire_table(table: Any, now: float) -> int:
    ttl = getattr(table, "ttl", None) or {}
    attribute = ttl.get("AttributeName")
    if ttl.get("TimeToLiveStatus") != "ENABLED" or not attribute:
        return 0
    due = [item for item in _items(table) if _is_due(item, attribute, now)]
    for item in due:
        table.delete_item(item.hash_key, item.range_key)
        if table.stream_shard is not None and table.stream_shard.items:
            table.stream_shard.items[-1].record["userIdentity"] = dict(TTL_IDENTITY)
    return len(due)


def _items(table: Any) -> list[Any]:
    found: list[Any] = []
    for value in list(table.items.values()):
        if isinstance(value, dict):
            found.extend(value.values())
        else:
            found.append(value)
    return found


def _is_due(item: Any, attribute: str, now: float) -> bool:
    value = item.attrs.get(attribute)
    if value is None or value.type != "N":  # DynamoDB ignores anything but a Number
        return False
    try:
        return float(value.value) <= now
    except ValueError:
        return False
