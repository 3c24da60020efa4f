"""The case reads of the consultants' workspace beyond MunicipalityCaseStore: a
basket's cases filtered by postcode prefix, partner type and amount (DynamoDB
filters on the stored summary, so a page is still one Query that reads on until
it is full), and the summaries of cases found by key (a search, a page of
tasks: BatchGetItem, never a scan)."""
from __future__ import annotations

from typing import Any

from . import keys, table
from .workbaskets import MunicipalityCaseStore, _checked_cursor

SUMMARY_FIELDS = ("case_id", "municipality_code", "household", "basket_id", "criteria_version", "status",
                  "opened_at", "postcode", "house_number", "house_number_suffix", "latest_phone", "summary")


class WorkspaceCaseStore(MunicipalityCaseStore):
    def filtered_basket_page(self, code: str, basket_id: str, *, status: str | None, filters: dict[str, Any],
                             limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of a basket's cases (gsi1, oldest first); `filters`: postcode_prefix
        (compact, upper case), partner_type, min_amount_cents, max_amount_cents."""
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
        if not conditions:
            return self.basket_page(code, basket_id, status=status, limit=limit, cursor=cursor)
        where = (" AND ".join(conditions), values, names)
        if status:
            pk = keys.basket_status_index(code, basket_id, status)
            return self.page(index="gsi1", pk=pk, limit=limit, cursor=_checked_cursor(cursor, "gsi1", pk),
                             filter_expression=where[0], values=values, names=names or None)
        return self._merged_page(code, basket_id, limit, cursor, where=where, filters=filters)

    def summaries(self, code: str, pointers: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        """{case_id: the case's fields and summary} of (household, case_id) pointers; a case
        of another municipality, or one that is gone, is left out."""
        items = table.batch_get([keys.case(household, case_id) for household, case_id in pointers],
                                projection=SUMMARY_FIELDS)
        return {item["case_id"]: item for item in items if item.get("municipality_code") == code}
