"""The local stack's pure pieces behind its event source mappings: filter patterns,
Lambda's record shapes, and the reading of batchItemFailures responses."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from infra.local.pumps import (
    compile_filters,
    failed_item_ids,
    matches_pattern,
    passes_filters,
    sqs_message_to_lambda,
    stream_record_to_lambda,
)

SIGNAL_FILTER = '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["signal"]}}}}'


def stream_record(event_name="INSERT", item_type="signal"):
    return {"eventName": event_name, "dynamodb": {"NewImage": {"type": {"S": item_type}, "pk": {"S": "SIGNAL#x"}}}}


# --------------------------------------------------------------------------- filters

@pytest.mark.parametrize(("record", "expected"), [
    (stream_record(), True),
    (stream_record(event_name="MODIFY"), False),
    (stream_record(item_type="case"), False),
    ({"eventName": "INSERT", "dynamodb": {"Keys": {}}}, False),   # no NewImage at all
])
def test_the_classify_filter(record, expected):
    assert passes_filters(compile_filters({"Filters": [{"Pattern": SIGNAL_FILTER}]}), record) is expected


def test_no_filters_pass_everything_and_any_filter_is_enough():
    assert passes_filters([], {"anything": 1})
    filters = compile_filters({"Filters": [{"Pattern": '{"a": ["x"]}'}, {"Pattern": '{"b": ["y"]}'}]})
    assert passes_filters(filters, {"b": "y"})
    assert not passes_filters(filters, {"a": "y", "b": "x"})


@pytest.mark.parametrize(("rule", "value", "expected"), [
    ([{"prefix": "SIGNAL#"}], "SIGNAL#energie#1", True),
    ([{"prefix": "SIGNAL#"}], "CASE#1", False),
    ([{"suffix": ".pdf"}], "letters/1.pdf", True),
    ([{"equals-ignore-case": "signal"}], "SIGNAL", True),
    ([{"anything-but": ["case", "task"]}], "signal", True),
    ([{"anything-but": "signal"}], "signal", False),
    ([{"anything-but": {"prefix": "CASE"}}], "CASE#1", False),
    ([{"numeric": [">", 0, "<=", 5]}], 5, True),
    ([{"numeric": [">", 0, "<=", 5]}], 6, False),
    ([{"numeric": [">", 0]}], "5", False),          # a string is not a number
    ([1], 1.0, True),
    ([True], 1, False),                             # booleans are not numbers
    ([None], None, True),
    (["a", "b"], ["c", "b"], True),                 # an array matches if any element does
    ([{"wildcard": "GM*#CASES"}], "GM0632#CASES", True),
])
def test_comparisons(rule, value, expected):
    assert matches_pattern({"field": rule}, {"field": value}) is expected


def test_exists():
    assert matches_pattern({"a": [{"exists": True}]}, {"a": "x"})
    assert not matches_pattern({"a": [{"exists": True}]}, {})
    assert matches_pattern({"a": [{"exists": False}]}, {})
    assert not matches_pattern({"a": [{"exists": False}]}, {"a": "x"})


def test_nested_keys_must_all_match():
    pattern = {"dynamodb": {"NewImage": {"type": {"S": ["signal"]}, "status": {"S": ["open"]}}}}
    assert matches_pattern(pattern, {"dynamodb": {"NewImage": {"type": {"S": "signal"}, "status": {"S": "open"}}}})
    assert not matches_pattern(pattern, {"dynamodb": {"NewImage": {"type": {"S": "signal"}}}})
    assert not matches_pattern(pattern, {"dynamodb": "not a map"})


def test_or():
    pattern = {"$or": [{"a": ["1"]}, {"b": ["2"]}]}
    assert matches_pattern(pattern, {"b": "2"})
    assert not matches_pattern(pattern, {"a": "2"})


def test_a_value_outside_a_list_is_an_invalid_pattern():
    with pytest.raises(ValueError):
        matches_pattern({"eventName": "INSERT"}, {"eventName": "INSERT"})


# --------------------------------------------------------------------------- Lambda shapes

def test_stream_records_get_lambdas_shape():
    raw = {  # as boto3 reads it from moto
        "eventID": "e1", "eventName": "INSERT", "eventVersion": "1.0", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 27, 6, 15, 28, 345000, tzinfo=UTC),
            "Keys": {"pk": {"S": "a"}, "sk": {"S": "b"}},
            "NewImage": {"pk": {"S": "a"}, "sk": {"S": "b"}, "blob": {"B": b"\x00\x01"}, "n": {"N": "1.5"},
                         "nested": {"M": {"bins": {"BS": [b"\xff"]}, "list": {"L": [{"B": b"\x02"}]}}}},
            "SequenceNumber": "1100000000017454423009", "SizeBytes": 278, "StreamViewType": "NEW_IMAGE"},
    }
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-27T06:15:28.335158"
    record = stream_record_to_lambda(raw, arn, "eu-west-1")
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == "eu-west-1"
    assert record["eventVersion"] == "1.1"
    dynamodb = record["dynamodb"]
    assert dynamodb["ApproximateCreationDateTime"] == 1795760128
    assert dynamodb["NewImage"]["blob"] == {"B": "AAE="}
    assert dynamodb["NewImage"]["n"] == {"N": "1.5"}
    assert dynamodb["NewImage"]["nested"] == {"M": {"bins": {"BS": ["/w=="]}, "list": {"L": [{"B": "Ag=="}]}}}
    assert (dynamodb["SequenceNumber"], dynamodb["SizeBytes"], dynamodb["StreamViewType"]) == (
        "1100000000017454423009", 278, "NEW_IMAGE")
    json.dumps(record)  # what Lambda hands over is JSON


def test_sqs_messages_get_lambdas_shape():
    message = {  # as boto3 receives it from moto
        "MessageId": "m-1", "ReceiptHandle": "rh", "MD5OfBody": "md5", "Body": '{"step": "letter"}',
        "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795760128468"},
        "MD5OfMessageAttributes": "md5a",
        "MessageAttributes": {"kind": {"StringValue": "letter", "DataType": "String"},
                              "raw": {"BinaryValue": b"\x01", "DataType": "Binary"}},
    }
    arn = "arn:aws:sqs:eu-west-1:123456789012:vroegsignaal-LettersQueue"
    record = sqs_message_to_lambda(message, arn, "eu-west-1")
    assert record == {
        "messageId": "m-1", "receiptHandle": "rh", "body": '{"step": "letter"}',
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795760128468"},
        "messageAttributes": {
            "kind": {"stringValue": "letter", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
            "raw": {"binaryValue": "AQ==", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"}},
        "md5OfBody": "md5", "md5OfMessageAttributes": "md5a",
        "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "eu-west-1",
    }


# --------------------------------------------------------------------------- batchItemFailures

IDS = ["100", "200", "300"]


@pytest.mark.parametrize("result", [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, "ok"])
def test_responses_that_mean_complete_success(result):
    assert failed_item_ids(result, IDS, report_failures=True) is None


def test_failed_items_come_back_in_batch_order():
    result = {"batchItemFailures": [{"itemIdentifier": "300"}, {"itemIdentifier": "200"}]}
    assert failed_item_ids(result, IDS, report_failures=True) == ["200", "300"]


@pytest.mark.parametrize("failure", [{"itemIdentifier": ""}, {"itemIdentifier": None}, {"id": "200"},
                                     {"itemIdentifier": "999"}])
def test_a_malformed_item_identifier_fails_the_whole_batch(failure):
    assert failed_item_ids({"batchItemFailures": [failure]}, IDS, report_failures=True) == IDS


def test_without_report_batch_item_failures_the_response_is_ignored():
    result = {"batchItemFailures": [{"itemIdentifier": "200"}]}
    assert failed_item_ids(result, IDS, report_failures=False) is None
