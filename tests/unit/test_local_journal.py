"""Which requests the local stack's journal keeps: those that may change moto's state."""
from __future__ import annotations

import pytest

from infra.local.state import _changes_something


def environ(method="POST", target=None, content_type="application/x-amz-json-1.0", query="", path="/"):
    found = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_TYPE": content_type}
    if target:
        found["HTTP_X_AMZ_TARGET"] = target
    return found


@pytest.mark.parametrize("action", ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
                                    "CreateTable", "UpdateTimeToLive"])
def test_dynamodb_writes_are_journaled(action):
    assert _changes_something(environ(target=f"DynamoDB_20120810.{action}"), b"{}")


@pytest.mark.parametrize("action", ["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "DescribeTable"])
def test_dynamodb_reads_are_not(action):
    assert not _changes_something(environ(target=f"DynamoDB_20120810.{action}"), b"{}")


def test_sqs_sends_and_deletes_are_journaled_but_receives_are_not():
    assert _changes_something(environ(target="AmazonSQS.SendMessageBatch"), b"{}")
    assert _changes_something(environ(target="AmazonSQS.DeleteMessage"), b"{}")
    assert not _changes_something(environ(target="AmazonSQS.ReceiveMessage"), b"{}")
    assert not _changes_something(environ(target="AmazonSQS.ChangeMessageVisibility"), b"{}")


def test_query_protocol_actions_are_read_from_the_form_body():
    form = "application/x-www-form-urlencoded; charset=utf-8"
    assert _changes_something(environ(content_type=form), b"Action=SendRawEmail&Version=2010-12-01")
    assert not _changes_something(environ(content_type=form), b"Action=GetSendQuota&Version=2010-12-01")


def test_rest_requests_by_method():
    assert _changes_something(environ("PUT", content_type="text/csv", path="/bucket/key"), b"x")
    assert _changes_something(environ("DELETE", content_type="", path="/bucket/key"), b"")
    assert not _changes_something(environ("GET", content_type="", path="/bucket/key"), b"")
    assert not _changes_something(environ("HEAD", content_type="", path="/bucket/key"), b"")


def test_moto_api_calls_are_not_journaled():
    assert not _changes_something(environ("POST", path="/moto-api/reset"), b"")
