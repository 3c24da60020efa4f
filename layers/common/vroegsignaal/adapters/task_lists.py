"""The municipality's task lists (municipality-api.md, "Tasks"): every task oldest
first (gsi2), or by due date: the tasks of one status and one assignee (gsi8: status
and assignee in its partition key, so "my open tasks" and "the team's unassigned
tasks" read only what they list), or of one status whoever holds them (gsi9).
A due-date list over every status is the merge of its three partitions, page by
page; `due_before` is a key condition there. Every page costs a few queries
whatever the number of tasks.

A cursor holds, per partition read, where the page left it: not started (null),
the key of the last task listed from it, or "end"."""
from __future__ import annotations

import base64
import heapq
import json
import math
from typing import Any

from vroegsignaal.domain.errors import CursorError

from . import keys, table, tasks
from .workbaskets import MunicipalityTaskStore, _check_key

STATUSES = ("open", "done", "cancelled")
# What a page of tasks reads of each task (what gsi8 and gsi9 project), beside the keys.
LIST_FIELDS = ("task_id", "case_id", "household", "municipality_code", "basket_id", "task_type", "status",
               "assignee", "due", "created_at", "done_at")
_FILTER_ATTRS = {"status": "status", "assignee": "assignee", "basket_id": "basket_id", "type": "task_type"}
_END = "end"
# A filtered read first evaluates twice a page; when that left the page short, the next
# query evaluates as many as the match rate so far says will fill it (half more, at
# most _MAX_READ): two or three queries whatever the filter's share.
_FILTERED_READ_FACTOR = 2
_READ_MARGIN = 1.5
_MAX_READ = 1000


def _key_of(item: dict[str, Any], index: str) -> dict[str, Any]:
    return {name: {"S": item[name]} for name in ("pk", "sk", f"{index}pk", f"{index}sk")}


def _encode(index: str, positions: list[Any]) -> str | None:
    if all(position == _END for position in positions):
        return None
    text = json.dumps({"index": index, "at": positions}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(cursor: str | None, index: str, pks: list[str]) -> list[Any]:
    """The positions a cursor of this very list holds; anything else is a CursorError."""
    if cursor is None:
        return [None] * len(pks)
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not valid") from None
    if not isinstance(body, dict) or body.get("index") != index or not isinstance(body.get("at"), list) \
            or len(body["at"]) != len(pks):
        raise CursorError("cursor is not valid")
    for position, pk in zip(body["at"], pks, strict=True):
        if position is not None and position != _END:
            _check_key(position, index, pk)
    return list(body["at"])


def _read(*, index: str, pk: str, start: dict[str, Any] | None, due_before: str | None,
          filters: dict[str, Any], limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Up to `limit` tasks of one partition after `start` that pass the filters, in the
    index's order, and where the partition's reading stopped (None: at its end)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {":pk": pk}
    key_condition = f"{index}pk = :pk"
    conditions = []
    for number, (name, value) in enumerate(sorted(filters.items())):
        names[f"#f{number}"] = _FILTER_ATTRS[name]
        if value is None:  # unassigned
            conditions.append(f"attribute_not_exists(#f{number})")
        else:
            values[f":f{number}"] = value
            conditions.append(f"#f{number} = :f{number}")
    if due_before and index == "gsi2":
        names["#due"], values[":due"] = "due", due_before
        conditions.append("#due <= :due")
    elif due_before:
        key_condition += f" AND {index}sk <= :until"  # <due>#<task_id>: "~" sorts after every id
        values[":until"] = f"{due_before}#~"
    read_limit = limit * _FILTERED_READ_FACTOR if conditions else limit
    items: list[dict[str, Any]] = []
    last, evaluated = start, 0
    while True:  # a filter can leave a page short: read on, sized by what the reads so far matched
        batch, last = next(table.query_pages(
            index=index, key_condition=key_condition, values=values, names=names or None,
            filter_expression=" AND ".join(conditions) or None, limit=read_limit, start_key=last,
            projection=("pk", "sk", f"{index}pk", f"{index}sk", *LIST_FIELDS)))
        items.extend(batch)
        evaluated += read_limit  # a query that stops inside the partition evaluated its Limit
        if len(items) >= limit or last is None:
            break
        matched_per_item = max(len(items), 1) / evaluated
        read_limit = min(_MAX_READ, math.ceil((limit - len(items)) / matched_per_item * _READ_MARGIN))
    if len(items) > limit or (len(items) == limit and last is not None):
        items = items[:limit]
        last = _key_of(items[-1], index)  # stopped inside the partition: on after the last kept
    return items, last


def _merged_page(*, index: str, pks: list[str], due_before: str | None, filters: dict[str, Any], limit: int,
                 cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the partitions' tasks merged in the index's order (its sort key)."""
    positions = _decode(cursor, index, pks)
    read: list[tuple[list[dict[str, Any]], Any]] = []
    for pk, position in zip(pks, positions, strict=True):
        if position == _END:
            read.append(([], _END))
            continue
        items, last = _read(index=index, pk=pk, start=position, due_before=due_before, filters=filters,
                            limit=limit)
        read.append((items, last if last is not None else _END))
    sort_key = f"{index}sk"
    merged = heapq.merge(*[[(item[sort_key], number, item) for item in items]
                           for number, (items, _) in enumerate(read)])
    page = [entry for _, entry in zip(range(limit), merged, strict=False)]
    taken = [0] * len(pks)
    for _, number, _item in page:
        taken[number] += 1
    after = []
    for number, (items, last) in enumerate(read):
        if taken[number] == len(items):
            after.append(last)  # all it read was listed: on from where its reading stopped
        elif taken[number]:
            after.append(_key_of(items[taken[number] - 1], index))
        else:
            after.append(positions[number])
    return [tasks.task_of(item) for _, _, item in page], _encode(index, after)


class TaskListStore(MunicipalityTaskStore):
    def list_page(self, code: str, *, filters: dict[str, Any], due_before: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the municipality's tasks, oldest first; `filters` map status,
        assignee (None: unassigned), basket_id and type to the value they must have."""
        return _merged_page(index="gsi2", pks=[keys.municipality_tasks_index(code)], due_before=due_before,
                            filters=filters, limit=limit, cursor=cursor)

    def due_page(self, code: str, *, filters: dict[str, Any], due_before: str | None, limit: int,
                 cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the municipality's tasks by due date (then id), due on or before
        `due_before`; `filters` as for list_page. Status and assignee choose the
        partitions (gsi8 with an assignee, else gsi9; every status without one), the
        others filter them."""
        rest = dict(filters)
        statuses = [rest.pop("status")] if "status" in rest else list(STATUSES)
        if "assignee" in rest:
            assignee = rest.pop("assignee")
            index, pks = "gsi8", [keys.task_list_index(code, status, assignee) for status in statuses]
        else:
            index, pks = "gsi9", [keys.task_due_index(code, status) for status in statuses]
        return _merged_page(index=index, pks=pks, due_before=due_before, filters=rest, limit=limit, cursor=cursor)
