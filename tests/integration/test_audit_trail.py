"""The audit trail (identity.md) and the people of a municipality, through the
municipality API's handler against moto: who did what, when, with ids and enum
values only; a case's entries go with the case."""
from __future__ import annotations

import json

import pytest

from tests.factories import DEBTOR_SECRETS
from tests.integration.test_municipality_api import (
    OLD,
    add_letter,
    add_task,
    open_case,
    raw_case,
    request,
)
from tests.privacy_scan import debtor_names, findings

pytestmark = pytest.mark.usefixtures("tenants")
KEY = {"kind": "municipality", "municipality_code": "GM0632", "key_id": "key-woerden-1"}
NOTE = "sprak mevrouw Van Dijk, Rijnstraat 12, 06-12345678"


def audit_items() -> list[dict]:
    """Every audit entry in the table (a test may scan; the product never does)."""
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name(), FilterExpression="#t = :audit",
                                        ExpressionAttributeNames={"#t": "type"},
                                        ExpressionAttributeValues={":audit": {"S": "audit"}})["Items"]
    return [table.from_attrs(item) for item in items]


@pytest.fixture
def flow(h, people):  # noqa: F811
    """A realistic morning: a consultant views, assigns, calls and moves a case; a
    coordinator uploads criteria, changes the letter template and closes the case."""
    jan, cor = people["jan"], people["cor"]
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id, step="s1")
    letter_id = add_letter(case_id)
    steps = [
        (jan, "GET", "/cases/{case_id}", None, None),
        (jan, "GET", "/baskets/{basket_id}/cases", None, {"status": "all"}),
        (jan, "PATCH", "/tasks/{task_id}", {"assignee": jan["user_id"]}, None),
        (jan, "POST", "/cases/{case_id}/contact-attempts", {"type": "Telefoon", "reached": True, "note": NOTE}, None),
        (jan, "GET", "/cases/{case_id}/letters/{letter_id}", None, None),
        (jan, "POST", "/cases/{case_id}/move", {"basket_id": "crisis", "reason": NOTE}, None),
        (jan, "PATCH", "/tasks/{task_id}", {"status": "done"}, None),
        (cor, "PUT", "/letter-template", {"template": "Beste {{ naam }},\n\nGroet\n"}, None),
        (cor, "POST", "/cases/{case_id}/close", {"outcome": "Verwijzing zonder contact"}, None),
    ]
    ids = {"case_id": case_id, "task_id": task_id, "letter_id": letter_id, "basket_id": "enkelvoudig"}
    for person, method, path, body, query in steps:
        params = {name: value for name, value in ids.items() if "{" + name + "}" in path}
        status, answer = request(h, method, path, params, principal=person["principal"], body=body, query=query)
        assert status in (200, 201), (path, answer)
    return {**ids, "jan": jan, "cor": cor}


def entries(h, query=None, principal=KEY):  # noqa: F811
    status, body = request(h, "GET", "/audit", principal=principal, query=query)
    assert status == 200, body
    return body


def test_every_change_and_read_is_recorded_newest_first_with_its_actor(h, flow):  # noqa: F811
    body = entries(h)
    actions = [entry["action"] for entry in body["entries"]]
    assert actions == ["case.closed", "letter_template.changed", "task.finished", "case.moved", "letter.downloaded",
                       "contact_attempt.registered", "task.assigned", "basket.cases_listed", "case.viewed"]
    assert body["next_cursor"] is None
    closed = body["entries"][0]
    assert closed["actor"] == {"type": "user", "id": flow["cor"]["user_id"], "name": flow["cor"]["name"]}
    assert (closed["case_id"], closed["municipality_code"], closed["details"]) == (
        flow["case_id"], "GM0632", {"outcome": "Verwijzing zonder contact"})
    moved = body["entries"][3]
    assert moved["details"] == {"basket_id": "crisis"}  # the target basket, never the reason's text
    assert "case_id" not in body["entries"][1]  # the letter template is about no case


def test_audit_entries_hold_no_debtor_data_nor_typed_text(h, flow):  # noqa: F811
    stored = audit_items()
    assert len(stored) == 9
    text = json.dumps(stored, ensure_ascii=False) + json.dumps(entries(h), ensure_ascii=False)
    for secret in (*DEBTOR_SECRETS, "Van Dijk", "mevrouw", "12345678", "Woerden"):
        assert secret not in text, secret
    assert findings(text, debtor_names()) == []


def test_a_keys_actions_name_the_key(h, flow):  # noqa: F811
    request(h, "GET", "/cases/{case_id}", {"case_id": flow["case_id"]}, principal=KEY)
    newest = entries(h)["entries"][0]
    assert (newest["action"], newest["actor"]) == ("case.viewed", {"type": "key", "id": "key-woerden-1"})


def test_filters_by_action_actor_case_and_dates(h, flow):  # noqa: F811
    jan = flow["jan"]["user_id"]
    assert [e["action"] for e in entries(h, {"action": "task.finished"})["entries"]] == ["task.finished"]
    assert {e["actor"]["id"] for e in entries(h, {"actor": jan})["entries"]} == {jan}
    assert len(entries(h, {"actor": jan})["entries"]) == 7
    of_case = entries(h, {"case_id": flow["case_id"]})["entries"]
    assert len(of_case) == 7 and {e["case_id"] for e in of_case} == {flow["case_id"]}
    assert entries(h, {"case_id": flow["case_id"], "action": "case.moved"})["entries"][0]["action"] == "case.moved"
    assert entries(h, {"case_id": "no-such-case"})["entries"] == []
    today = entries(h)["entries"][0]["at"][:10]
    assert len(entries(h, {"from": today, "to": today})["entries"]) == 9
    assert entries(h, {"from": "2000-01-01", "to": "2000-01-31"})["entries"] == []


def test_pages_follow_each_other_newest_first(h, flow):  # noqa: F811
    first = entries(h, {"limit": "4"})
    second = entries(h, {"limit": "4", "cursor": first["next_cursor"]})
    third = entries(h, {"limit": "4", "cursor": second["next_cursor"]})
    every = first["entries"] + second["entries"] + third["entries"]
    assert third["next_cursor"] is None and len(every) == 9
    assert [e["at"] for e in every] == sorted((e["at"] for e in every), reverse=True)


def test_bad_filters_are_422_naming_each(h, flow):  # noqa: F811
    status, body = request(h, "GET", "/audit", principal=KEY, query={
        "from": "2026-13-01", "to": "gisteren", "action": "case.eaten", "limit": "0", "sort": "up"})
    assert status == 422
    assert {tuple(d["loc"]) for d in body["details"]} == {
        ("query", "from"), ("query", "to"), ("query", "action"), ("query", "limit"), ("query", "sort")}
    status, body = request(h, "GET", "/audit", principal=KEY, query={"from": "2026-12-02", "to": "2026-12-01"})
    assert status == 422 and {tuple(d["loc"]) for d in body["details"]} == {("query", "from"), ("query", "to")}


def test_the_audit_trail_is_a_coordinators(h, flow):  # noqa: F811
    status, _ = request(h, "GET", "/audit", principal=flow["jan"]["principal"])
    assert status == 403


def test_the_case_view_carries_its_history_oldest_first(h, flow):  # noqa: F811
    status, view = request(h, "GET", "/cases/{case_id}", {"case_id": flow["case_id"]}, principal=KEY)
    assert status == 200
    assert [e["action"] for e in view["history"]] == [
        "case.viewed", "task.assigned", "contact_attempt.registered", "letter.downloaded", "case.moved",
        "task.finished", "case.closed"]
    assert view["history"][0]["actor"]["id"] == flow["jan"]["user_id"]


def test_a_cases_entries_live_with_the_case_and_carry_its_expiry(h, flow):  # noqa: F811
    """Found from the case (its household partition, a case-scoped prefix) and expiring
    with it: a close gives the case (and them) its 18 months."""
    from vroegsignaal.adapters import keys
    case = raw_case(flow["case_id"])
    of_case = [item for item in audit_items() if item.get("case_id") == flow["case_id"]]
    assert len(of_case) == 7
    for item in of_case:
        assert item["pk"] == keys.household(case["household"])
        assert item["sk"].startswith(keys.case_audit_prefix(flow["case_id"]))
        assert item["sk"].startswith(keys.CASE_SCOPED_PREFIXES)
        assert item["expires_at"] == case["expires_at"]
    template_entry = next(item for item in audit_items() if item["action"] == "letter_template.changed")
    assert template_entry["pk"] == "MUN#GM0632" and "expires_at" not in template_entry


def test_a_pick_up_lifts_the_expiry_of_the_cases_entries_as_it_does_the_case(h, people):  # noqa: F811
    case_id = open_case(h, debtor__date_of_birth=OLD)
    request(h, "GET", "/cases/{case_id}", {"case_id": case_id}, principal=KEY)
    (viewed,) = audit_items()
    assert viewed["expires_at"] == raw_case(case_id)["expires_at"]  # 6 months after opening
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id}, principal=KEY,
            body={"type": "Telefoon", "reached": False})
    assert raw_case(case_id).get("expires_at") is None
    assert [item.get("expires_at") for item in audit_items()] == [None, None]


def test_a_failed_request_records_nothing(h, people):  # noqa: F811
    case_id = open_case(h, debtor__date_of_birth=OLD)
    status, _ = request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, principal=KEY,
                        body={"outcome": "Klaar"})
    assert status == 422 and audit_items() == []


# --------------------------------------------------------------------------- people


def test_the_users_of_a_municipality_with_their_roles(h, people):  # noqa: F811
    status, body = request(h, "GET", "/users", principal=people["jan"]["principal"])
    assert status == 200
    listed = {(u["user_id"], u["name"], u["role"]) for u in body["users"]}
    expected = {(p["user_id"], p["name"], role) for name, p, role in (
        ("jan", people["jan"], "consulent"), ("marieke", people["marieke"], "consulent"),
        ("piet", people["piet"], "consulent"), ("cor", people["cor"], "coordinator"),
        ("bea", people["bea"], "bezoeker"))}
    assert listed == expected  # Ute, of Utrecht only, is not one of them


@pytest.mark.parametrize("who", ["someone", "ute"], ids=["no-user", "another-municipalitys-user"])
def test_an_assignee_who_is_no_user_of_the_municipality_is_422(h, people, who):  # noqa: F811
    from vroegsignaal.adapters import tasks
    task_id = add_task(open_case(h, debtor__date_of_birth=OLD), step="s1")
    assignee = people[who]["user_id"] if who in people else "someone-unknown"
    status, body = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, principal=KEY,
                           body={"assignee": assignee})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["assignee"]]
    assert tasks.get(task_id).get("assignee") is None


def test_assignee_me_lists_the_callers_own_tasks_and_is_422_for_a_key(h, people):  # noqa: F811
    mine = add_task(open_case(h, reference="EN-1", debtor__date_of_birth=OLD), step="s1")
    add_task(open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2), step="s1")
    jan = people["jan"]
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": mine}, principal=jan["principal"],
            body={"assignee": jan["user_id"]})
    status, body = request(h, "GET", "/tasks", principal=jan["principal"], query={"assignee": "me"})
    assert status == 200 and [t["task_id"] for t in body["tasks"]] == [mine]
    status, body = request(h, "GET", "/tasks", principal=KEY, query={"assignee": "me"})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["query", "assignee"]]
