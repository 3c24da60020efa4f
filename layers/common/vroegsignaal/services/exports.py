"""The DDAS export (municipality-api.md, "DDAS export"): the municipality's
delivery to the national monitor for a period.

Ports (duck-typed, so unit tests use in-memory fakes):
- source: cases(code, period) -> the ExportCases that may hold a signal of the
  period, one at a time; organisation(code) -> the delivering Organisation
- window_days(code): the matching window of the municipality's active criteria
- supplier_code(): the deployment's codeGegevensleverancier
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from vroegsignaal import clock
from vroegsignaal.domain import ddas_export
from vroegsignaal.domain.ddas_export import ExportCase, Organisation, Period
from vroegsignaal.domain.errors import ValidationFailed

T = TypeVar("T")


def parsed_query(query: Mapping[str, str], allowed: tuple[str, ...], parse: Callable[[], T]) -> T:
    """`parse()`'s answer, or ValidationFailed with every problem: its own and each
    unknown parameter (a typo is never silently ignored, as on every route)."""
    unknown = [{"loc": ["query", name], "msg": "unknown query parameter"} for name in query if name not in allowed]
    try:
        answer = parse()
    except ValidationFailed as failed:
        raise ValidationFailed(unknown + failed.details) from None
    if unknown:
        raise ValidationFailed(unknown)
    return answer


class ExportSource(Protocol):
    def cases(self, code: str, period: Period) -> Iterator[ExportCase]: ...

    def organisation(self, code: str) -> Organisation: ...


class DdasExports:
    def __init__(self, source: ExportSource, *, window_days: Callable[[str], int],
                 supplier_code: Callable[[], str], now: Callable[[], datetime] = clock.now):
        self.source, self.window_days, self.supplier_code, self.now = source, window_days, supplier_code, now

    def ddas(self, code: str, query: dict[str, str] | None) -> dict[str, Any]:
        """The delivery for `from`..`to` (ValidationFailed: a bad or too long period)."""
        query = query or {}
        period = parsed_query(query, ("from", "to"), lambda: ddas_export.parse_period(query.get("from"),
                                                                                    query.get("to")))
        return ddas_export.delivery(period=period, municipality_code=code,
                                    organisation=self.source.organisation(code),
                                    supplier_code=self.supplier_code(), delivered_at=self.now(),
                                    window_days=self.window_days(code), cases=self.source.cases(code, period))
