"""The case reads of the consultants' workspace beyond MunicipalityCaseStore: a
basket's cases filtered by postcode prefix, partner type and amount (DynamoDB
filters on the stored summary, so a page is still one Query that reads on until
it is full), and the summaries of cases found by key (a search, a page of
tasks: BatchGetItem, never a scan)."""
from __future__ import annotations

from typing import Any

from . import keys, table
from .workbaskets import MunicipalityCaseStore, _checked_cursor, basket_filter

SUMMARY_FIELDS = ("case_id", "municipality_code", "household", "basket_id", "criteria_version", "status",
                  "opened_at", "postcode", "house_number", "house_number_suffix", "latest_phone", "summary")


class WorkspaceCaseStore(MunicipalityCaseStore):
    def filtered_basket_page(self, code: str, basket_id: str, *, status: str | None, filters: dict[str, Any],
                             limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of a basket's cases (gsi1, oldest first); `filters`: postcode_prefix
        (compact, upper case), partner_type, min_amount_cents, max_amount_cents."""
        where = basket_filter(filters)
        if where is None:
            return self.basket_page(code, basket_id, status=status, limit=limit, cursor=cursor)
        if status:
            pk = keys.basket_status_index(code, basket_id, status)
            expression, values, names = where
            return self.page(index="gsi1", pk=pk, limit=limit, cursor=_checked_cursor(cursor, "gsi1", pk),
                             filter_expression=expression, values=values, names=names or None)
        return self._merged_page(code, basket_id, limit, cursor, filters=filters)

    def summaries(self, code: str, pointers: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        """{case_id: the case's fields and summary} of (household, case_id) pointers; a case
        of another municipality, or one that is gone, is left out."""
        items = table.batch_get([keys.case(household, case_id) for household, case_id in pointers],
                                projection=SUMMARY_FIELDS)
        return {item["case_id"]: item for item in items if item.get("municipality_code") == code}
