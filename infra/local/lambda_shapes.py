"""Records as Lambda hands them to functions, from what boto3 reads from moto.

moto's stream records and SQS messages are not shaped as Lambda's events
(architecture.md, known pitfalls); and a function's `batchItemFailures`
answer is read as Lambda reads it.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from .log import warn


def stream_record_to_lambda(raw: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A DynamoDB Streams record as boto3 reads it -> the record Lambda hands the function."""
    dynamodb = dict(raw["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    for image in ("Keys", "NewImage", "OldImage"):
        if image in dynamodb:
            dynamodb[image] = {name: _lambda_attribute(value) for name, value in dynamodb[image].items()}
    record = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,  # moto says us-east-1 whatever the region
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    identity = raw.get("userIdentity")
    if identity:  # the Streams API spells Type/PrincipalId; Lambda's record type/principalId
        record["userIdentity"] = {"type": identity.get("Type"), "principalId": identity.get("PrincipalId")}
    return record


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """boto3 decodes binary attributes to bytes; Lambda's JSON carries them base64-encoded."""
    (kind, content), = value.items()
    if kind == "B":
        return {"B": base64.b64encode(content).decode() if isinstance(content, bytes) else content}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode() if isinstance(item, bytes) else item for item in content]}
    if kind == "L":
        return {"L": [_lambda_attribute(item) for item in content]}
    if kind == "M":
        return {"M": {name: _lambda_attribute(item) for name, item in content.items()}}
    return {kind: content}


def sqs_message_to_lambda(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS message as boto3 receives it (MessageId, Body, ...) -> Lambda's SQS record."""
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        converted: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            converted["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            binary = value["BinaryValue"]
            converted["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
        attributes[name] = converted
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def filterable_sqs_record(record: dict[str, Any]) -> dict[str, Any]:
    """Lambda matches a JSON body as JSON (patterns on body.field), anything else as a string."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        return record
    return {**record, "body": body}


def failed_item_ids(result: Any, item_ids: list[str], report_failures: bool) -> list[str] | None:
    """The ids a `batchItemFailures` response names, in batch order; None if all succeeded.
    A malformed or unknown itemIdentifier fails the whole batch, as on Lambda."""
    if not report_failures or not isinstance(result, dict):
        return None
    failures = result.get("batchItemFailures")
    if not failures:
        return None
    named = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in item_ids:
            warn(f"batchItemFailures has an invalid itemIdentifier {identifier!r}: the whole batch fails")
            return list(item_ids)
        named.add(identifier)
    return [item for item in item_ids if item in named]

