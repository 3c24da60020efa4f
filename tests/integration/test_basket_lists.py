"""A basket's cases from gsi1, one partition per status: `?status=all` merges the open
and closed partitions oldest first, page by page, each case once."""
from __future__ import annotations

import pytest

from tests.integration.test_municipality_api import OLD, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")


def _walk(h, status, limit):
    seen, cursor = [], None
    for _ in range(20):
        query = {"status": status, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        status_code, page = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                                    query=query)
        assert status_code == 200 and len(page["cases"]) <= limit
        seen += [c["case_id"] for c in page["cases"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, None
    raise AssertionError("the pages never ended")


def test_all_merges_open_and_closed_oldest_first_each_once(h):
    made = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
            for n in range(1, 6)]
    for closed in (made[1], made[2]):
        request(h, "POST", "/cases/{case_id}/close", {"case_id": closed}, body={"outcome": "Verwijzing zonder contact"})
    for limit in (1, 2, 3, 10):
        assert _walk(h, "all", limit)[0] == made
    assert _walk(h, "open", 2)[0] == [made[0], made[3], made[4]]
    assert _walk(h, "closed", 1)[0] == [made[1], made[2]]


def test_a_cursor_of_one_status_is_not_one_of_all(h):
    for n in (1, 2):
        open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
    _, first = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, query={"limit": "1"})
    status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                           query={"status": "all", "cursor": first["next_cursor"]})
    assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]
    _, merged = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                        query={"status": "all", "limit": "1"})
    status, _ = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                        query={"cursor": merged["next_cursor"]})
    assert status == 422


def test_a_merged_cursor_of_one_basket_is_refused_on_another(h):
    # Basket A's first page ends its open partition and leaves its closed one unstarted:
    # the cursor's positions ("end", null) name no partition, and it is still A's alone.
    listed, later = (open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
                     for n in (1, 2))
    request(h, "POST", "/cases/{case_id}/close", {"case_id": later}, body={"outcome": "Verwijzing zonder contact"})
    _, first = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                       query={"status": "all", "limit": "1"})
    assert [c["case_id"] for c in first["cases"]] == [listed] and first["next_cursor"]
    status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "crisis"},
                           query={"status": "all", "cursor": first["next_cursor"]})
    assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]


def test_a_page_that_ends_at_the_baskets_end_is_the_last(h, dynamodb_limits):
    made = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
            for n in range(1, 5)]
    request(h, "POST", "/cases/{case_id}/close", {"case_id": made[3]}, body={"outcome": "Verwijzing zonder contact"})
    for status, limit, listed in (("open", 3, made[:3]), ("all", 2, made), ("closed", 1, made[3:])):
        seen, pages, cursor = [], 0, None
        while pages < 10:  # bounded
            pages += 1
            query = {"status": status, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
            _, page = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, query=query)
            assert page["cases"], (status, pages)  # no empty last page
            seen += [c["case_id"] for c in page["cases"]]
            if (cursor := page["next_cursor"]) is None:
                break
        assert seen == listed and pages == len(listed) // limit
