"""A municipality's own settings (municipality-api.md): its criteria (the
afwegingskader: versions, activation, the preview) and its letter template.

Ports: repository (active, upload, activate, versions: adapters.criteria_store),
cases (municipality_cases(code, opened_since=), household_starts(households)),
templates (put_template(code, source)).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from vroegsignaal import clock
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.case import Case
from vroegsignaal.domain.criteria import Criteria, parse_criteria, validate_criteria
from vroegsignaal.domain.errors import NotFound, ValidationFailed

from .views import int_between, parse_query

PREVIEW_DEFAULT_DAYS = 90
MOVED_SAMPLE = 20


class CriteriaRepository(Protocol):
    def active(self, code: str) -> ActiveCriteria: ...

    def upload(self, code: str, criteria: Criteria) -> ActiveCriteria: ...

    def activate(self, code: str, version: str) -> ActiveCriteria | None: ...

    def versions(self, code: str) -> list[dict[str, Any]]: ...


class CriteriaAdmin:
    def __init__(self, *, repository: CriteriaRepository, cases: Any, now: Callable[[], datetime] = clock.now) -> None:
        self.repository = repository
        self.cases = cases
        self.now = now

    def get(self, code: str) -> dict[str, Any]:
        return self.repository.active(code).view()

    @staticmethod
    def _valid(code: str, document: Any, problems: list[dict[str, Any]] | None = None) -> Criteria:
        """A valid document, or ValidationFailed with every problem (JSON Pointers)
        plus `problems` found elsewhere in the request."""
        found = list(problems or []) + validate_criteria(document, municipality_code=code)
        if found:
            raise ValidationFailed(found)
        return parse_criteria(document, municipality_code=code)

    def upload(self, code: str, document: Any) -> dict[str, Any]:
        """Store a new version and make it active; nothing changes when it is invalid."""
        return self.repository.upload(code, self._valid(code, document)).view()

    def versions(self, code: str) -> dict[str, Any]:
        return {"versions": self.repository.versions(code)}

    def activate(self, code: str, version: str) -> dict[str, Any]:
        active = self.repository.activate(code, version)
        if active is None:
            raise NotFound("no criteria version with that name in this municipality")
        return active.view()

    def preview(self, code: str, document: Any, query: dict[str, str] | None) -> dict[str, Any]:
        """Classify every case opened in the last `days` days under the posted
        document and under the active criteria; nothing is written. Facts are
        computed exactly as the stream does, from each case's aggregate (the
        `repeat` fact looks at the start dates of the household's other cases,
        which its head records: 100 households a read)."""
        try:
            days = parse_query(query, {"days": int_between(1, 366)}).get("days", PREVIEW_DEFAULT_DAYS)
            query_problems: list[dict[str, Any]] = []
        except ValidationFailed as failed:
            days, query_problems = PREVIEW_DEFAULT_DAYS, failed.details
        proposed = self._valid(code, document, query_problems)
        active = self.repository.active(code)
        since = clock.iso(self.now() - timedelta(days=days))
        cases = self.cases.municipality_cases(code, opened_since=since)
        starts = self.cases.household_starts(sorted({case["household"] for case in cases}))
        households = {household: [cast(Case, {"case_id": case_id, "start_date": start})
                                  for case_id, start in found.items()] for household, found in starts.items()}

        counts: dict[str, dict[str, int]] = {}
        moved: list[dict[str, Any]] = []
        moved_count = 0
        for case in cases:
            others = households.get(case["household"], [])
            now_in = active.criteria.classify(case_rules.facts_of(case, others, active.criteria)).basket_id
            would_be = proposed.classify(case_rules.facts_of(case, others, proposed)).basket_id
            counts.setdefault(now_in, {"active": 0, "preview": 0})["active"] += 1
            counts.setdefault(would_be, {"active": 0, "preview": 0})["preview"] += 1
            if now_in != would_be:
                moved_count += 1
                if len(moved) < MOVED_SAMPLE:
                    moved.append({"case_id": case["case_id"], "from": now_in, "to": would_be})

        baskets: list[dict[str, Any]] = []
        for basket in (*proposed.baskets, *active.criteria.baskets):
            if any(row["basket_id"] == basket.id for row in baskets):
                continue
            count = counts.get(basket.id, {"active": 0, "preview": 0})
            baskets.append({"basket_id": basket.id, "name": basket.name, **count})
        return {"days": days, "cases": len(cases), "active_version": active.version, "baskets": baskets,
                "moved": moved_count, "moved_sample": moved}
