"""The per-basket counters (adapters/basket_counters.py) equal a recount of the
cases after every kind of change: new cases, joins (reclassification), moves by
hand, closes, a redelivered stream record, a TTL removal (delivered twice)."""
from __future__ import annotations

import pytest

from tests.integration.events import LambdaContext, stream_event
from tests.integration.test_municipality_api import GM, OLD, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")


def _items() -> list[dict]:
    from vroegsignaal.adapters import aws, table
    pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=table.table_name())
    return [table.from_attrs(i) for page in pages for i in page["Items"]]


def recount(code: str = GM) -> dict[str, tuple[int, int]]:
    """(open cases, open signals) per basket, from the case items themselves."""
    counts: dict[str, tuple[int, int]] = {}
    for item in _items():
        if item.get("type") == "case" and item["municipality_code"] == code and item["status"] == "open":
            cases, signals = counts.get(item["basket_id"], (0, 0))
            counts[item["basket_id"]] = (cases + 1, signals + item["summary"]["signal_count"])
    return counts


def counters(code: str = GM) -> dict[str, tuple[int, int]]:
    from vroegsignaal.adapters import basket_counters
    return {basket: (row["open_cases"], row["open_signals"])
            for basket, row in basket_counters.basket_counts(code).items() if row["open_cases"] or row["open_signals"]}


def test_counters_equal_a_recount_after_joins_moves_and_closes(h):
    first = open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    open_case(h, partner="woonstede", reference="WS-1", debtor__date_of_birth=OLD)  # joins: reclassified
    second = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    open_case(h, reference="EN-3", crisis=True, debtor__date_of_birth=OLD, debtor__address__house_number=3)
    assert counters() == recount() and sum(c for c, _ in recount().values()) == 3
    assert request(h, "POST", "/cases/{case_id}/move", {"case_id": second},
                   body={"basket_id": "crisis", "reason": "dreigende huisuitzetting"})[0] == 200
    assert counters() == recount()
    assert request(h, "POST", "/cases/{case_id}/close", {"case_id": first},
                   body={"outcome": "Verwijzing zonder contact"})[0] == 200
    assert counters() == recount() and recount()["crisis"][0] == 2


def test_the_baskets_route_reads_the_counters_and_the_oldest_open_case(h):
    open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    newer = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    baskets = {b["id"]: b for b in request(h, "GET", "/baskets")[1]["baskets"]}
    oldest = min(i["opened_at"] for i in _items() if i.get("type") == "case")
    assert (baskets["enkelvoudig"]["open_cases"], baskets["enkelvoudig"]["open_signals"]) == (2, 2)
    assert baskets["enkelvoudig"]["oldest_open_case_at"] == oldest
    request(h, "POST", "/cases/{case_id}/close", {"case_id": newer}, body={"outcome": "Verwijzing zonder contact"})
    baskets = {b["id"]: b for b in request(h, "GET", "/baskets")[1]["baskets"]}
    assert baskets["enkelvoudig"]["open_cases"] == 1 and baskets["enkelvoudig"]["oldest_open_case_at"] == oldest


def test_a_redelivered_stream_record_counts_once(h):
    from vroegsignaal.adapters import aws, table
    open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    image = aws.client("dynamodb").get_item(TableName=table.table_name(),
                                            Key=table.key("SIGNAL#energie-noord#EN-1", "SIGNAL"))["Item"]
    assert h.classify(stream_event([image, image]), LambdaContext()) == {"batchItemFailures": []}
    assert counters() == recount() == {"enkelvoudig": (1, 1)}


def test_a_ttl_removal_of_an_open_case_leaves_the_counters_once(h):
    from vroegsignaal.adapters import aws, basket_counters, table
    open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    kept = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    (gone,) = [i for i in _items() if i.get("type") == "case" and i["case_id"] != kept]
    aws.client("dynamodb").delete_item(TableName=table.table_name(), Key=table.key(gone["pk"], gone["sk"]))  # TTL
    assert basket_counters.count_removal(gone) is True
    assert basket_counters.count_removal(gone) is False  # the REMOVE record delivered again
    assert counters() == recount() == {"enkelvoudig": (1, 1)}


def test_a_removed_closed_case_changes_no_counter(h):
    from vroegsignaal.adapters import basket_counters
    case_id = open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    (item,) = [i for i in _items() if i.get("type") == "case"]
    assert basket_counters.count_removal(item) is False
    assert counters() == recount() == {}
