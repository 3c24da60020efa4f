"""What the DDAS export reads (services/exports.py): the municipality's cases that
may hold a signal of the period (gsi1: each basket's open and closed partitions,
by opening, page by page; whole cases by key) with their
signal entries and contact attempts (one Query of each kind per case), and the
municipality's registration. Nothing is held beyond one page of cases."""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.case import ContactAttempt
from vroegsignaal.domain.ddas_export import ExportCase, Organisation, Period

from . import basket_counters, keys, table
from .cases import case_from_item

_PAGE = 200
_READERS = 8  # log Queries in flight per page of cases
_SIGNAL_KEY, _ATTEMPT_KEY = (dict(zip(case_rules.LOG_KINDS, keys.LOG_KINDS, strict=True))[kind]
                             for kind in (case_rules.SIGNAL, case_rules.CONTACT_ATTEMPT))


def _log_bodies(household: str, case_id: str, kind_key: str) -> list[dict[str, Any]]:
    pk, prefix = keys.case_log(household, case_id, kind_key, "")
    return [item["body"] for item in table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                                                       values={":pk": pk, ":prefix": prefix},
                                                       projection=("body",))]


def _export_case(item: dict[str, Any]) -> ExportCase:
    case = case_from_item(item)
    # Most cases have no contact attempt: their count on the case saves the Query.
    attempts = _log_bodies(case["household"], case["case_id"], _ATTEMPT_KEY) \
        if int(case.get("contact_attempt_count") or 0) else []
    return ExportCase(case=case, signals=_log_bodies(case["household"], case["case_id"], _SIGNAL_KEY),
                      attempts=[ContactAttempt.from_body(body) for body in attempts])


class DdasSource:
    def cases(self, code: str, period: Period) -> Iterator[ExportCase]:
        """Cases opened since the earliest that can hold a signal of the period, whose
        start date is not after it: basket by basket (every basket that ever held a
        case has counters), each partition oldest first, a page at a time."""
        since, until = period.earliest_case_opening().isoformat(), period.end.isoformat()
        partitions = [keys.basket_status_index(code, basket_id, status)
                      for basket_id in sorted(basket_counters.basket_counts(code)) for status in ("open", "closed")]
        with ThreadPoolExecutor(max_workers=_READERS) as readers:
            for pk in partitions:
                for entries, _ in table.query_pages(index="gsi1", key_condition="gsi1pk = :pk AND gsi1sk >= :since",
                                                    values={":pk": pk, ":since": since}, limit=_PAGE,
                                                    projection=("pk", "sk")):
                    found = table.get_many([(entry["pk"], entry["sk"]) for entry in entries])
                    items = [item for item in found.values() if str(item.get("start_date") or "") <= until]
                    items.sort(key=lambda item: str(item.get("opened_at")))
                    yield from readers.map(_export_case, items)

    def organisation(self, code: str) -> Organisation:
        profile = table.get(*keys.municipality(code)) or {}
        return Organisation(name=str(profile.get("name") or code), contact=dict(profile.get("contact") or {}),
                            kvk_number=profile.get("kvk_number"))
