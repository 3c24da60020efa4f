"""Every event source of a template is delivered: S3 object notifications (presigned uploads
included) and DynamoDB TTL deletions on the local clock (fixture template and handlers,
in-process local stack)."""
from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest

from infra.local import LocalStack

pytestmark = pytest.mark.e2e
EVENTS_TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "events_template.yaml"
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@pytest.fixture(scope="module")
def stack():
    with LocalStack(port=0, template=EVENTS_TEMPLATE) as running:
        yield running


@pytest.fixture
def received(stack):
    """What each fixture handler was handed, cleared once the stack is quiet."""
    stack.wait_until_quiet()
    records = {name: sys.modules[name].RECORDS for name in ("fixture_uploads", "fixture_notified", "fixture_expiry")}
    for kept in records.values():
        kept.clear()
    return records


def presigned_put(stack, bucket_id, key, body, content_type="text/csv"):
    s3 = stack.client("s3")
    url = s3.generate_presigned_url("put_object", ExpiresIn=900, Params={
        "Bucket": stack.resources.buckets[bucket_id], "Key": key, "ContentType": content_type})
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_a_presigned_upload_reaches_the_function_as_s3_shapes_the_event(stack, received):
    body = b"reference;amount\nEN-1;12,50\n"
    assert presigned_put(stack, "UploadBucket", "uploads/energie noord/januari 1.csv", body) == 200
    stack.wait_until_quiet()
    [record] = received["fixture_uploads"]
    assert (record["eventSource"], record["eventName"], record["awsRegion"]) == (
        "aws:s3", "ObjectCreated:Put", "eu-west-1")
    assert record["s3"]["bucket"]["name"] == stack.resources.buckets["UploadBucket"]
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{stack.resources.buckets['UploadBucket']}"
    assert record["s3"]["object"]["key"] == "uploads/energie+noord/januari+1.csv"   # URL-encoded, as S3 sends it
    assert record["s3"]["object"]["size"] == len(body)
    stored = stack.client("s3").get_object(Bucket=stack.resources.buckets["UploadBucket"],
                                           Key="uploads/energie noord/januari 1.csv")
    assert stored["Body"].read() == body
    assert record["s3"]["object"]["eTag"] == stored["ETag"].strip('"')


def test_objects_outside_the_prefix_or_suffix_are_not_delivered(stack, received):
    bucket = stack.resources.buckets["UploadBucket"]
    stack.client("s3").put_object(Bucket=bucket, Key="elsewhere/a.csv", Body=b"x")
    stack.client("s3").put_object(Bucket=bucket, Key="uploads/a.xlsx", Body=b"x")
    stack.client("s3").put_object(Bucket=bucket, Key="uploads/b.csv", Body=b"x")
    stack.wait_until_quiet()
    assert [r["s3"]["object"]["key"] for r in received["fixture_uploads"]] == ["uploads/b.csv"]


def test_a_bucket_notification_configuration_is_delivered_for_its_events_only(stack, received):
    bucket = stack.resources.buckets["ReportBucket"]
    stack.client("s3").put_object(Bucket=bucket, Key="month.json", Body=b"{}")
    stack.client("s3").delete_object(Bucket=bucket, Key="month.json")   # ObjectRemoved: not subscribed
    stack.wait_until_quiet()
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in received["fixture_notified"]] == [
        ("ObjectCreated:Put", "month.json")]


def test_moving_the_clock_past_expires_at_deletes_the_item_with_a_ttl_remove_record(stack, received):
    from vroegsignaal import clock

    ddb, table = stack.client("dynamodb"), stack.resources.tables["Table"]
    tomorrow = int(clock.now().timestamp()) + 86400
    ddb.put_item(TableName=table, Item={"pk": {"S": "expires"}, "expires_at": {"N": str(tomorrow)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "later"}, "expires_at": {"N": str(tomorrow + 10 * 86400)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "kept"}, "expires_at": {"S": "not a number"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "deleted-by-hand"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "deleted-by-hand"}})   # a REMOVE without the TTL identity
    stack.wait_until_quiet()
    assert received["fixture_expiry"] == []

    stack.advance_clock(2)
    remaining = {item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"]}
    assert "expires" not in remaining and {"later", "kept"} <= remaining
    [record] = received["fixture_expiry"]
    assert (record["eventName"], record["userIdentity"]) == ("REMOVE", TTL_IDENTITY)
    assert record["dynamodb"]["OldImage"]["pk"] == {"S": "expires"}
    assert "NewImage" not in record["dynamodb"]
