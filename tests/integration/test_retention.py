"""Retention (services/retention.py) through its stream handler, against moto:
a TTL REMOVE of a case deletes what belongs to it, once, and counts it."""
from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call
from tests.integration.test_municipality_api import add_letter, add_task, open_case, raw_case, request

pytestmark = pytest.mark.usefixtures("tenants")
TTL = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@pytest.fixture
def h():
    import classify_stream
    import intake_api
    import municipality_api
    import retention_stream
    return SimpleNamespace(intake=intake_api.lambda_handler, classify=classify_stream.lambda_handler,
                           mun=municipality_api.lambda_handler, retention=retention_stream.lambda_handler)


def expire(pk: str, sk: str) -> dict:
    """Delete the item as TTL does; the REMOVE record the stream would carry."""
    from vroegsignaal.adapters import aws, table
    old = aws.client("dynamodb").delete_item(TableName=table.table_name(), Key=table.key(pk, sk),
                                             ReturnValues="ALL_OLD")["Attributes"]
    return {"eventID": uuid.uuid4().hex, "eventName": "REMOVE", "eventSource": "aws:dynamodb",
            "awsRegion": "eu-west-1", "userIdentity": dict(TTL),
            "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-27T00:00:00.000",
            "dynamodb": {"Keys": {"pk": old["pk"], "sk": old["sk"]}, "OldImage": old, "SequenceNumber": "1",
                         "SizeBytes": 100, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def run(h, *records) -> None:
    assert h.retention({"Records": list(records)}, LambdaContext()) == {"batchItemFailures": []}


def everything() -> list[dict]:
    from vroegsignaal.adapters import aws, table
    return [table.from_attrs(i) for i in aws.client("dynamodb").scan(TableName=table.table_name())["Items"]]


def letter_versions() -> list[str]:
    from vroegsignaal.adapters import aws, bucket
    answer = aws.client("s3").list_object_versions(Bucket=bucket.name(), Prefix="letters/")
    return [v["Key"] for v in [*answer.get("Versions", []), *answer.get("DeleteMarkers", [])]]


def status_of(h, reference: str, partner: str = "energie-noord") -> int:
    status, _ = call(h.intake, api_event("GET", "/signals/{reference}", {"reference": reference},
                                         principal=PARTNERS[partner]))
    return status


def expire_case(h, case_id: str):
    case = raw_case(case_id)
    return expire(f"HH#{case['household']}", f"CASE#{case_id}")


def test_an_expired_case_takes_its_signals_letters_tasks_and_log(h):
    case_id = open_case(h, reference="EN-1")
    open_case(h, "woonstede", reference="WS-1")
    add_task(case_id)
    add_letter(case_id)
    add_letter(case_id, pdf=b"%PDF-1.4 second version\n%%EOF")  # the bucket keeps versions
    other = open_case(h, "vitens", reference="VI-1", debtor__address__postcode="3442 CD")
    run(h, expire_case(h, case_id))
    left = everything()
    assert not [i for i in left if i.get("case_id") == case_id or case_id in i["sk"]]
    assert status_of(h, "EN-1") == 404 and status_of(h, "WS-1", "woonstede") == 404
    assert letter_versions() == []
    assert raw_case(other) is not None and status_of(h, "VI-1", "vitens") == 200
    assert not [i for i in left if "Dijk" in str(i) and i.get("case_id") != other and other not in i["sk"]
                and i["pk"] != "SIGNAL#vitens#VI-1"]


def test_a_picked_up_and_closed_case_takes_its_dependents_though_none_carries_an_expiry(h):
    case_id = open_case(h, reference="EN-1")
    add_task(case_id)
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
            body={"type": "Telefoon", "reached": False})
    request(h, "POST", "/cases/{case_id}/close", {"case_id": case_id}, body={"outcome": "Verwijzing zonder contact"})
    kinds = {"case_log", "search_entry", "partner_feed", "task", "kenmerk_claim"}  # audit entries keep theirs
    dependents = [i for i in everything() if i.get("case_id") == case_id and i["type"] in kinds]
    assert {i["type"] for i in dependents} == kinds
    assert [i for i in dependents if "expires_at" in i] == [] and raw_case(case_id)["expires_at"]
    run(h, expire_case(h, case_id))
    assert not [i for i in everything() if i.get("case_id") == case_id or case_id in i["sk"]]


def test_a_redelivered_remove_deletes_nothing_more_and_counts_once(h):
    case_id = open_case(h, reference="EN-1")
    record = expire_case(h, case_id)
    run(h, record)
    run(h, record)
    months = report(h)
    deleted = months[-1]["deleted"]
    assert deleted == {"cases": 1, "signals": 1, "letters": 0, "tasks": 0}


def test_a_signal_entry_removed_before_its_case_takes_its_signal(h):
    from vroegsignaal.adapters import aws, table
    case_id = open_case(h, reference="EN-1")
    (entry,) = [i for i in everything() if i.get("kind") == "signal" and i.get("case_id") == case_id]
    run(h, expire(entry["pk"], entry["sk"]))
    assert status_of(h, "EN-1") == 404
    run(h, expire_case(h, case_id))  # the case follows; its signal is gone already
    assert aws.client("dynamodb").scan(TableName=table.table_name(), FilterExpression="case_id = :c",
                                       ExpressionAttributeValues={":c": {"S": case_id}})["Items"] == []


def test_the_months_figures_stay_when_their_cases_go(h):
    case_id = open_case(h, reference="EN-1")
    before = report(h)
    run(h, expire_case(h, case_id))
    after = report(h)
    assert [{k: v for k, v in m.items() if k != "deleted"} for m in after] == \
        [{k: v for k, v in m.items() if k != "deleted"} for m in before]


def test_a_signal_no_case_holds_expires_six_months_after_it_arrived_and_a_held_one_does_not(h):
    from vroegsignaal.adapters import table
    from vroegsignaal.domain.retention import unheld_signal_expires_at
    open_case(h, reference="EN-1")
    held = table.get("SIGNAL#energie-noord#EN-1", "SIGNAL")
    assert "expires_at" not in held  # the case's retention applies
    status, _ = call(h.intake, api_event("POST", "/signals", body=signal_body(reference="EN-2"),
                                         principal=PARTNERS["energie-noord"]))
    assert status == 201  # not classified: no case holds it
    unheld = table.get("SIGNAL#energie-noord#EN-2", "SIGNAL")
    received = datetime.fromisoformat(unheld["received_at"].replace("Z", "+00:00"))
    assert unheld["expires_at"] == unheld_signal_expires_at(received)


def report(h):
    from vroegsignaal import clock
    status, body = request(h, "GET", "/reports/monthly", query={"from": "2026-11", "to": clock.today().isoformat()[:7]})
    assert status == 200
    return body["months"]
