"""One page of several partitions of an index merged in the index's order (its sort
key), page by page: a basket's open and closed cases (gsi1), a task list over the
statuses of its partitions (task_lists). Each partition is read for at most a page
(and one item past it) after where the previous page left it, so a page costs one
read per partition whatever the partitions hold.

Where a page leaves each partition (its position) is one of: not started (None), the
key of the last item listed from it, or END. A cursor holds the positions and a digest
of the list it belongs to (its partitions and filters: `of`), so a cursor of another
list is refused even when its positions name no partition (all None or END)."""
from __future__ import annotations

import base64
import hashlib
import heapq
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from vroegsignaal.domain.errors import CursorError

END = "end"
# read(pk, start, limit): up to `limit` items of partition `pk` after `start` (a key or
# None), in the index's order, and whether that was all the partition holds after `start`.
Read = Callable[[str, Any, int], tuple[list[dict[str, Any]], bool]]
# query(start, limit): one DynamoDB Query of a partition after `start` evaluating at most
# `limit` items: the items that passed its filter and its LastEvaluatedKey. DynamoDB
# answers a LastEvaluatedKey whenever the Query reached its Limit (or read 1 MB), even
# when nothing follows: it does not look ahead.
Query = Callable[[Any, int], tuple[list[dict[str, Any]], dict[str, Any] | None]]
# A filtered read first evaluates twice a page; when that left the page short, the next
# query evaluates as many as the match rate so far says will fill it (half more, at most
# _MAX_READ): a selective filter reads on, query after query, to the partition's end.
_FILTERED_READ_FACTOR = 2
_READ_MARGIN = 1.5
_MAX_READ = 1000


def read_partition(query: Query, start: Any, limit: int, *, filtered: bool) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` items after `start` and whether the partition ends after them (a Read).
    A LastEvaluatedKey does not say more follows, so one item past the page is read
    (`limit` + 1 evaluated unfiltered): the partition ended when DynamoDB says so and no
    more than the page came back. Filtered, reading stops once the page is full: proving
    that no further item passes could read the rest of the partition."""
    wanted = limit if filtered else limit + 1
    read_limit = limit * _FILTERED_READ_FACTOR if filtered else wanted
    items: list[dict[str, Any]] = []
    last, evaluated = start, 0
    while True:
        batch, last = query(last, read_limit)
        items.extend(batch)
        evaluated += read_limit  # a query that stops inside the partition evaluated its Limit (or 1 MB)
        if len(items) >= wanted or last is None:
            break
        if filtered:  # read on, sized by what the reads so far matched
            matched_per_item = max(len(items), 1) / evaluated
            read_limit = min(_MAX_READ, math.ceil((wanted - len(items)) / matched_per_item * _READ_MARGIN))
        else:  # a 1 MB page ended the query early
            read_limit = wanted - len(items)
    return items[:limit], last is None and len(items) <= limit


def key_of(item: dict[str, Any], index: str) -> dict[str, Any]:
    """An item's key in the index, as DynamoDB's LastEvaluatedKey spells it."""
    return {name: {"S": item[name]} for name in ("pk", "sk", f"{index}pk", f"{index}sk")}


def check_key(key: Any, index: str, pk: str) -> None:
    """A key read from a cursor must be a key of partition `pk` of `index`: else CursorError."""
    expected = {"pk", "sk", f"{index}pk", f"{index}sk"}
    if not isinstance(key, dict) or set(key) != expected \
            or not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()) \
            or key[f"{index}pk"]["S"] != pk:
        raise CursorError("cursor is not valid")


def check_positions(positions: Sequence[Any], index: str, pks: Sequence[str]) -> None:
    """Positions read from a cursor, one per partition: None, END or a key of that partition."""
    if len(positions) != len(pks):
        raise CursorError("cursor is not valid")
    for position, pk in zip(positions, pks, strict=True):
        if position is not None and position != END:
            check_key(position, index, pk)


def encode(body: Any) -> str:
    """A cursor: its body as URL-safe base64 of compact JSON (every cursor of the API)."""
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()


def decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not valid") from None


def list_of(pks: Sequence[str], filters: dict[str, Any] | None = None) -> str:
    """Which list a cursor belongs to: its partitions and the filters that are not in them
    (names sorted). Without filters it is the digest of the partitions
    alone, as cursors carried it before filters were added."""
    parts = [*pks, json.dumps(filters, sort_keys=True, separators=(",", ":"))] if filters else list(pks)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def with_list(body: dict[str, Any], pks: Sequence[str], filters: dict[str, Any] | None = None) -> str:
    """The cursor of `body`, marked with the list it belongs to."""
    return encode({**body, "of": list_of(pks, filters)})


def check_list(body: Any, pks: Sequence[str], filters: dict[str, Any] | None = None) -> None:
    """A decoded cursor must be one of this very list (its `of`); a cursor without `of` was
    issued before it was added and is accepted (its positions are checked all the same)."""
    if not isinstance(body, dict) or body.get("of", list_of(pks, filters)) != list_of(pks, filters):
        raise CursorError("cursor is not valid")


def merged_page(*, index: str, pks: Sequence[str], positions: Sequence[Any], read: Read,
                limit: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """Up to `limit` items of the partitions after their positions, merged by the index's
    sort key, and where the page leaves each partition (every one END: nothing follows)."""
    read_items: list[tuple[list[dict[str, Any]], bool]] = [
        ([], True) if position == END else read(pk, position, limit)
        for pk, position in zip(pks, positions, strict=True)]
    sort_key = f"{index}sk"
    merged = heapq.merge(*[[(item[sort_key], number, item) for item in items]
                           for number, (items, _) in enumerate(read_items)])
    page = [entry for _, entry in zip(range(limit), merged, strict=False)]
    taken = [0] * len(pks)
    for _, number, _item in page:
        taken[number] += 1
    after: list[Any] = []
    for number, (items, ended) in enumerate(read_items):
        if ended and taken[number] == len(items):
            after.append(END)  # listed all it holds after its position
        elif taken[number]:
            after.append(key_of(items[taken[number] - 1], index))
        else:
            after.append(positions[number])  # nothing of it listed: on from where it was
    return [item for _, _, item in page], after
