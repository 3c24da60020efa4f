"""The municipality's task lists (municipality-api.md, "Tasks"): every task oldest
first (gsi2), or the tasks of one status and one assignee by due date (gsi8:
status and assignee in its partition key, so "my open tasks" and "the team's
unassigned tasks" read only what they list, and `due_before` is a key
condition there)."""
from __future__ import annotations

from typing import Any

from . import keys, table, tasks
from .cases import decode_cursor, encode_cursor
from .workbaskets import MunicipalityTaskStore, _checked_cursor

# What a page of tasks reads of each task (what gsi8 projects).
LIST_FIELDS = ("pk", "sk", "gsi2pk", "gsi2sk", "gsi8pk", "gsi8sk", "task_id", "case_id", "household",
               "municipality_code", "basket_id", "task_type", "status", "assignee", "due", "created_at", "done_at")
_FILTER_ATTRS = {"status": "status", "assignee": "assignee", "basket_id": "basket_id", "type": "task_type"}


def _page(*, index: str, pk: str, key_condition: str, values: dict[str, Any], filters: dict[str, Any],
          due_before: str | None, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    names: dict[str, str] = {}
    conditions = []
    for number, (name, value) in enumerate(sorted(filters.items())):
        names[f"#f{number}"] = _FILTER_ATTRS[name]
        if value is None:  # unassigned
            conditions.append(f"attribute_not_exists(#f{number})")
        else:
            values[f":f{number}"] = value
            conditions.append(f"#f{number} = :f{number}")
    if due_before and index != "gsi8":
        names["#due"], values[":due"] = "due", due_before
        conditions.append("#due <= :due")
    checked = _checked_cursor(cursor, index, pk)
    last = decode_cursor(checked) if checked else None
    items: list[dict[str, Any]] = []
    while len(items) < limit:  # a filter can leave a page short: read on until it is full
        pages = table.query_pages(index=index, key_condition=key_condition, values=values,
                                  names=names or None, filter_expression=" AND ".join(conditions) or None,
                                  limit=limit - len(items), start_key=last, projection=LIST_FIELDS)
        batch, last = next(pages)
        items.extend(batch)
        if not last:
            break
    return [tasks.task_of(i) for i in items], encode_cursor(last) if last else None


class TaskListStore(MunicipalityTaskStore):
    def list_page(self, code: str, *, filters: dict[str, Any], due_before: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the municipality's tasks, oldest first; `filters` map status,
        assignee (None: unassigned), basket_id and type to the value they must have."""
        pk = keys.municipality_tasks_index(code)
        return _page(index="gsi2", pk=pk, key_condition="gsi2pk = :pk", values={":pk": pk}, filters=filters,
                     due_before=due_before, limit=limit, cursor=cursor)

    def due_page(self, code: str, *, status: str, assignee: str | None, due_before: str | None,
                 filters: dict[str, Any], limit: int, cursor: str | None
                 ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the tasks of one status and assignee (None: unassigned) by due date,
        due on or before `due_before`; `filters` (basket_id, type) filter it."""
        pk = keys.task_list_index(code, status, assignee)
        key_condition, values = "gsi8pk = :pk", {":pk": pk}
        if due_before:
            key_condition += " AND gsi8sk <= :until"  # <due>#<task_id>: "~" sorts after every id
            values[":until"] = f"{due_before}#~"
        return _page(index="gsi8", pk=pk, key_condition=key_condition, values=values, filters=filters,
                     due_before=due_before, limit=limit, cursor=cursor)
