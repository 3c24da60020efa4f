"""The monthly report (municipality-api.md, "Reports"), read from the monthly
counters (domain/monthly.py), never recomputed from cases.

Ports (duck-typed, so unit tests use in-memory fakes):
- counters: months(code, first, last) -> month -> figure -> count
- baskets(code): the BasketNames of the municipality's active criteria
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from vroegsignaal.domain import monthly
from vroegsignaal.domain.monthly import BasketName
from vroegsignaal.services.exports import parsed_query


class Counters(Protocol):
    def months(self, code: str, first: str, last: str) -> Mapping[str, Mapping[str, int]]: ...


class MonthlyReports:
    def __init__(self, counters: Counters, *, baskets: Callable[[str], list[BasketName]]):
        self.counters, self.baskets = counters, baskets

    def monthly(self, code: str, query: Mapping[str, str] | None) -> dict[str, Any]:
        """Every month from `from` to `to` (ValidationFailed: bad months, more than 24)."""
        query = query or {}
        months = parsed_query(query, ("from", "to"), lambda: monthly.parse_months(query.get("from"), query.get("to")))
        counted = self.counters.months(code, months[0], months[-1])
        baskets = self.baskets(code)
        return {"months": [monthly.month_report(month, counted.get(month, {}), baskets) for month in months]}

    def monthly_csv(self, code: str, query: Mapping[str, str] | None) -> str:
        return monthly.report_csv(self.monthly(code, query))
