"""Roles per route (identity.md) through the municipality API's handler, against moto:
every route of the app × every kind of caller gives the status identity.md says;
a bezoeker reaches only their own tasks and those tasks' cases."""
from __future__ import annotations

import pytest

from tests.integration.events import PARTNERS, api_event, call
from tests.integration.test_municipality_api import (
    OLD,
    add_letter,
    add_task,
    open_case,
    request,
    snapshot,
)
from tests.integration.test_preview_jobs import queued_job

pytestmark = [pytest.mark.usefixtures("tenants"), pytest.mark.long]  # long: a file of minutes
GM = "GM0632"
KEY = {"kind": "municipality", "municipality_code": GM, "key_id": "key-woerden-1"}
CRITERIA = {"schema_version": 1, "baskets": [{"id": "alles", "name": "Alles", "action": "none"}]}

# A body and query per route (method, path below /municipalities/{code}) that the route accepts.
REQUESTS = {
    ("PUT", "/criteria"): {"body": CRITERIA},
    ("POST", "/criteria/preview"): {"body": CRITERIA},
    ("POST", "/cases/{case_id}/move"): {"body": {"basket_id": "crisis", "reason": "na het gesprek"}},
    ("POST", "/cases/{case_id}/contact-attempts"): {"body": {"type": "Huisbezoek", "reached": True}},
    ("POST", "/cases/{case_id}/close"): {"body": {"outcome": "Verwijzing zonder contact"}},
    ("PATCH", "/tasks/{task_id}"): {"body": {"status": "done"}},
    ("PUT", "/letter-template"): {"body": {"template": "Beste {{ naam }},\n\nGroet\n"}},
    ("GET", "/exports/ddas"): {"query": {"from": "2026-01-01", "to": "2026-12-31"}},
    ("GET", "/reports/monthly"): {"query": {"from": "2026-01", "to": "2026-12"}},
    ("GET", "/cases"): {"query": {"kenmerk": "K7QM-4XPD"}},
}

# identity.md, "Roles", written out here (not read from the route table it checks).
COORDINATOR_ONLY = {("PUT", "/criteria"), ("POST", "/criteria/versions/{version}/activate"),
                    ("POST", "/criteria/preview"), ("GET", "/criteria/preview/{job_id}"), ("GET", "/letter-template"), ("PUT", "/letter-template"),
                    ("DELETE", "/letter-template"), ("GET", "/exports/ddas"), ("GET", "/reports/monthly"),
                    ("GET", "/audit")}
VISITOR_ROUTES = {("GET", "/tasks"), ("PATCH", "/tasks/{task_id}"), ("GET", "/cases/{case_id}"),
                  ("POST", "/cases/{case_id}/contact-attempts")}
NOT_BUILT_YET: set[tuple[str, str]] = set()  # routes that answer 501 until they are built


def app_routes() -> list[tuple[str, str]]:
    """Every route the municipality app serves, as (method, path below /municipalities/{code})."""
    import municipality_api
    app = municipality_api.app
    prefix = "/municipalities/{code}"
    return sorted((route.method, route.openapi_path[len(prefix):])
                  for route in app._static_routes + app._dynamic_routes)


ROUTES = app_routes()
CALLERS = ("consulent", "coordinator", "bezoeker", "municipality key", "partner key", "another municipality's person")


def allowed(caller: str, route: tuple[str, str]) -> bool:
    if caller in ("coordinator", "municipality key"):
        return True
    if caller == "consulent":
        return route not in COORDINATOR_ONLY
    if caller == "bezoeker":
        return route in VISITOR_ROUTES
    return False


@pytest.fixture
def world(h, people):  # noqa: F811
    """A case with a task assigned to the bezoeker (and a letter); the principals of each caller."""
    from vroegsignaal.adapters import tasks
    case_id = open_case(h, reference="EN-VISIT", debtor__date_of_birth=OLD)
    task_id = add_task(case_id, kind="home_visit", step="s1")
    assign(task_id, people["bea"]["user_id"])
    principals = {"consulent": people["jan"]["principal"], "coordinator": people["cor"]["principal"],
                  "bezoeker": people["bea"]["principal"], "municipality key": KEY,
                  "partner key": PARTNERS["energie-noord"], "another municipality's person": people["ute"]["principal"]}
    assert tasks.get(task_id)["assignee"] == people["bea"]["user_id"]
    return {"case_id": case_id, "task_id": task_id, "letter_id": add_letter(case_id), "version": "default",
            "basket_id": "enkelvoudig", "job_id": queued_job(GM), "principals": principals, "people": people}


def assign(task_id: str, user_id: str | None) -> None:
    """As a colleague's assignment leaves it (written directly: the test is about who reads it)."""
    from vroegsignaal.adapters import tasks
    task = tasks.get(task_id)
    tasks.write_changed({**task, "assignee": user_id}, expected_status=task["status"])


def ask(h, world, method, path, principal, *, body=None, query=None, **ids):  # noqa: F811
    names = ("case_id", "task_id", "letter_id", "version", "basket_id", "job_id")
    params = {name: ids.get(name, world.get(name)) for name in names if "{" + name + "}" in path}
    return request(h, method, path, params, principal=principal, body=body, query=query)


def test_every_route_of_the_app_has_a_row_in_the_route_table():
    from vroegsignaal.http import policy
    assert [route for route in ROUTES if policy.rule_for(route[0], "/municipalities/{code}" + route[1]) is None] == []
    assert len(ROUTES) >= 20  # the routes are read from the app, not an empty list


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_answers_each_caller_as_identity_md_says(h, world, method, path, caller):  # noqa: F811
    before = snapshot()
    status, answer = ask(h, world, method, path, world["principals"][caller], **REQUESTS.get((method, path), {}))
    if allowed(caller, (method, path)):
        expected = (501,) if (method, path) in NOT_BUILT_YET else (200, 201)
        assert status in expected, (status, answer)
    else:
        assert (status, answer["error"]) == (403, "forbidden")
        assert snapshot() == before  # nothing changed, nothing recorded


# --------------------------------------------------------------------------- the bezoeker


def test_a_bezoeker_gets_404_for_a_case_without_a_task_assigned_to_them(h, world):  # noqa: F811
    visitor = world["principals"]["bezoeker"]
    untasked = open_case(h, reference="EN-NONE", debtor__date_of_birth=OLD, debtor__address__house_number=40)
    colleagues = open_case(h, reference="EN-JAN", debtor__date_of_birth=OLD, debtor__address__house_number=41)
    assign(add_task(colleagues, step="s1"), world["people"]["jan"]["user_id"])
    for case_id in (untasked, colleagues, "no-such-case"):
        for method, path, body in (("GET", "/cases/{case_id}", None),
                                   ("POST", "/cases/{case_id}/contact-attempts", {"type": "Huisbezoek",
                                                                                   "reached": False})):
            status, answer = ask(h, world, method, path, visitor, body=body, case_id=case_id)
            assert (status, answer["error"]) == (404, "not_found"), (method, case_id)
            assert "Dijk" not in str(answer)


def test_a_bezoeker_sees_the_reduced_view_of_a_case_holding_their_task(h, world):  # noqa: F811
    status, view = ask(h, world, "GET", "/cases/{case_id}", world["principals"]["bezoeker"])
    assert status == 200
    assert (view["case_id"], view["phone"], view["email"]) == (world["case_id"], "+31612345678",
                                                               "a.vandijk@example.nl")
    assert [task["task_id"] for task in view["tasks"]] == [world["task_id"]]
    assert not {"signals", "classifications", "contact_attempts", "letters", "history"} & set(view)


def test_a_bezoekers_task_list_is_their_own_whatever_the_query_says(h, world):  # noqa: F811
    other = open_case(h, reference="EN-JAN", debtor__date_of_birth=OLD, debtor__address__house_number=41)
    assign(add_task(other, step="s1"), world["people"]["jan"]["user_id"])
    unassigned = open_case(h, reference="EN-FREE", debtor__date_of_birth=OLD, debtor__address__house_number=42)
    add_task(unassigned, step="s1")
    visitor = world["principals"]["bezoeker"]
    for query in (None, {"assignee": world["people"]["jan"]["user_id"]}, {"assignee": "none"}):
        status, body = ask(h, world, "GET", "/tasks", visitor, query=query)
        assert status == 200 and [t["task_id"] for t in body["tasks"]] == [world["task_id"]], query
    status, body = ask(h, world, "GET", "/tasks", world["principals"]["coordinator"])
    assert len(body["tasks"]) == 3  # the others are there: the bezoeker just does not see them


def test_a_bezoeker_sets_their_tasks_status_not_its_assignee_and_no_other_task(h, world):  # noqa: F811
    from vroegsignaal.adapters import tasks
    visitor = world["principals"]["bezoeker"]
    other = open_case(h, reference="EN-JAN", debtor__date_of_birth=OLD, debtor__address__house_number=41)
    theirs = add_task(other, step="s1")
    assign(theirs, world["people"]["jan"]["user_id"])
    status, answer = ask(h, world, "PATCH", "/tasks/{task_id}", visitor, body={"status": "done"}, task_id=theirs)
    assert (status, tasks.get(theirs)["status"]) == (404, "open")
    status, _ = ask(h, world, "PATCH", "/tasks/{task_id}", visitor,
                    body={"assignee": world["people"]["jan"]["user_id"]})
    assert status == 403 and tasks.get(world["task_id"])["assignee"] == world["people"]["bea"]["user_id"]
    status, task = ask(h, world, "PATCH", "/tasks/{task_id}", visitor, body={"status": "done"})
    assert (status, task["status"]) == (200, "done")


# --------------------------------------------------------------------------- the partner API stays partners'


def test_the_partner_api_refuses_people_and_municipality_keys(h, world):  # noqa: F811
    import intake_api
    for principal in (world["principals"]["coordinator"], KEY):
        for method, resource, params in (("GET", "/signals/{reference}", {"reference": "EN-VISIT"}),
                                         ("POST", "/signals", None), ("POST", "/signals/batch", None)):
            status, answer = call(intake_api.lambda_handler,
                                  api_event(method, resource, params, body={}, principal=principal))
            assert (status, answer["error"]) == (403, "forbidden"), (resource, principal["kind"])
