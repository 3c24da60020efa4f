"""The municipality API's one route table (http/policy.py): membership of `{code}`,
the role a row allows, a bezoeker's reach, and the audit entry after a 2xx."""
import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api
from vroegsignaal.domain import audit
from vroegsignaal.domain.errors import Conflict, ValidationFailed
from vroegsignaal.domain.identity import Caller, Role
from vroegsignaal.http import policy

from tests.unit.test_http_paths import rest_event


def person(**memberships: str) -> dict:
    return {"kind": "user", "user_id": "u-1", "name": "Fatima el Amrani", "memberships": json.dumps(memberships)}


class FakeVisits:
    def __init__(self):
        self.cases, self.tasks = {"case-own"}, {"task-own"}

    def case_reachable(self, code, case_id, user_id):
        return user_id == "u-1" and case_id in self.cases

    def task_reachable(self, code, task_id, user_id):
        return user_id == "u-1" and task_id in self.tasks


class FakeTrail:
    def __init__(self):
        self.entries = []

    def record(self, **entry):
        self.entries.append(entry)


def app_with(trail: FakeTrail, fail: Exception | None = None):
    app = APIGatewayRestResolver()
    api.install(app, guard=policy.guard(visits=FakeVisits(), trail=trail))
    router = APIGatewayRouter()

    @router.get("/cases/<case_id>")
    def case(code, case_id):
        if fail:
            raise fail
        return api.json_response(200, {"case_id": case_id})

    @router.post("/cases/<case_id>/close")
    def close(code, case_id):
        return api.json_response(200, {"case_id": case_id, "status": "closed"})

    @router.patch("/tasks/<task_id>")
    def task(code, task_id):
        return api.json_response(200, {"task_id": task_id, "case_id": "case-own"})

    @router.get("/audit")
    def entries(code):
        return api.json_response(200, {"entries": []})

    @router.get("/no-row")
    def no_row(code):
        return api.json_response(200, {})

    app.include_router(router, prefix="/municipalities/<code>")
    return app


def call(app, method, resource, params, principal, body=None):
    path = resource
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    event = rest_event(resource, path, params)
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["requestContext"]["authorizer"] = principal
    event["body"] = json.dumps(body) if body is not None else None
    response = app.resolve(event, None)
    return response["statusCode"], json.loads(response["body"])


CASE = ("GET", "/municipalities/{code}/cases/{case_id}", {"code": "GM0632", "case_id": "case-own"})


@pytest.mark.parametrize("principal", [person(GM0344="coordinator"), {"kind": "municipality",
                                                                      "municipality_code": "GM0344"},
                                       {"kind": "partner", "partner_id": "p", "partner_type": "energy"}],
                         ids=["another-municipalitys-person", "another-municipalitys-key", "partner-key"])
def test_a_caller_without_a_membership_of_the_code_is_403_and_nothing_runs_or_is_recorded(principal):
    trail = FakeTrail()
    status, body = call(app_with(trail), *CASE, principal)
    assert (status, body["error"], trail.entries) == (403, "forbidden", [])


def test_a_role_the_row_does_not_name_is_403():
    trail = FakeTrail()
    status, _ = call(app_with(trail), "GET", "/municipalities/{code}/audit", {"code": "GM0632"},
                     person(GM0632="consulent"))
    assert status == 403 and trail.entries == []


def test_a_route_without_a_row_is_403():
    status, _ = call(app_with(FakeTrail()), "GET", "/municipalities/{code}/no-row", {"code": "GM0632"},
                     person(GM0632="coordinator"))
    assert status == 403


def test_no_principal_is_401():
    assert call(app_with(FakeTrail()), *CASE, None)[0] == 401


def test_a_2xx_is_recorded_with_the_actor_and_the_rows_details():
    trail = FakeTrail()
    status, _ = call(app_with(trail), "POST", "/municipalities/{code}/cases/{case_id}/close",
                     {"code": "GM0632", "case_id": "case-own"}, person(GM0632="consulent"),
                     body={"outcome": "Verwijzing zonder contact"})
    assert status == 200
    assert trail.entries == [{"code": "GM0632", "actor": {"type": "user", "id": "u-1", "name": "Fatima el Amrani"},
                              "action": "case.closed", "case_id": "case-own",
                              "details": {"outcome": "Verwijzing zonder contact"}, "change": True}]


def test_a_key_is_recorded_as_a_key():
    trail = FakeTrail()
    call(app_with(trail), *CASE, {"kind": "municipality", "municipality_code": "GM0632", "key_id": "key-7"})
    assert [e["actor"] for e in trail.entries] == [{"type": "key", "id": "key-7"}]


def test_an_error_answer_is_not_recorded():
    trail = FakeTrail()
    status, _ = call(app_with(trail, fail=Conflict("closed")), *CASE, person(GM0632="coordinator"))
    assert status == 409 and trail.entries == []


def test_a_task_change_records_each_thing_it_did_about_the_answers_case():
    trail = FakeTrail()
    call(app_with(trail), "PATCH", "/municipalities/{code}/tasks/{task_id}", {"code": "GM0632", "task_id": "t-1"},
         person(GM0632="consulent"), body={"assignee": "u-2", "status": "done"})
    assert [(e["action"], e["case_id"]) for e in trail.entries] == [("task.assigned", "case-own"),
                                                                     ("task.finished", "case-own")]
    assert trail.entries[0]["details"] == {"task_id": "t-1", "assignee": "u-2", "status": "done"}


def test_a_bezoeker_reaches_a_case_holding_their_task_and_no_other():
    app = app_with(FakeTrail())
    visitor = person(GM0632="bezoeker")
    assert call(app, *CASE, visitor)[0] == 200
    status, body = call(app, "GET", CASE[1], {"code": "GM0632", "case_id": "case-other"}, visitor)
    assert (status, body["error"]) == (404, "not_found")


def test_a_bezoeker_sets_the_status_of_their_task_not_its_assignee():
    app, visitor = app_with(FakeTrail()), person(GM0632="bezoeker")
    task = ("PATCH", "/municipalities/{code}/tasks/{task_id}")
    assert call(app, *task, {"code": "GM0632", "task_id": "task-own"}, visitor, body={"status": "done"})[0] == 200
    assert call(app, *task, {"code": "GM0632", "task_id": "task-own"}, visitor, body={"assignee": "u-1"})[0] == 403
    assert call(app, *task, {"code": "GM0632", "task_id": "task-other"}, visitor, body={"status": "done"})[0] == 404


def test_a_bezoeker_is_403_on_routes_for_staff():
    status, _ = call(app_with(FakeTrail()), "POST", "/municipalities/{code}/cases/{case_id}/close",
                     {"code": "GM0632", "case_id": "case-own"}, person(GM0632="bezoeker"),
                     body={"outcome": "Verwijzing zonder contact"})
    assert status == 403


def test_a_bezoekers_task_list_is_their_own_whatever_the_query_says():
    visitor = Caller(kind="user", id="u-1", memberships={"GM0632": Role.BEZOEKER})
    assert policy.task_list_query(visitor, "GM0632", {"assignee": "u-2", "status": "open"}) == {
        "assignee": "u-1", "status": "open"}


def test_assignee_me_is_the_signed_in_person_and_422_for_a_key():
    me = Caller(kind="user", id="u-1", memberships={"GM0632": Role.CONSULENT})
    assert policy.task_list_query(me, "GM0632", {"assignee": "me"}) == {"assignee": "u-1"}
    key = Caller(kind="municipality", id="key-1", municipality_code="GM0632")
    with pytest.raises(ValidationFailed) as raised:
        policy.task_list_query(key, "GM0632", {"assignee": "me"})
    assert raised.value.details[0]["loc"] == ["query", "assignee"]


def test_every_action_of_the_table_is_in_the_audit_vocabulary():
    exchange = policy.Exchange(path={}, query={}, body={"assignee": None, "status": "open"}, answer=None)
    named = {action for rule in policy.RULES.values() for action in rule.actions(exchange)}
    named |= set(policy.task_change_actions(policy.Exchange({}, {}, {"assignee": "u", "status": "done"}, None)))
    assert named <= set(audit.ACTIONS)
    assert {"case.viewed", "case.closed", "task.unassigned", "task.reopened"} <= named


def test_a_search_is_recorded_by_its_kind_never_its_terms():
    exchange = policy.Exchange(path={}, query={"postcode": "3441 AB", "house_number": "12"}, body=None, answer=None)
    assert policy.search_kind(exchange) == "address"
