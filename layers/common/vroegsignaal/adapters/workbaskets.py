"""The table queries and writes of the municipality API (municipality-api.md)
that the case and task stores do not have: cases of a municipality (gsi2),
cases of a basket (gsi1) and tasks of a municipality (gsi2), paginated with
cursors that only work on the list they came from, and a task written alone.
"""
from __future__ import annotations

from typing import Any

from vroegsignaal.domain.case import Case
from vroegsignaal.domain.errors import CursorError

from . import keys, table, tasks
from .cases import LIST_FIELDS, DynamoCaseStore, case_from_item, decode_cursor, listed_case

_STATUS = {"#s": "status"}


def _checked_cursor(cursor: str | None, index: str, pk: str) -> str | None:
    """A cursor is the last key of a page of this very list: anything else
    (garbage, another list's, another municipality's) is a CursorError."""
    if cursor is None:
        return None
    key = decode_cursor(cursor)
    expected = {"pk", "sk", f"{index}pk", f"{index}sk"}
    if set(key) != expected or not all(set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()) \
            or key[f"{index}pk"]["S"] != pk:
        raise CursorError("cursor is not valid")
    return cursor


class MunicipalityCaseStore(DynamoCaseStore):
    """DynamoCaseStore plus the lists of the municipality API."""

    def municipality_cases(self, code: str, *, opened_since: str | None = None,
                           status: str | None = None, listed: bool = False) -> list[Case] | list[dict[str, Any]]:
        """Every case of the municipality (gsi2, oldest first), optionally opened at
        or after `opened_since` (an ISO timestamp) and of one status; `listed`: only
        the fields and summary of each (listed_case), not its signals and history."""
        key_condition, values = "gsi2pk = :pk", {":pk": keys.municipality_cases_index(code)}
        if opened_since:
            key_condition += " AND gsi2sk >= :since"
            values[":since"] = opened_since
        kwargs: dict[str, Any] = {}
        if status:
            kwargs = {"filter_expression": "#s = :status", "names": _STATUS}
            values[":status"] = status
        if listed:
            kwargs["projection"] = LIST_FIELDS
        items = table.query_all(index="gsi2", key_condition=key_condition, values=values, **kwargs)
        if listed:
            return [listed_case(i) for i in items]
        return [case_from_item(i) for i in items]

    def basket_page(self, code: str, basket_id: str, *, status: str | None, limit: int,
                    cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a basket's cases (gsi1), oldest first; status None: every case."""
        pk = keys.basket_index(code, basket_id)
        filters: dict[str, Any] = {"filter_expression": "#s = :status", "values": {":status": status},
                                   "names": _STATUS} if status else {}
        return self.page(index="gsi1", pk=pk, limit=limit, cursor=_checked_cursor(cursor, "gsi1", pk), **filters)

    def basket_has_cases(self, code: str, basket_id: str) -> bool:
        """Does the basket hold any case, open or closed?"""
        pages = table.query_pages(index="gsi1", key_condition="gsi1pk = :pk",
                                  values={":pk": keys.basket_index(code, basket_id)}, limit=1)
        items, _ = next(pages)
        return bool(items)


# Task filters -> the item attribute they look at (the task's own type is `task_type`).
_TASK_FILTER_ATTRS = {"status": "status", "assignee": "assignee", "basket_id": "basket_id", "type": "task_type"}


class MunicipalityTaskStore:
    """The tasks of a municipality: read, list, write (adapters.tasks underneath)."""

    get = staticmethod(tasks.get)
    write_changed = staticmethod(tasks.write_changed)

    def page(self, code: str, *, filters: dict[str, str], limit: int,
             cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the municipality's tasks (gsi2), oldest first; `filters` maps
        status/assignee/basket_id/type to the value it must have."""
        pk = keys.municipality_tasks_index(code)
        conditions: list[str] = []
        values: dict[str, Any] = {}
        names: dict[str, str] = {}
        for number, (name, value) in enumerate(sorted(filters.items())):
            names[f"#f{number}"] = _TASK_FILTER_ATTRS[name]
            values[f":f{number}"] = value
            conditions.append(f"#f{number} = :f{number}")
        kwargs: dict[str, Any] = {"filter_expression": " AND ".join(conditions), "values": values,
                                  "names": names} if conditions else {}
        return DynamoCaseStore().page(index="gsi2", pk=pk, limit=limit, cursor=_checked_cursor(cursor, "gsi2", pk),
                                      projection=None, convert=tasks.task_of, **kwargs)
