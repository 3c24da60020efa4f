"""The municipality API (municipality-api.md) through its handler, against moto.
Cases are made as in production: signals posted through the intake API, then
classified by the stream handler."""
from __future__ import annotations

import base64
import json
import os
import re
from datetime import datetime

import pytest
from vroegsignaal.domain.retention import add_months

from tests.factories import DEBTOR_SECRETS, signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, municipality, stream_event

pytestmark = pytest.mark.usefixtures("tenants")
GM = "GM0632"
OTHER = "GM0344"
OLD = "1970-03-04"      # date of birth of someone who is no jongere
YOUNG = "2006-06-01"    # 20 on the signal date


# --------------------------------------------------------------------------- helpers


def open_case(h, partner="energie-noord", **overrides) -> str:
    """Post a signal, classify it from the stream; the case's id."""
    from vroegsignaal.adapters import aws, table
    body = signal_body(**overrides)
    status, _ = call(h.intake, api_event("POST", "/signals", body=body, principal=PARTNERS[partner]))
    assert status == 201
    key = table.key(f"SIGNAL#{partner}#{body['reference']}", "SIGNAL")
    image = aws.client("dynamodb").get_item(TableName=table.table_name(), Key=key)["Item"]
    assert h.classify(stream_event([image]), LambdaContext()) == {"batchItemFailures": []}
    signal_id = table.get(f"SIGNAL#{partner}#{body['reference']}", "SIGNAL")["signal_id"]
    (case,) = _cases_holding(signal_id)
    return case["case_id"]


def _cases_holding(signal_id: str) -> list[dict]:
    """The cases that hold this signal (a test may scan; the product never does)."""
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name(), FilterExpression="#t = :log AND kind = :signal",
                                        ExpressionAttributeNames={"#t": "type"},
                                        ExpressionAttributeValues={":log": {"S": "case_log"},
                                                                   ":signal": {"S": "signal"}})["Items"]
    return [{"case_id": e["case_id"]} for e in map(table.from_attrs, items) if e["body"]["signal_id"] == signal_id]


def request(h, method, resource, params=None, *, code=GM, principal=None, body=None, query=None,
            raw_body=None, content_type=None):
    event = api_event(method, "/municipalities/{code}" + resource, {"code": code, **(params or {})},
                      body=body, raw_body=raw_body, query=query,
                      principal=principal if principal is not None else municipality(code))
    if content_type:
        event["headers"]["Content-Type"] = content_type
        event["multiValueHeaders"]["Content-Type"] = [content_type]
    return call(h.mun, event)


def raw_case(case_id, code=GM):
    from vroegsignaal.adapters.cases import DynamoCaseStore
    return DynamoCaseStore().find(code, case_id)


def raw_log(case_id, code=GM):
    from vroegsignaal.adapters.cases import DynamoCaseStore
    return DynamoCaseStore().log(raw_case(case_id, code))


def add_task(case_id, *, code=GM, kind="phone_call", basket_id="enkelvoudig", step="s1") -> str:
    """A task as the tasks consumer makes it: the task item, then its id on the case."""
    from vroegsignaal import clock
    from vroegsignaal.adapters import tasks
    from vroegsignaal.adapters.cases import DynamoCaseStore
    store = DynamoCaseStore()
    case = store.find(code, case_id)
    task = {"task_id": tasks.task_id_for(case_id, step), "case_id": case_id, "household": case["household"],
            "municipality_code": code, "basket_id": basket_id, "step_id": step, "type": kind, "status": "open",
            "assignee": None, "due": clock.today().isoformat(), "created_at": clock.iso(clock.now()),
            "done_at": None}
    assert tasks.create_once(task)
    case.setdefault("tasks", []).append(task["task_id"])
    store.write(case)
    return task["task_id"]


def add_letter(case_id, *, code=GM, pdf=b"%PDF-1.4 test letter\n%%EOF") -> str:
    from vroegsignaal import clock
    from vroegsignaal.adapters import letters
    from vroegsignaal.adapters.cases import DynamoCaseStore
    store = DynamoCaseStore()
    case = store.find(code, case_id)
    letter_id = letters.letter_id_for(case_id, "step-x")
    letters.put_letter(code, case_id, letter_id, pdf)
    case["letters"].append({"letter_id": letter_id, "created_at": clock.iso(clock.now()), "step": "step-x"})
    store.write(case)
    return letter_id


def partner_status(h, reference, partner="energie-noord"):
    event = api_event("GET", "/signals/{reference}", {"reference": reference}, principal=PARTNERS[partner])
    return call(h.intake, event)[1]["status"]


def drain(queue_env):
    from vroegsignaal.adapters import aws
    sqs = aws.client("sqs")
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=os.environ[queue_env], MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=os.environ[queue_env], ReceiptHandle=message["ReceiptHandle"])


def snapshot():
    """Everything stored: table items and bucket objects."""
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name())["Items"]
    objects = aws.client("s3").list_objects_v2(Bucket=os.environ["BUCKET_NAME"]).get("Contents", [])
    return (sorted(json.dumps(i, sort_keys=True) for i in items),
            sorted((o["Key"], o["ETag"]) for o in objects))


def upload_example(h, code=GM, **changes):
    from vroegsignaal.domain.criteria import example_document
    document = {**example_document(), **changes}
    status, body = request(h, "PUT", "/criteria", code=code, body=document)
    assert status == 201, body
    return body


# --------------------------------------------------------------------------- criteria and baskets


def test_default_criteria_put_a_low_single_signal_in_enkelvoudig_and_the_baskets_show_it(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    status, criteria = request(h, "GET", "/criteria")
    assert status == 200 and criteria["default"] is True and criteria["version"] == "default"
    assert criteria["activated_at"] is None and criteria["document"]["baskets"][-1]["id"] == "enkelvoudig"

    status, body = request(h, "GET", "/baskets")
    assert status == 200
    baskets = {b["id"]: b for b in body["baskets"]}
    assert [b["id"] for b in body["baskets"]] == ["crisis", "meervoudig", "hoog-bedrag", "enkelvoudig"]
    assert all(b["active"] is True for b in body["baskets"])
    opened_at = raw_case(case_id)["opened_at"]
    assert baskets["enkelvoudig"] == {
        "id": "enkelvoudig", "name": "Enkelvoudige signalen",
        "path": [{"action": "letter", "after_days": 0}, {"action": "phone_call", "after_days": 14}],
        "open_cases": 1, "open_signals": 1, "oldest_open_case_at": opened_at, "active": True}
    assert baskets["crisis"]["path"] == [{"action": "home_visit", "after_days": 0}]
    assert baskets["crisis"]["open_cases"] == 0 and baskets["crisis"]["oldest_open_case_at"] is None

    status, listed = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"})
    assert status == 200 and listed["next_cursor"] is None
    (summary,) = listed["cases"]
    from vroegsignaal import clock
    today = clock.local_date(datetime.fromisoformat(opened_at)).isoformat()  # Amsterdam's date when it opened
    assert summary == {
        "case_id": case_id, "kenmerk": raw_case(case_id)["kenmerk"], "basket_id": "enkelvoudig", "status": "open",
        "opened_at": opened_at, "street": "Rijnstraat", "postcode": "3441AB", "house_number": 12,
        "house_number_suffix": "BIS", "city": "Woerden", "names": ["A.B. van Dijk"],
        "signal_count": 1, "partner_types": ["energy"], "total_amount": "412.50",
        "next_step": {"action": "letter", "due": today}}


def test_example_criteria_put_a_young_resident_in_jongeren_and_the_case_says_why(h):
    from vroegsignaal.domain.criteria import example_document
    body = upload_example(h)
    assert body["version"] == "v1" and body["default"] is False and body["label"] == example_document()["label"]
    assert body["document"] == example_document() and body["activated_at"].endswith("Z")
    assert request(h, "GET", "/criteria")[1] == body

    case_id = open_case(h, debtor__date_of_birth=YOUNG, amount="1912.50")
    status, case = request(h, "GET", "/cases/{case_id}", {"case_id": case_id})
    assert status == 200
    assert case["basket_id"] == "jongeren" and case["total_amount"] == "1912.50"
    (classification,) = case["classifications"]
    assert classification["criteria_version"] == "v1" and classification["basket_id"] == "jongeren"
    assert classification["at"].endswith("Z")
    assert classification["facts"]["age"] == 20
    assert "age" in classification["explanation"]["matched"]["condition"]
    assert "age = 20" in " ".join(classification["explanation"]["lines"])
    (signal,) = case["signals"]
    assert signal["amount"] == "1912.50" and signal["signal_date"] == "2026-11-20"
    assert signal["arrears_since"] == "2026-10-01" and signal["partner_type"] == "energy"
    assert (signal["crisis"], signal["warm_transfer"], signal["supply_ending"]) == (False, False, False)
    assert signal["debtor"]["last_name"] == "Dijk" and signal["reference"] == "EN-2026-000123"
    assert [(s["action"], s["status"], s["basket_id"]) for s in case["steps"]] == [("phone_call", "pending", "jongeren")]
    assert case["tasks"] == [] and case["letters"] == [] and case["contact_attempts"] == []
    assert (case["picked_up_at"], case["closed_at"], case["outcome"]) == (None, None, None)

    status, baskets = request(h, "GET", "/baskets")
    ids = [b["id"] for b in baskets["baskets"]]
    assert ids == ["crisis", "jongeren", "meervoudig", "hoog-bedrag", "onder-drempel", "enkelvoudig"]


def test_an_invalid_document_is_422_with_every_problem_and_nothing_changes(h):
    from vroegsignaal.domain.criteria import example_document
    upload_example(h)
    document = example_document()
    document["municipality_code"] = "GM0344"
    document["baskets"][1]["when"] = {"fact": "leeftijd", "between": [18, 27]}
    document["baskets"][2]["id"] = "crisis"
    document["colour"] = "blue"
    before = snapshot()
    status, body = request(h, "PUT", "/criteria", body=document)
    assert status == 422 and body["error"] == "validation"
    pointers = {d["pointer"] for d in body["details"]}
    assert {"/municipality_code", "/baskets/1/when/fact", "/baskets/2/id", "/colour"} <= pointers
    assert all(d["msg"] for d in body["details"])
    assert snapshot() == before
    assert request(h, "GET", "/criteria")[1]["version"] == "v1"


def test_criteria_body_limits(h):
    status, body = request(h, "PUT", "/criteria", raw_body="{not json")
    assert status == 400 and body["error"] == "bad_request"
    status, body = request(h, "PUT", "/criteria", raw_body=json.dumps({"label": "x" * (64 * 1024)}))
    assert status == 413 and body["error"] == "too_large"
    status, body = request(h, "PUT", "/criteria", body=[1, 2])
    assert status == 422 and body["details"] == [{"pointer": "", "msg": "the criteria must be a JSON object"}]


def test_versions_newest_first_and_activate_an_earlier_one_or_the_default(h):
    upload_example(h, label="eerste")
    upload_example(h, label="tweede")
    status, body = request(h, "GET", "/criteria/versions")
    assert status == 200
    assert [(v["version"], v["label"], v["active"]) for v in body["versions"]] == [
        ("v2", "tweede", True), ("v1", "eerste", False), ("default", "Standaardinstelling", False)]
    assert body["versions"][0]["uploaded_at"].endswith("Z") and body["versions"][-1]["uploaded_at"] is None

    status, active = request(h, "POST", "/criteria/versions/{version}/activate", {"version": "v1"})
    assert status == 200 and active["version"] == "v1" and active["label"] == "eerste"
    assert request(h, "GET", "/criteria")[1]["version"] == "v1"
    assert [v["active"] for v in request(h, "GET", "/criteria/versions")[1]["versions"]] == [False, True, False]

    status, active = request(h, "POST", "/criteria/versions/{version}/activate", {"version": "default"})
    assert status == 200 and active["default"] is True and active["version"] == "default"
    assert request(h, "GET", "/criteria")[1]["default"] is True

    status, body = request(h, "POST", "/criteria/versions/{version}/activate", {"version": "v9"})
    assert status == 404 and body["error"] == "not_found"


def test_preview_counts_per_basket_and_the_moved_cases_and_changes_nothing(h):
    from vroegsignaal.domain.criteria import example_document
    young = open_case(h, reference="EN-1", debtor__date_of_birth=YOUNG)
    open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=14)
    open_case(h, reference="EN-3", debtor__date_of_birth=OLD, crisis=True, debtor__address__house_number=16)
    before = snapshot()
    status, body = request(h, "POST", "/criteria/preview", body=example_document())
    assert status == 200, body
    assert snapshot() == before
    assert (body["days"], body["cases"], body["active_version"]) == (90, 3, "default")
    assert body["moved"] == 1 and body["moved_sample"] == [{"case_id": young, "from": "enkelvoudig", "to": "jongeren"}]
    rows = {row["basket_id"]: row for row in body["baskets"]}
    assert [row["basket_id"] for row in body["baskets"]] == [
        "crisis", "jongeren", "meervoudig", "hoog-bedrag", "onder-drempel", "enkelvoudig"]
    assert rows["jongeren"] == {"basket_id": "jongeren", "name": "Jongeren", "active": 0, "preview": 1}
    assert (rows["enkelvoudig"]["active"], rows["enkelvoudig"]["preview"]) == (2, 1)
    assert (rows["crisis"]["active"], rows["crisis"]["preview"]) == (1, 1)

    status, body = request(h, "POST", "/criteria/preview", body=example_document(), query={"days": "1"})
    assert status == 200 and body["days"] == 1 and body["cases"] == 3


def test_preview_checks_days_and_the_document_together(h):
    for days in ("0", "367", "abc", "-1"):
        status, body = request(h, "POST", "/criteria/preview", body={"schema_version": 1, "baskets": []},
                               query={"days": days})
        assert status == 422
        assert {"query", "days"} <= {part for d in body["details"] for part in d.get("loc", [])}
        assert "/baskets" in {d.get("pointer") for d in body["details"]}


def test_preview_of_a_basket_only_the_active_criteria_have(h):
    from vroegsignaal.domain.criteria import default_document
    upload_example(h)
    open_case(h, debtor__date_of_birth=YOUNG)
    status, body = request(h, "POST", "/criteria/preview", body=default_document())
    assert status == 200
    rows = {row["basket_id"]: row for row in body["baskets"]}
    assert rows["jongeren"] == {"basket_id": "jongeren", "name": "Jongeren", "active": 1, "preview": 0}
    assert body["moved"] == 1 and body["active_version"] == "v1"


def test_baskets_of_earlier_versions_that_hold_open_cases_come_last_and_inactive(h):
    upload_example(h)
    open_case(h, debtor__date_of_birth=YOUNG)
    request(h, "POST", "/criteria/versions/{version}/activate", {"version": "default"})
    baskets = request(h, "GET", "/baskets")[1]["baskets"]
    assert [b["id"] for b in baskets] == ["crisis", "meervoudig", "hoog-bedrag", "enkelvoudig", "jongeren"]
    old = baskets[-1]
    assert old["active"] is False and old["name"] == "Jongeren" and old["open_cases"] == 1
    assert old["path"] == [{"action": "phone_call", "after_days": 0}]
    # Its cases can still be listed; a basket no version ever had is 404.
    status, listed = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "jongeren"})
    assert status == 200 and len(listed["cases"]) == 1
    status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "nergens"})
    assert status == 404 and body["error"] == "not_found"
    status, listed = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "onder-drempel"})
    assert status == 200 and listed == {"cases": [], "next_cursor": None}  # in v1, empty


def test_pagination_walks_every_case_once_and_rejects_foreign_cursors(h):
    made = [open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
            for n in (1, 2, 3)]
    seen, cursor = [], None
    for _ in range(10):
        query = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        status, page = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, query=query)
        assert status == 200 and len(page["cases"]) <= 1
        seen += [c["case_id"] for c in page["cases"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made  # oldest first, each exactly once

    _, first = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, query={"limit": "1"})
    foreign = {"basket": first["next_cursor"]}
    open_case(h, reference="EN-9", municipality_code=OTHER, debtor__date_of_birth=OLD)
    open_case(h, reference="EN-10", municipality_code=OTHER, debtor__date_of_birth=OLD, debtor__address__house_number=3)
    _, theirs = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"}, code=OTHER,
                        query={"limit": "1"})
    assert theirs["next_cursor"]
    for cursor in ("abc", "eyJ4IjoxfQ", theirs["next_cursor"]):
        status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                               query={"cursor": cursor})
        assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]
    status, _ = request(h, "GET", "/tasks", query={"cursor": foreign["basket"]})
    assert status == 422  # a basket's cursor is not the task list's
    for limit in ("0", "201", "x", "1.5"):
        status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                               query={"limit": limit})
        assert status == 422 and body["details"][0]["loc"] == ["query", "limit"]
    status, body = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                           query={"status": "gesloten", "colour": "red"})
    assert status == 422 and {tuple(d["loc"]) for d in body["details"]} == {("query", "status"), ("query", "colour")}


def test_basket_cases_by_status(h):
    open_id = open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    closed_id = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=2)
    request(h, "POST", "/cases/{case_id}/close", {"case_id": closed_id}, body={"outcome": "Verwijzing zonder contact"})

    def listed(status=None):
        query = {"status": status} if status else None
        return [c["case_id"] for c in request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"},
                                              query=query)[1]["cases"]]

    assert listed() == [open_id] and listed("open") == [open_id]
    assert listed("closed") == [closed_id] and listed("all") == [open_id, closed_id]
    baskets = {b["id"]: b for b in request(h, "GET", "/baskets")[1]["baskets"]}
    assert baskets["enkelvoudig"]["open_cases"] == 1


# --------------------------------------------------------------------------- moving, contact, closing


def test_move_by_hand_changes_the_path_and_picks_the_case_up(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    drain("LETTERS_QUEUE_URL")
    status, case = request(h, "POST", "/cases/{case_id}/move", {"case_id": case_id},
                           body={"basket_id": "crisis", "reason": "bewoner belde zelf, dakloosheid dreigt"})
    assert status == 200, case
    assert case["basket_id"] == "crisis" and case["moved_by_hand"] is True
    (move,) = case["moves"]
    assert (move["from"], move["to"], move["reason"]) == ("enkelvoudig", "crisis", "bewoner belde zelf, dakloosheid dreigt")
    assert move["at"].endswith("Z") and case["picked_up_at"] == move["at"]
    steps = [(s["basket_id"], s["action"], s["status"]) for s in case["steps"]]
    assert steps == [("enkelvoudig", "letter", "cancelled"), ("enkelvoudig", "phone_call", "cancelled"),
                     ("crisis", "home_visit", "pending")]
    (message,) = drain("TASKS_QUEUE_URL")
    assert (message["case_id"], message["action"], message["basket_id"]) == (case_id, "home_visit", "crisis")
    assert partner_status(h, "EN-2026-000123") == "in_progress"
    assert "expires_at" not in raw_case(case_id)

    # The same basket again: the move is recorded, the path stays.
    status, again = request(h, "POST", "/cases/{case_id}/move", {"case_id": case_id},
                            body={"basket_id": "crisis", "reason": "nog steeds"})
    assert status == 200 and len(again["moves"]) == 2 and again["steps"] == case["steps"]
    assert again["picked_up_at"] == case["picked_up_at"]
    assert drain("TASKS_QUEUE_URL") == []

    # A later signal of the household joins the case but does not reclassify it.
    open_case(h, "woonstede", reference="WS-1", debtor__date_of_birth=OLD)
    after = request(h, "GET", "/cases/{case_id}", {"case_id": case_id})[1]
    assert after["signal_count"] == 2 and after["basket_id"] == "crisis"


def test_move_rules(h):
    upload_example(h)
    case_id = open_case(h, debtor__date_of_birth=OLD)
    request(h, "POST", "/criteria/versions/{version}/activate", {"version": "default"})
    for body, locs in (({"basket_id": "jongeren", "reason": "x"}, {("basket_id",)}),   # not in the ACTIVE criteria
                       ({"basket_id": "crisis"}, {("reason",)}),
                       ({"basket_id": "crisis", "reason": "x" * 501, "colour": 1}, {("reason",), ("colour",)}),
                       ({"basket_id": 7, "reason": ""}, {("basket_id",), ("reason",)})):
        status, answer = request(h, "POST", "/cases/{case_id}/move", {"case_id": case_id}, body=body)
        assert status == 422 and {tuple(d["loc"]) for d in answer["details"]} == locs, answer
    assert raw_log(case_id)["move"] == []
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Inwoner is overleden"})
    status, body = request(h, "POST", "/cases/{case_id}/move", {"case_id": case_id},
                           body={"basket_id": "crisis", "reason": "te laat"})
    assert status == 409 and body["error"] == "conflict"


def test_contact_attempt_is_registered_and_picks_the_case_up(h):
    from vroegsignaal import clock
    case_id = open_case(h, debtor__date_of_birth=OLD)
    assert partner_status(h, "EN-2026-000123") == "received"
    status, attempt = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                              body={"type": "Telefoon", "reached": False, "part_of_day": "Ochtend",
                                    "note": "voicemail ingesproken"})
    assert status == 201, attempt
    assert attempt["attempt_id"].startswith("attempt-") and attempt["date"] == clock.today().isoformat()
    assert (attempt["type"], attempt["reached"], attempt["part_of_day"], attempt["note"]) == (
        "Telefoon", False, "Ochtend", "voicemail ingesproken")
    assert attempt["registered_at"].endswith("Z")
    status, second = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                             body={"type": "Huisbezoek", "reached": True, "date": "2026-11-21"})
    assert status == 201 and second["part_of_day"] is None and second["note"] is None
    case = request(h, "GET", "/cases/{case_id}", {"case_id": case_id})[1]
    assert case["contact_attempts"] == [attempt, second]
    assert case["picked_up_at"] == attempt["registered_at"]  # the first attempt picked it up
    assert partner_status(h, "EN-2026-000123") == "in_progress"


def test_contact_attempt_rules(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    status, body = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                           body={"type": "Fax", "reached": "ja", "date": "2999-01-01", "part_of_day": "Nacht",
                                 "note": "x" * 2001, "colour": "blue"})
    assert status == 422
    assert {tuple(d["loc"]) for d in body["details"]} == {("type",), ("reached",), ("date",), ("part_of_day",),
                                                          ("note",), ("colour",)}
    status, body = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id}, body={})
    assert status == 422 and {tuple(d["loc"]) for d in body["details"]} == {("type",), ("reached",)}
    status, body = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                           body={"type": "SMS/Whatsapp", "reached": True, "date": "20261120"})
    assert status == 422 and body["details"][0]["loc"] == ["date"]
    assert raw_log(case_id)["contact_attempt"] == []
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Inwoner is overleden"})
    status, body = request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                           body={"type": "Brief", "reached": False})
    assert status == 409


def test_close_cancels_open_tasks_stops_the_path_and_the_partner_sees_closed(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    open_task = add_task(case_id, step="s1")
    done_task = add_task(case_id, step="s2", kind="home_visit")
    status, task = request(h, "PATCH", "/tasks/{task_id}", {"task_id": done_task}, body={"status": "done"})
    assert status == 200 and task["status"] == "done"
    status, case = request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id},
                           body={"outcome": "(Budget)advies en/of quick fix"})
    assert status == 200, case
    assert case["status"] == "closed" and case["outcome"] == "(Budget)advies en/of quick fix"
    assert case["closed_at"].endswith("Z") and case["next_step"] is None
    assert {t["task_id"]: t["status"] for t in case["tasks"]} == {open_task: "cancelled", done_task: "done"}
    assert all(s["status"] not in ("pending", "queued") for s in case["steps"])
    assert partner_status(h, "EN-2026-000123") == "closed"
    from vroegsignaal.adapters import tasks
    assert tasks.get(open_task)["status"] == "cancelled"

    # Retention: picked up (a task was done), so 18 months after closing.
    stored = raw_case(case_id)
    closed = datetime.fromisoformat(stored["closed_at"])
    assert stored["expires_at"] == int(add_months(closed, 18).timestamp())
    assert stored["expires_at"] != int(add_months(datetime.fromisoformat(stored["opened_at"]), 6).timestamp())
    from vroegsignaal.adapters import table
    assert "gsi4pk" not in table.get(f"HH#{stored['household']}", f"CASE#{case_id}")  # no step will fall due

    status, body = request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id},
                           body={"outcome": "(Budget)advies en/of quick fix"})
    assert status == 409 and body["error"] == "conflict"


def test_a_case_never_picked_up_expires_six_months_after_it_opened(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    status, _ = request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id},
                        body={"outcome": "Niet opgepakt: herhaalde melding"})
    assert status == 200
    stored = raw_case(case_id)
    opened = datetime.fromisoformat(stored["opened_at"])
    assert stored["closed_at"] and stored["closed_at"] != stored["opened_at"]
    # Based on the opening moment, not on the closing one.
    assert stored["expires_at"] == int(add_months(opened, 6).timestamp())


@pytest.mark.parametrize("body", [{}, {"outcome": "Opgelost"}, {"outcome": "Verwijzing zonder contact", "x": 1},
                                  {"outcome": None}, ["Verwijzing zonder contact"]])
def test_close_needs_one_of_the_ddas_outcomes(h, body):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    status, answer = request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body=body)
    assert status == 422 and answer["error"] == "validation"
    assert raw_case(case_id)["status"] == "open"


# --------------------------------------------------------------------------- tasks


def test_tasks_list_with_filters_oldest_first(h, people):
    marieke = people["marieke"]["user_id"]
    first = open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    second = open_case(h, reference="EN-2", debtor__date_of_birth=OLD, crisis=True, debtor__address__house_number=2)
    call_task = add_task(first, step="s1")
    visit_task = add_task(second, kind="home_visit", basket_id="crisis", step="s2")
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": visit_task}, body={"assignee": marieke})

    def listed(**query):
        status, body = request(h, "GET", "/tasks", query=query or None)
        assert status == 200, body
        return [t["task_id"] for t in body["tasks"]]

    assert listed() == [call_task, visit_task]
    assert listed(type="home_visit") == [visit_task] and listed(type="phone_call") == [call_task]
    assert listed(assignee=marieke) == [visit_task] and listed(basket_id="enkelvoudig") == [call_task]
    assert listed(status="open") == [call_task, visit_task] and listed(status="done") == []
    assert listed(status="open", type="home_visit", assignee=marieke, basket_id="crisis") == [visit_task]
    status, body = request(h, "GET", "/tasks", query={"status": "klaar", "type": "email", "limit": "0"})
    assert status == 422
    assert {tuple(d["loc"]) for d in body["details"]} == {("query", "status"), ("query", "type"), ("query", "limit")}
    status, page = request(h, "GET", "/tasks", query={"limit": "1"})
    assert [t["task_id"] for t in page["tasks"]] == [call_task] and page["next_cursor"]
    status, page = request(h, "GET", "/tasks", query={"limit": "1", "cursor": page["next_cursor"]})
    assert [t["task_id"] for t in page["tasks"]] == [visit_task]
    (task,) = request(h, "GET", "/tasks", query={"type": "home_visit"})[1]["tasks"]
    assert set(task) == {"task_id", "case_id", "basket_id", "type", "status", "assignee", "due", "created_at", "done_at",
                         "kenmerk", "basket_name", "overdue", "names", "address", "phone"}
    assert (task["case_id"], task["basket_id"], task["type"], task["assignee"]) == (second, "crisis", "home_visit", marieke)


def test_patch_task_assigns_finishes_reopens_and_picks_the_case_up(h, people):
    jan = people["jan"]["user_id"]
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    status, task = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": jan})
    assert status == 200 and task["assignee"] == jan and task["status"] == "open"
    picked = raw_case(case_id)["picked_up_at"]
    assert picked and partner_status(h, "EN-2026-000123") == "in_progress"

    status, task = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"status": "done"})
    assert status == 200 and task["status"] == "done" and task["done_at"].endswith("Z")
    assert raw_case(case_id)["picked_up_at"] == picked  # only the first time
    status, task = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id},
                           body={"status": "open", "assignee": None})
    assert status == 200 and (task["status"], task["done_at"], task["assignee"]) == ("open", None, None)

    for body, locs in (({}, {()}), ({"assignee": "jan", "due": "2026-12-01"}, {("due",)}),
                       ({"status": "cancelled"}, {("status",)}), ({"assignee": 5}, {("assignee",)})):
        status, answer = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body=body)
        assert status == 422 and {tuple(d["loc"]) for d in answer["details"]} == locs, answer

    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    status, body = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id},
                           body={"assignee": people["piet"]["user_id"]})
    assert status == 409 and body["error"] == "conflict"


def test_finishing_a_task_picks_an_unpicked_case_up(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    status, _ = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"status": "done"})
    assert status == 200 and raw_case(case_id)["picked_up_at"]


def test_unassigning_does_not_pick_the_case_up(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    status, _ = request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": None})
    assert status == 200 and raw_case(case_id).get("picked_up_at") is None


# --------------------------------------------------------------------------- letters


def test_letter_is_the_pdf_listed_on_the_case(h):
    import municipality_api
    case_id = open_case(h, debtor__date_of_birth=OLD)
    pdf = b"%PDF-1.4\n\x00\xff binary \x89 bytes\n%%EOF"
    letter_id = add_letter(case_id, pdf=pdf)
    event = api_event("GET", "/municipalities/{code}/cases/{case_id}/letters/{letter_id}",
                      {"code": GM, "case_id": case_id, "letter_id": letter_id}, principal=municipality(GM))
    event["headers"]["Accept-Encoding"] = "gzip"
    response = municipality_api.lambda_handler(event, LambdaContext())
    assert response["statusCode"] == 200 and response["isBase64Encoded"] is True
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    headers.update({k.lower(): v[-1] for k, v in (response.get("multiValueHeaders") or {}).items() if v})
    assert headers["content-type"] == "application/pdf" and "content-encoding" not in headers
    assert base64.b64decode(response["body"]) == pdf

    case = request(h, "GET", "/cases/{case_id}", {"case_id": case_id})[1]
    (listed,) = case["letters"]
    assert set(listed) == {"letter_id", "created_at", "step", "channel"} and listed["channel"] == "letter"
    assert (listed["letter_id"], listed["step"]) == (letter_id, "step-x")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", listed["created_at"]), listed["created_at"]
    from vroegsignaal import clock
    assert datetime.fromisoformat(listed["created_at"]) <= clock.now()
    assert listed["created_at"] == raw_case(case_id)["letters"][0]["created_at"]  # when it was made, not when read
    status, body = request(h, "GET", "/cases/{case_id}/letters/{letter_id}",
                           {"case_id": case_id, "letter_id": "letter-unknown"})
    assert status == 404 and body["error"] == "not_found"


def test_letter_template_good_broken_json_and_too_large(h):
    from vroegsignaal.adapters import letters
    good = "{{ aanhef }},\n\nWij willen u graag helpen. Bel {{ telefoon }}.\n\nMet vriendelijke groet,\n{{ afzender }}\n"
    status, body = request(h, "PUT", "/letter-template", raw_body=good, content_type="text/plain; charset=utf-8")
    assert status == 200, body
    assert body == {"template": "custom", "variables": ["aanhef", "afzender", "telefoon"]}
    assert letters.get_template(GM) == good

    status, body = request(h, "PUT", "/letter-template", raw_body="{% if aanhef %}\nBeste\n",
                           content_type="text/plain")
    assert status == 422 and body["error"] == "validation" and body["details"][0]["loc"] == ["template"]
    status, body = request(h, "PUT", "/letter-template", raw_body="{{ bsn }}\n", content_type="text/plain")
    assert status == 422 and "bsn" in body["details"][0]["msg"]
    assert letters.get_template(GM) == good  # unchanged

    status, body = request(h, "PUT", "/letter-template", body={"template": "Beste {{ naam }},\n\nGroet\n"})
    assert status == 200 and body["variables"] == ["naam"]
    status, body = request(h, "PUT", "/letter-template", body={"tekst": "x"})
    assert status == 422 and {tuple(d["loc"]) for d in body["details"]} == {("tekst",), ("template",)}
    status, body = request(h, "PUT", "/letter-template", raw_body="x" * (64 * 1024 + 1), content_type="text/plain")
    assert status == 413


def test_no_debtor_data_in_logs(h, people, capsys, caplog):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    capsys.readouterr()
    caplog.clear()
    request(h, "GET", "/baskets")
    request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": "enkelvoudig"})
    request(h, "GET", "/cases/{case_id}", {"case_id": case_id})
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
            body={"type": "Telefoon", "reached": True, "note": "sprak mevrouw Van Dijk"})
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": people["jan"]["user_id"]})
    request(h, "POST", "/cases/{case_id}/move", {"case_id": case_id}, body={"basket_id": "crisis", "reason": "Dijk"})
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
            body={"type": "Fax", "reached": "Dijk", "note": 5})
    captured = capsys.readouterr()
    logs = captured.out + captured.err + "".join(repr(vars(record)) for record in caplog.records)
    assert case_id in logs  # the logs do name the case
    for secret in DEBTOR_SECRETS + ("A.B.", "van Dijk"):
        assert secret not in logs
