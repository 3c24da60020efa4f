"""One page of several partitions of an index merged in the index's order (its sort
key), page by page: a basket's open and closed cases (gsi1), a task list over the
statuses of its partitions (task_lists). Each partition is read for at most a page
after where the previous page left it, so a page costs one read per partition
whatever the partitions hold.

Where a page leaves each partition (its position) is one of: not started (None), the
key of the last item listed from it, or END. Each list encodes the positions in its
own cursor; a position that is a key must be a key of its very partition."""
from __future__ import annotations

import base64
import heapq
import json
from collections.abc import Callable, Sequence
from typing import Any

from vroegsignaal.domain.errors import CursorError

END = "end"
# read(pk, start, limit): up to `limit` items of partition `pk` after `start` (a key or
# None), in the index's order, and whether that was all the partition holds after `start`.
Read = Callable[[str, Any, int], tuple[list[dict[str, Any]], bool]]


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
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()


def decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not valid") from None


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
