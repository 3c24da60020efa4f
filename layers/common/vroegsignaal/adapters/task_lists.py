"""The municipality's task lists (municipality-api.md, "Tasks"), each read only from
partitions that hold what it lists. Oldest first: the tasks of one status and one
assignee (gsi10: status and assignee in its partition key, so `assignee=` reads only
that person's tasks, however many the municipality has), else every task (gsi2). By
due date: the tasks of one status and one assignee (gsi8: "my open tasks" and "the
team's unassigned tasks"), or of one status whoever holds them (gsi9). A list over
every status is the merge of its three partitions, page by page (merged_pages);
`due_before` is a key condition on the due-date indexes, a filter on the others.
A page costs a query per partition it merges; a selective filter reads on, query
after query, until the page is full or the partitions end (merged_pages.read_partition).

A cursor holds, per partition read, where the page left it: not started (null),
the key of the last task listed from it, or "end"; and which list it belongs to (its
partitions and filters: a cursor of another list is refused)."""
from __future__ import annotations

from typing import Any

from vroegsignaal.domain.errors import CursorError

from . import keys, merged_pages, table, tasks

STATUSES = ("open", "done", "cancelled")
# What a page of tasks reads of each task (what gsi8, gsi9 and gsi10 project), beside the keys.
LIST_FIELDS = ("task_id", "case_id", "household", "municipality_code", "basket_id", "task_type", "status",
               "assignee", "due", "created_at", "done_at")
_FILTER_ATTRS = {"status": "status", "assignee": "assignee", "basket_id": "basket_id", "type": "task_type"}
# Indexes in the order of creation (the others are by due date, with the due date in the key).
_OLDEST_FIRST = ("gsi2", "gsi10")


def _encode(index: str, pks: list[str], filters: dict[str, Any], positions: list[Any]) -> str | None:
    if all(position == merged_pages.END for position in positions):
        return None
    return merged_pages.with_list({"index": index, "at": positions}, pks, filters)


def _decode(cursor: str | None, index: str, pks: list[str], filters: dict[str, Any]) -> list[Any]:
    """The positions a cursor of this very list (partitions and filters) holds; anything
    else is a CursorError."""
    if cursor is None:
        return [None] * len(pks)
    body = merged_pages.decode(cursor)
    merged_pages.check_list(body, pks, filters)
    if body.get("index") != index or not isinstance(body.get("at"), list):
        raise CursorError("cursor is not valid")
    merged_pages.check_positions(body["at"], index, pks)
    return list(body["at"])


def _read(*, index: str, pk: str, start: dict[str, Any] | None, due_before: str | None,
          filters: dict[str, Any], limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` tasks of one partition after `start` that pass the filters, in the
    index's order, and whether that was all of them (merged_pages.Read)."""
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
    if due_before and index in _OLDEST_FIRST:
        names["#due"], values[":due"] = "due", due_before
        conditions.append("#due <= :due")
    elif due_before:
        key_condition += f" AND {index}sk <= :until"  # <due>#<task_id>: "~" sorts after every id
        values[":until"] = f"{due_before}#~"

    return table.read_after(index=index, key_condition=key_condition, values=values, names=names or None,
                            filter_expression=" AND ".join(conditions) or None, start=start, limit=limit,
                            projection=("pk", "sk", f"{index}pk", f"{index}sk", *LIST_FIELDS))


def _merged_page(*, index: str, pks: list[str], due_before: str | None, filters: dict[str, Any], limit: int,
                 cursor: str | None, sort: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the partitions' tasks merged in the index's order (its sort key)."""
    # The list's filters that its partitions do not name: a cursor works only with them.
    of_list = {name: value for name, value in {**filters, "due_before": due_before, "sort": sort}.items()
               if value is not None}
    items, after = merged_pages.merged_page(
        index=index, pks=pks, positions=_decode(cursor, index, pks, of_list), limit=limit,
        read=lambda pk, start, size: _read(index=index, pk=pk, start=start, due_before=due_before,
                                           filters=filters, limit=size))
    return [tasks.task_of(item) for item in items], _encode(index, pks, of_list, after)


class TaskListStore:
    """The tasks of a municipality: read, listed, written alone (adapters.tasks underneath)."""

    get = staticmethod(tasks.get)
    write_changed = staticmethod(tasks.write_changed)

    def list_page(self, code: str, *, filters: dict[str, Any], due_before: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the municipality's tasks, oldest first; `filters` map status,
        assignee (None: unassigned), basket_id and type to the value they must have.
        With an assignee, that person's partitions of gsi10 (one per status, or the
        status asked); else gsi2 with every filter."""
        rest = dict(filters)
        if "assignee" in rest:
            assignee = rest.pop("assignee")
            statuses = [rest.pop("status")] if "status" in rest else list(STATUSES)
            index, pks = "gsi10", [keys.task_by_assignee_index(code, status, assignee) for status in statuses]
        else:
            index, pks = "gsi2", [keys.municipality_tasks_index(code)]
        return _merged_page(index=index, pks=pks, due_before=due_before, filters=rest, limit=limit, cursor=cursor)

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
        return _merged_page(index=index, pks=pks, due_before=due_before, filters=rest, limit=limit, cursor=cursor,
                            sort="due")
