"""The partner's status feed in the table (domain/feed.py; index gsi6, docs/design.md).

gsi6 holds, per partner (`FEED#<partner>`), sorted by time: each stored signal from its
arrival (its receipt: keys set by the signal store), and each feed entry of a case, one
per (case, partner) in the case's household partition (`PFEED#<case>#<partner>`),
written by the case follower below in the same transaction as the case. A signal a case
holds carries `case_id`: the feed reads it through its case's entry, never twice.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import feed

from . import keys, table

ENTRY_TYPE = "partner_feed"
CHUNK_TYPE = "partner_feed_chunk"
Position = tuple[str, int]  # (an index sort key, how many of that item's signals were read)


def receipt_keys(signal_item: dict[str, Any]) -> dict[str, str]:
    """The index keys that put a newly stored signal in its partner's feed."""
    return {"gsi6pk": keys.feed_partition(signal_item["partner_id"]),
            "gsi6sk": keys.feed_receipt_sort_key(signal_item["received_at"], signal_item["signal_id"])}


# --------------------------------------------------------------------------- the case follower


def follow(before: dict[str, Any] | None, after: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """The Updates of the feed entries this case write changes: one per partner of the case
    on a pick-up or a close, one for the partner of a signal that joins (two when a chunk
    lists it)."""
    updates = []
    for change in feed.entry_changes(before, after, clock.iso(clock.now())):
        updates.append(_entry_update(after, change))
        if change.joined is not None and change.chunk is not None:
            updates.append(_chunk_update(after, change))
    return updates


def _chunk_update(case: dict[str, Any], change: feed.EntryChange) -> dict[str, Any]:
    """Append the joined signal to its chunk. A chunk holds ids only and has no expiry of its
    own: it is found from the case by its prefix and deleted with it (retention)."""
    key = keys.feed_entry_chunk(case["household"], case["case_id"], change.partner_id, int(change.chunk or 0))
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*key),
        "UpdateExpression": "SET #t = :type, case_id = :case, #signals = list_append(if_not_exists(#signals, :none), "
                            ":joined)",
        "ExpressionAttributeNames": {"#t": "type", "#signals": "signals"},
        "ExpressionAttributeValues": table.to_attrs({":type": CHUNK_TYPE, ":case": case["case_id"], ":none": [],
                                                     ":joined": [change.joined]})}}


def _entry_update(case: dict[str, Any], change: feed.EntryChange) -> dict[str, Any]:
    case_id, partner_id = case["case_id"], change.partner_id
    names = {"#t": "type", "#s": "status"}
    values: dict[str, Any] = {":type": ENTRY_TYPE, ":case": case_id, ":partner": partner_id,
                              ":status": change.status, ":feed": keys.feed_partition(partner_id)}
    sets = ["#t = :type", "case_id = :case", "partner_id = :partner", "#s = :status", "gsi6pk = :feed",
            "gsi6sk = :place", "changed_at = :at"]
    values[":place"], values[":at"] = keys.feed_entry_sort_key(change.at, case_id, partner_id), change.at
    if change.status_changed_at is not None:
        sets.append("status_changed_at = :status_at")
        values[":status_at"] = change.status_changed_at
    if change.joined is not None and change.chunk is not None:
        sets.append("chunked = :chunked")
        values[":chunked"] = True
    elif change.joined is not None:
        names["#signals"] = "signals"
        sets.append("#signals = list_append(if_not_exists(#signals, :none), :joined)")
        values[":none"], values[":joined"] = [], [change.joined]
    # No expiry of its own: retention deletes the entry with its case (found by its prefix).
    expression = "SET " + ", ".join(sets)
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.feed_entry(case["household"], case_id, partner_id)),
        "UpdateExpression": expression, "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": table.to_attrs(values)}}


# --------------------------------------------------------------------------- reading


class DynamoFeed:
    def changes(self, partner_id: str, *, since: str, start: Position | None, limit: int
                ) -> tuple[list[dict[str, str]], Position | None]:
        """Up to `limit` of the partner's signals whose latest change is at or after `since`,
        oldest first, from `start` on (or from `since`); and where the next page starts (None:
        nothing more now). One Query of gsi6 page after page, never a scan."""
        skip_key, skip = start if start else (None, 0)
        found: list[dict[str, str]] = []
        pages = table.query_pages(
            index=keys.FEED_INDEX, key_condition="gsi6pk = :pk AND gsi6sk >= :from",
            values={":pk": keys.feed_partition(partner_id), ":from": skip_key or since, ":entry": ENTRY_TYPE},
            names={"#t": "type"}, filter_expression="#t = :entry OR attribute_not_exists(case_id)",
            limit=limit + 1)
        for items, _last in pages:
            for item in items:
                signals = self._entry_signals(item) if item.get("type") == ENTRY_TYPE else [feed.receipt(item)]
                first = skip if item["gsi6sk"] == skip_key else 0
                for position in range(first, len(signals)):
                    if signals[position]["changed_at"] < since:
                        continue
                    if len(found) == limit:
                        return found, (item["gsi6sk"], position)
                    found.append(signals[position])
        return found, None

    def _entry_signals(self, entry: dict[str, Any]) -> list[dict[str, str]]:
        chunks = table.query_all(key_condition="pk = :pk AND begins_with(sk, :chunks)", values={
            ":pk": entry["pk"], ":chunks": keys.feed_entry_chunks_prefix(entry["case_id"], entry["partner_id"])},
            projection=("signals",)) if entry.get("chunked") else []
        return feed.entry_signals(entry, chunks)
