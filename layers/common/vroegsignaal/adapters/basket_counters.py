"""Per-basket counters (docs/design.md, "Counters"): how many open cases and
open signals each basket of a municipality holds, kept in the same transaction
as every case write (a follower, case_followers.py), so `GET baskets` reads a
handful of small items instead of every case.

A basket's counters are spread over BASKET_COUNTER_SHARDS items (the shard
from the case id), so cases written at the same time seldom touch the same
item (a transaction that does is cancelled and retried). Each shard holds
`open_cases`, `open_signals` and `criteria_version`: the version that last put
an open case there (an inactive basket's name and path come from it).

The oldest open case is no counter (a minimum cannot be kept after removals):
it is the first entry of the basket's open cases in gsi1, one small query per
basket with open cases.

A case removed by TTL while open (never picked up, 6 months) leaves the counters
once, however often the REMOVE record is delivered: the retention function puts
`changes(old_image, None)` into the transaction of its once-marker
(`keys.retention_done`, its own expiry a week later); `count_removal` does the
same on its own (the bench, tests).
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal import clock

from . import dynamo, keys, table

_MARKER_DAYS = 7  # longer than a stream record lives (24 h) and its retries


def _contribution(item: dict[str, Any] | None) -> tuple[str, str, int] | None:
    """(municipality, basket, open signals) an open case adds to its basket's counters."""
    if not item or item.get("status") != "open" or not item.get("basket_id"):
        return None
    return item["municipality_code"], item["basket_id"], int(item["summary"]["signal_count"])


def _shard(case_id: str) -> int:
    return zlib.crc32(case_id.encode()) % keys.BASKET_COUNTER_SHARDS


def _update(code: str, basket_id: str, case_id: str, cases: int, signals: int,
            version: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {":cases": {"N": str(cases)}, ":signals": {"N": str(signals)},
                              ":type": {"S": "basket_counter"}, ":basket": {"S": basket_id}}
    sets = ["#t = :type", "basket_id = :basket"]
    if version:
        values[":version"] = {"S": version}
        sets.append("criteria_version = :version")
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.basket_counter(code, basket_id, _shard(case_id))),
        "UpdateExpression": f"SET {', '.join(sets)} ADD open_cases :cases, open_signals :signals",
        "ExpressionAttributeNames": {"#t": "type"}, "ExpressionAttributeValues": values}}


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The counter updates of a case going from `before` to `after` (None: absent)."""
    deltas: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item, sign in ((before, -1), (after, 1)):
        found = _contribution(item)
        if found:
            code, basket_id, signals = found
            deltas[(code, basket_id)][0] += sign
            deltas[(code, basket_id)][1] += sign * signals
    case_id = (after or before or {}).get("case_id", "")
    adding = _contribution(after)
    return [_update(code, basket_id, case_id, cases, signals,
                    after.get("criteria_version") if after and adding and adding[1] == basket_id else None)
            for (code, basket_id), (cases, signals) in sorted(deltas.items()) if cases or signals]


def follow(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The follower (case_followers.FOLLOWERS)."""
    return changes(before, after)


def count_removal(old_item: dict[str, Any], *, now: datetime | None = None) -> bool:
    """A case item deleted by TTL leaves its basket's counters, once; False when there
    was nothing to count (closed) or it was counted before (a redelivered record)."""
    updates = changes(old_item, None)
    if not updates:
        return False
    expires = int((now or clock.now()).timestamp()) + _MARKER_DAYS * 86400
    marker = {"Put": {"TableName": table.table_name(),
                      "Item": table.to_attrs({**dict(zip(("pk", "sk"), keys.retention_done(
                          old_item["case_id"]), strict=True)),
                          "type": "removal_marker", "expires_at": expires}),
                      "ConditionExpression": "attribute_not_exists(pk)"}}
    try:
        table.dynamodb().transact_write_items(TransactItems=[marker, *updates])
    except ClientError as error:
        if dynamo.cancelled_at(error, 0):
            return False
        raise dynamo.translate(error, old_item["case_id"]) from None
    return True


def basket_counts(code: str) -> dict[str, dict[str, Any]]:
    """Each basket that ever held an open case: open_cases, open_signals (the sum of its
    shards) and the versions that put its cases there (newest write last)."""
    pk, _ = keys.municipality(code)
    items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                            values={":pk": pk, ":prefix": keys.BASKET_COUNTER_PREFIX})
    counts: dict[str, dict[str, Any]] = {}
    for item in items:
        basket_id = keys.basket_of_counter(item["sk"])
        row = counts.setdefault(basket_id, {"open_cases": 0, "open_signals": 0, "versions": []})
        row["open_cases"] += int(item.get("open_cases") or 0)
        row["open_signals"] += int(item.get("open_signals") or 0)
        version = item.get("criteria_version")
        if version and version not in row["versions"]:
            row["versions"].append(version)
    return counts
