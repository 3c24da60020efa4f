"""Retention end to end on the local stack (municipality-api.md, "Retention"): once
the clock passes a case's term, DynamoDB TTL removes it and the retention function
deletes everything that names the resident. The test scans the whole table and
every bucket for the debtor's name, BSN and postcode and finds nothing.

Its own in-process stack: moving the clock by months would expire the shared
stack's data under other tests."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from infra.local import LocalStack
from infra.local.stack import DEFAULT_TENANTS
from tests.e2e.client import request
from tests.factories import signal_body

pytestmark = pytest.mark.e2e
GM = "GM0632"
_random = random.Random()


@pytest.fixture(scope="module")
def stack():
    with LocalStack(port=0, tenants=DEFAULT_TENANTS) as running:
        yield running


def key(stack, tenant_id: str) -> str:
    return next(t.api_key for t in stack.tenants if t.id == tenant_id)


def valid_bsn() -> str:
    """Nine digits passing the eleven test."""
    while True:
        digits = [_random.randint(1, 9)] + [_random.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


class Resident:
    """A debtor nobody else in the stack shares a name, BSN or postcode with."""

    def __init__(self) -> None:
        letters = "".join(_random.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
        self.last_name = f"Vergeet{letters}"
        self.bsn = valid_bsn()
        self.postcode = f"{_random.randint(1000, 9999)}{_random.choice('KLMN')}{_random.choice('PQRS')}"
        self.reference = f"RET-{letters}"

    def traces(self) -> list[str]:
        return [self.last_name, self.bsn, self.postcode, f"{self.postcode[:4]} {self.postcode[4:]}"]


def today(stack) -> date:
    status, body = request(stack, "POST", "/_local/clock", body={"advance_days": 0})
    assert status == 200
    return date.fromisoformat(body["now"][:10])


def advance(stack, days: int) -> None:
    status, _ = request(stack, "POST", "/_local/clock", body={"advance_days": days})
    assert status == 200


def send(stack, resident: Resident) -> str:
    signal_date = today(stack)
    body = signal_body(reference=resident.reference, signal_date=signal_date.isoformat(),
                       arrears_since=(signal_date - timedelta(days=40)).isoformat(),
                       debtor__last_name=resident.last_name, debtor__bsn=resident.bsn,
                       debtor__address__postcode=resident.postcode, debtor__date_of_birth="1970-05-01")
    status, answer = request(stack, "POST", "/signals", key=key(stack, "energie-noord"), body=body)
    assert status == 201, answer
    stack.wait_until_quiet()
    return case_of(stack, resident)


def case_of(stack, resident: Resident) -> str:
    status, body = request(stack, "GET", f"/signals/{resident.reference}", key=key(stack, "energie-noord"))
    assert status == 200, body
    items = stack.client("dynamodb").scan(TableName=stack.resources.tables["Table"],
                                          FilterExpression="pk = :pk",
                                          ExpressionAttributeValues={":pk": {"S": f"SIGNAL#energie-noord#{resident.reference}"}})
    (item,) = items["Items"]
    return item["case_id"]["S"]


def municipality(stack, method, path, body=None):
    return request(stack, method, f"/municipalities/{GM}{path}", key=key(stack, GM), body=body)


def report(stack, month: str) -> dict:
    status, body = municipality(stack, "GET", f"/reports/monthly?from={month}&to={month}")
    assert status == 200, body
    return body["months"][0]


def table_items(stack) -> list[dict]:
    dynamodb, items, start = stack.client("dynamodb"), [], None
    for _page in range(10_000):  # bounded: the stack holds this module's few cases
        kwargs = {"TableName": stack.resources.tables["Table"], **({"ExclusiveStartKey": start} if start else {})}
        answer = dynamodb.scan(**kwargs)
        items.extend(answer["Items"])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return items
    raise AssertionError("the table scan did not end")


def bucket_objects(stack) -> list[tuple[str, str, bytes]]:
    """(bucket, key, bytes) of every version of every object of every bucket."""
    s3, found = stack.client("s3"), []
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            for version in page.get("Versions", []):
                body = s3.get_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])["Body"].read()
                found.append((name, version["Key"], body))
    return found


def traces_left(stack, resident: Resident, case_id: str) -> list[str]:
    # Retention's once-marker names the case id only (no personal data) and goes after 7 days.
    left = [f"table item {item['pk']['S']} {item['sk']['S']}" for item in table_items(stack)
            if any(trace in str(item) for trace in resident.traces())
            or (case_id in str(item) and item["type"]["S"] != "retention_done")]
    left += [f"object {bucket}/{object_key}" for bucket, object_key, body in bucket_objects(stack)
             if case_id in object_key or any(trace.encode() in body for trace in resident.traces())]
    return left


def letters_of(stack, case_id: str) -> list[str]:
    return [object_key for _, object_key, _ in bucket_objects(stack) if f"/{case_id}/" in object_key]


def tasks_of(stack, case_id: str) -> list[dict]:
    status, body = municipality(stack, "GET", "/tasks?limit=200")
    assert status == 200
    return [t for t in body["tasks"] if t["case_id"] == case_id]


def test_an_unpicked_case_leaves_nothing_behind_190_days_on(stack):
    resident = Resident()
    case_id = send(stack, resident)
    advance(stack, 14)  # the phone-call step of the path falls due
    assert letters_of(stack, case_id) and tasks_of(stack, case_id)
    month = today(stack).isoformat()[:7]
    before = report(stack, month)
    assert before["cases_opened"] >= 1
    advance(stack, 176)  # 190 days after the case opened: past its 6 months
    assert traces_left(stack, resident, case_id) == []
    status, _ = request(stack, "GET", f"/signals/{resident.reference}", key=key(stack, "energie-noord"))
    assert status == 404
    assert report(stack, month) == before


def test_a_picked_up_closed_case_leaves_nothing_behind_18_months_after_closing(stack):
    resident = Resident()
    case_id = send(stack, resident)
    status, _ = municipality(stack, "POST", f"/cases/{case_id}/contact-attempts",
                             body={"type": "Telefoon", "reached": True, "part_of_day": "Ochtend"})
    assert status == 201
    status, _ = municipality(stack, "POST", f"/cases/{case_id}/close", body={"outcome": "(Budget)advies en/of quick fix"})
    assert status == 200
    month = today(stack).isoformat()[:7]
    before = report(stack, month)
    assert before["picked_up"] >= 1 and before["closed"]["by_outcome"]["(Budget)advies en/of quick fix"] >= 1
    advance(stack, 200)  # past 6 months: a picked-up case stays
    assert case_id in str(table_items(stack))
    advance(stack, 18 * 31 - 200 + 5)
    assert traces_left(stack, resident, case_id) == []
    status, _ = request(stack, "GET", f"/signals/{resident.reference}", key=key(stack, "energie-noord"))
    assert status == 404
    assert report(stack, month) == before
