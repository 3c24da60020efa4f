"""GET tasks with an assignee, oldest first, on moto: read from that person's own
partitions (gsi10, one per status) and listed as municipality-api.md says, every
status merged page by page, with the other filters as filters."""
from __future__ import annotations

import pytest

from tests.integration.test_municipality_api import OLD, add_task, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")


def created_key(task_id: str) -> tuple[str, str]:
    from vroegsignaal.adapters import tasks
    return tasks.get(task_id)["created_at"], task_id


def set_status(task_id: str, status: str) -> None:
    from vroegsignaal.adapters import tasks
    tasks.write_changed({**tasks.get(task_id), "status": status}, expected_status="open")


def pages(h, **query) -> tuple[list[str], int]:
    """Every task the list holds, two a page (or `limit`): their ids in order, and the number of pages."""
    seen, cursor = [], None
    for number in range(1, 20):  # bounded
        status, body = request(h, "GET", "/tasks", query={"limit": "2", **query, **({"cursor": cursor} if cursor else {})})
        assert status == 200, body
        seen += [t["task_id"] for t in body["tasks"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, number
    raise AssertionError("the list did not end")


@pytest.fixture
def work(h):
    """Nine tasks of two cases: fatima's oldest cancelled, two of hers done, three open (one a
    home visit of another basket); three unassigned."""
    first = open_case(h, debtor__date_of_birth=OLD)
    second = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    made = [add_task(first, step=f"s{n}") for n in range(6)] + \
        [add_task(second, step="t1", kind="home_visit", basket_id="crisis"), add_task(second, step="t2"),
         add_task(second, step="t3")]
    hers = [made[0], made[2], made[3], made[5], made[6], made[7]]
    for task_id in hers:
        request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": "fatima"})
    set_status(made[0], "cancelled")
    for task_id in (made[3], made[7]):
        request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"status": "done"})
    return {"hers": sorted(hers, key=created_key), "unassigned": sorted(set(made) - set(hers), key=created_key),
            "cancelled": made[0], "done": {made[3], made[7]}, "home_visit": made[6]}


def test_an_assignees_tasks_of_every_status_are_listed_oldest_first_page_by_page(h, work):
    seen, number = pages(h, assignee="fatima")
    assert seen == work["hers"] and number == 3


def test_an_assignees_tasks_of_one_status(h, work):
    assert pages(h, assignee="fatima", status="cancelled")[0] == [work["cancelled"]]
    assert pages(h, assignee="fatima", status="done")[0] == sorted(work["done"], key=created_key)
    still_open = [t for t in work["hers"] if t != work["cancelled"] and t not in work["done"]]
    assert pages(h, assignee="fatima", status="open")[0] == still_open


def test_unassigned_tasks_are_assignee_none(h, work):
    assert pages(h, assignee="none")[0] == work["unassigned"]
    assert pages(h, assignee="none", status="open")[0] == work["unassigned"]
    assert pages(h, assignee="none", status="done")[0] == []


def test_the_other_filters_filter_an_assignees_list(h, work):
    assert pages(h, assignee="fatima", type="home_visit")[0] == [work["home_visit"]]
    assert pages(h, assignee="fatima", basket_id="crisis", status="open")[0] == [work["home_visit"]]
    assert pages(h, assignee="fatima", type="phone_call")[0] == [t for t in work["hers"] if t != work["home_visit"]]
    from vroegsignaal import clock
    assert pages(h, assignee="fatima", due_before=clock.today().isoformat())[0] == work["hers"]
    assert pages(h, assignee="fatima", due_before="2000-01-01")[0] == []


def test_an_assignees_list_is_the_filtered_list_of_every_task(h, work):
    every, _ = pages(h)
    hers = set(work["hers"])
    assert pages(h, assignee="fatima")[0] == [t for t in every if t in hers]


def test_a_cursor_of_another_list_is_refused(h, work):
    # fatima's first page leaves her cancelled partition ended and the others not started:
    # the cursor names no key of theirs, and is still hers alone.
    status, body = request(h, "GET", "/tasks", query={"assignee": "fatima", "limit": "1"})
    assert status == 200 and [t["task_id"] for t in body["tasks"]] == [work["cancelled"]] and body["next_cursor"]
    for other in ({"assignee": "none"}, {"assignee": "fatima", "status": "open"}, {}, {"status": "open"},
                  {"sort": "due", "assignee": "fatima"}):
        status, answer = request(h, "GET", "/tasks", query={**other, "limit": "1", "cursor": body["next_cursor"]})
        assert status == 422, (other, answer)
    status, every = request(h, "GET", "/tasks", query={"limit": "1"})
    status, answer = request(h, "GET", "/tasks", query={"assignee": "fatima", "cursor": every["next_cursor"]})
    assert status == 422 and answer["details"][0]["loc"] == ["query", "cursor"]


def test_a_cursor_of_other_filters_is_refused(h, work):
    status, body = request(h, "GET", "/tasks", query={"assignee": "fatima", "type": "phone_call", "limit": "1"})
    assert status == 200 and body["next_cursor"]
    for other in ({"type": "home_visit"}, {}, {"type": "phone_call", "basket_id": "crisis"},
                  {"type": "phone_call", "due_before": "2000-01-01"}):
        status, answer = request(h, "GET", "/tasks", query={"assignee": "fatima", **other, "limit": "1",
                                                              "cursor": body["next_cursor"]})
        assert status == 422 and answer["details"][0]["loc"] == ["query", "cursor"], (other, answer)
    status, _ = request(h, "GET", "/tasks", query={"assignee": "fatima", "type": "phone_call", "limit": "1",
                                                   "cursor": body["next_cursor"]})
    assert status == 200


@pytest.mark.usefixtures("dynamodb_limits")
def test_a_page_that_ends_at_the_lists_end_is_the_last(h, work):
    # DynamoDB's LastEvaluatedKey at Limit (dynamodb_limits): three unassigned tasks fill one
    # page of three, fatima's six two.
    assert pages(h, assignee="none", status="open", limit="3") == (work["unassigned"], 1)
    assert pages(h, assignee="fatima", limit="3") == (work["hers"], 2)
    assert pages(h, sort="due", assignee="fatima", limit="3")[1] == 2
