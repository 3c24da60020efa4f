"""The table queries and writes of the municipality API (municipality-api.md)
that the case and task stores do not have: per-basket counts (basket_counters),
cases of a basket (gsi1: one partition per basket and status, so open cases are
never read behind closed ones), tasks of a municipality (gsi2), paginated with
cursors that only work on the list they came from, and a task written alone.
"""
from __future__ import annotations

import base64
import heapq
import itertools
import json
from collections.abc import Iterator
from typing import Any

from vroegsignaal.domain.case import Case
from vroegsignaal.domain.errors import CursorError

from . import basket_counters, keys, table, tasks
from .cases import LIST_FIELDS, DynamoCaseStore, case_from_item, decode_cursor, listed_case

_STATUSES = ("open", "closed")
_GSI1_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")


def _checked_cursor(cursor: str | None, index: str, pk: str) -> str | None:
    """A cursor is the last key of a page of this very list: anything else
    (garbage, another list's, another municipality's) is a CursorError."""
    if cursor is None:
        return None
    _check_key(decode_cursor(cursor), index, pk)
    return cursor


def _check_key(key: Any, index: str, pk: str) -> None:
    expected = {"pk", "sk", f"{index}pk", f"{index}sk"}
    if not isinstance(key, dict) or set(key) != expected \
            or not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()) \
            or key[f"{index}pk"]["S"] != pk:
        raise CursorError("cursor is not valid")


def _gsi1_key(item: dict[str, Any]) -> dict[str, Any]:
    return {name: {"S": item[name]} for name in _GSI1_KEY}


def _read(pk: str, start: dict[str, Any] | None, limit: int, since: str | None = None,
          where: tuple[str, dict[str, Any], dict[str, str]] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` listed entries of one gsi1 partition after `start`, optionally those
    meeting a filter (`where`: expression, values, names); True when it ended."""
    condition, values = "gsi1pk = :pk", {":pk": pk}
    if since:
        condition += " AND gsi1sk >= :since"
        values[":since"] = since
    filter_expression, names = None, None
    if where:
        filter_expression, names = where[0], where[2] or None
        values.update(where[1])
    items: list[dict[str, Any]] = []
    for page, last in table.query_pages(index="gsi1", key_condition=condition, values=values, names=names,
                                        filter_expression=filter_expression,
                                        limit=limit, start_key=start, projection=LIST_FIELDS):
        items.extend(page)
        if len(items) >= limit or not last:
            return items[:limit], not last and len(items) <= limit
    return items, True


class MunicipalityCaseStore(DynamoCaseStore):
    """DynamoCaseStore plus the lists of the municipality API."""

    basket_counts = staticmethod(basket_counters.basket_counts)

    def oldest_open(self, code: str, basket_id: str) -> str | None:
        """When the basket's oldest open case opened: the first entry of its open
        partition (keys only), one small query."""
        pages = table.query_pages(index="gsi1", key_condition="gsi1pk = :pk",
                                  values={":pk": keys.basket_status_index(code, basket_id, "open")}, limit=1,
                                  projection=("gsi1sk",))
        items, _ = next(pages)
        return str(items[0]["gsi1sk"]).split("#", 1)[0] if items else None

    def municipality_cases(self, code: str, *, opened_since: str | None = None,
                           status: str | None = None, listed: bool = False) -> list[Case] | list[dict[str, Any]]:
        """Every case of the municipality, oldest first, optionally opened at or after
        `opened_since` (an ISO timestamp) and of one status: the gsi1 partitions of
        every basket that ever held a case (its counters name it); `listed`: only the
        fields and summary of each (listed_case), else whole cases (BatchGetItem)."""
        partitions = [keys.basket_status_index(code, basket_id, one)
                      for basket_id in sorted(self.basket_counts(code))
                      for one in ((status,) if status else _STATUSES)]
        streams = [table.query_all(index="gsi1", key_condition="gsi1pk = :pk" + (
            " AND gsi1sk >= :since" if opened_since else ""), values={":pk": pk, **(
                {":since": opened_since} if opened_since else {})}, projection=LIST_FIELDS) for pk in partitions]
        items = list(heapq.merge(*streams, key=lambda i: i["gsi1sk"]))
        if listed:
            return [listed_case(i) for i in items]
        whole = table.get_many([(i["pk"], i["sk"]) for i in items])
        return [case_from_item(whole[(i["pk"], i["sk"])]) for i in items if (i["pk"], i["sk"]) in whole]

    def opened_case_pages(self, code: str, *, opened_since: str, size: int = 100) -> Iterator[list[Case]]:
        """The whole cases opened at or after `opened_since`, oldest first as
        municipality_cases gives them, `size` at a time (one BatchGetItem): the
        partitions are read a Query page at a time, so memory is O(page) however
        many cases the window holds (the preview; docs/decisions.md)."""
        partitions = [keys.basket_status_index(code, basket_id, one)
                      for basket_id in sorted(self.basket_counts(code)) for one in _STATUSES]
        streams = [(item for page, _ in table.query_pages(
            index="gsi1", key_condition="gsi1pk = :pk AND gsi1sk >= :since",
            values={":pk": pk, ":since": opened_since}, projection=_GSI1_KEY) for item in page)
            for pk in partitions]
        entries = heapq.merge(*streams, key=lambda i: i["gsi1sk"])
        while chunk := list(itertools.islice(entries, size)):
            whole = table.get_many([(i["pk"], i["sk"]) for i in chunk])
            yield [case_from_item(whole[(i["pk"], i["sk"])]) for i in chunk if (i["pk"], i["sk"]) in whole]

    def basket_page(self, code: str, basket_id: str, *, status: str | None, limit: int,
                    cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a basket's cases (gsi1), oldest first; status None: every case,
        the open and closed partitions merged."""
        if status:
            pk = keys.basket_status_index(code, basket_id, status)
            return self.page(index="gsi1", pk=pk, limit=limit, cursor=_checked_cursor(cursor, "gsi1", pk))
        return self._merged_page(code, basket_id, limit, cursor)

    def _merged_page(self, code: str, basket_id: str, limit: int, cursor: str | None,
                     where: tuple[str, dict[str, Any], dict[str, str]] | None = None
                     ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of both partitions, oldest first. The cursor holds, per partition, the
        key of the last entry shown from it (or that it ended)."""
        pks = {one: keys.basket_status_index(code, basket_id, one) for one in _STATUSES}
        positions = _decode_merged(cursor, pks) if cursor else {one: None for one in _STATUSES}
        read: dict[str, tuple[list[dict[str, Any]], bool]] = {}
        for one in _STATUSES:
            position = positions[one]
            read[one] = ([], True) if position == "end" else _read(pks[one], position, limit, where=where)
        page = heapq.nsmallest(limit, ((i["gsi1sk"], one, i) for one in _STATUSES for i in read[one][0]))
        following: dict[str, Any] = {}
        for one in _STATUSES:
            items, ended = read[one]
            shown = [i for _, which, i in page if which == one]
            if ended and len(shown) == len(items):
                following[one] = "end"
            else:
                following[one] = _gsi1_key(shown[-1]) if shown else positions[one]
        next_cursor = None if all(v == "end" for v in following.values()) else _encode_merged(following)
        return [listed_case(i) for _, _, i in page], next_cursor

    def basket_has_cases(self, code: str, basket_id: str) -> bool:
        """Does the basket hold any case, open or closed?"""
        for one in _STATUSES:
            pages = table.query_pages(index="gsi1", key_condition="gsi1pk = :pk",
                                      values={":pk": keys.basket_status_index(code, basket_id, one)}, limit=1,
                                      projection=("gsi1sk",))
            items, _ = next(pages)
            if items:
                return True
        return False


def _encode_merged(positions: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps({"merged": positions}, separators=(",", ":")).encode()).decode()


def _decode_merged(cursor: str, pks: dict[str, str]) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not valid") from None
    positions = decoded.get("merged") if isinstance(decoded, dict) else None
    if not isinstance(positions, dict) or set(positions) != set(_STATUSES):
        raise CursorError("cursor is not valid")
    for one, position in positions.items():
        if position not in (None, "end"):
            _check_key(position, "gsi1", pks[one])
    return positions


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
