"""The case queries of the municipality API (municipality-api.md) that the case
store does not have: per-basket counts (basket_counters), cases of a basket (gsi1:
one partition per basket and status, so open cases are never read behind closed
ones; both merged page by page by merged_pages), paginated with cursors that only
work on the list they came from. The task lists are adapters/task_lists.py.
"""
from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from typing import Any

from vroegsignaal.domain.case import Case
from vroegsignaal.domain.errors import CursorError

from . import basket_counters, keys, merged_pages, table
from .cases import LIST_FIELDS, DynamoCaseStore, case_from_item, decode_cursor, listed_case

_STATUSES = ("open", "closed")
_GSI1_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")


def _checked_cursor(cursor: str | None, index: str, pk: str) -> str | None:
    """A cursor is the last key of a page of this very list: anything else
    (garbage, another list's, another municipality's) is a CursorError."""
    if cursor is None:
        return None
    merged_pages.check_key(decode_cursor(cursor), index, pk)
    return cursor


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

    return table.read_after(index="gsi1", key_condition=condition, values=values, names=names,
                            filter_expression=filter_expression, start=start, limit=limit, projection=LIST_FIELDS)


def basket_filter(filters: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """The DynamoDB filter (expression, values, names) of a basket list's `filters`:
    postcode_prefix (compact, upper case), partner_type, min_amount_cents,
    max_amount_cents, on the stored summary; None when none is given."""
    conditions: list[str] = []
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    if "postcode_prefix" in filters:
        conditions.append("begins_with(postcode, :postcode)")
        values[":postcode"] = filters["postcode_prefix"]
    for name, condition in (("partner_type", "contains(#summary.partner_types, :partner_type)"),
                            ("min_amount_cents", "#summary.total_amount_cents >= :min_amount_cents"),
                            ("max_amount_cents", "#summary.total_amount_cents <= :max_amount_cents")):
        if name in filters:
            conditions.append(condition)
            names["#summary"], values[f":{name}"] = "summary", filters[name]
    return (" AND ".join(conditions), values, names) if conditions else None


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
                     filters: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of both partitions, oldest first (merged_pages), of the cases meeting
        `filters` (basket_filter). The cursor holds, per partition, the key of the last
        entry shown from it (or that it ended), and which list it is of (the basket's
        partitions and `filters`)."""
        where = basket_filter(filters) if filters else None
        pks = [keys.basket_status_index(code, basket_id, one) for one in _STATUSES]
        positions = _decode_merged(cursor, pks, filters) if cursor else [None] * len(_STATUSES)
        items, after = merged_pages.merged_page(
            index="gsi1", pks=pks, positions=positions, limit=limit,
            read=lambda pk, start, size: _read(pk, start, size, where=where))
        next_cursor = None if all(v == merged_pages.END for v in after) else _encode_merged(after, pks, filters)
        return [listed_case(i) for i in items], next_cursor

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


def _encode_merged(positions: list[Any], pks: list[str], filters: dict[str, Any] | None) -> str:
    return merged_pages.with_list({"merged": dict(zip(_STATUSES, positions, strict=True))}, pks, filters)


def _decode_merged(cursor: str, pks: list[str], filters: dict[str, Any] | None) -> list[Any]:
    """The positions of a merged cursor of this very list (its `of`: positions null or
    "end" name no partition); a cursor without `of` was issued before it was added."""
    decoded = merged_pages.decode(cursor)
    merged_pages.check_list(decoded, pks, filters)
    positions = decoded.get("merged")
    if not isinstance(positions, dict) or set(positions) != set(_STATUSES):
        raise CursorError("cursor is not valid")
    in_order = [positions[one] for one in _STATUSES]
    merged_pages.check_positions(in_order, "gsi1", pks)
    return in_order
