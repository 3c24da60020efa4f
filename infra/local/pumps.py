"""Event source mappings: read the DynamoDB stream and the SQS queues, invoke the handlers.

Lambda's behaviour that the system relies on is reproduced, since that is what
the handlers are written against:

- events shaped as Lambda shapes them (moto's stream records and SQS messages
  are not: see architecture.md, known pitfalls);
- FilterCriteria: records that match no filter are dropped (stream) or
  deleted (SQS) without an invocation;
- `batchItemFailures` only with `ReportBatchItemFailures` in
  FunctionResponseTypes (otherwise Lambda ignores the response);
- streams: retry from the lowest failed sequence number, split the batch on
  a function error with BisectBatchOnFunctionError, give up after
  MaximumRetryAttempts and send the batch's description to the OnFailure
  destination;
- SQS: delete what succeeded, leave the rest to reappear; moto moves a
  message to the dead-letter queue on the receive after maxReceiveCount, as
  SQS does.

Retries come after a short pause (not the queue's visibility timeout), so
tests and demos stay fast.
"""
from __future__ import annotations

import base64
import fnmatch
import json
import threading
import time
import traceback
import uuid
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable

from .functions import InvocationError, LambdaFunction
from .log import warn

POLL_SECONDS = 0.05
IDLE_MAX_SECONDS = 0.4
_MISSING = object()


# --------------------------------------------------------------------------- filter patterns

def compile_filters(filter_criteria: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The JSON patterns of an event's FilterCriteria."""
    patterns = []
    for item in (filter_criteria or {}).get("Filters") or []:
        pattern = item.get("Pattern")
        patterns.append(json.loads(pattern) if isinstance(pattern, str) else pattern)
    return patterns


def passes_filters(patterns: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """Lambda delivers a record that matches any filter (all, without filters)."""
    return not patterns or any(matches_pattern(pattern, record) for pattern in patterns)


def matches_pattern(pattern: dict[str, Any], event: Any) -> bool:
    """EventBridge pattern matching, as Lambda event filtering uses it: every key of the
    pattern must match; a list holds the allowed values or comparisons; a dict nests."""
    for key, rule in pattern.items():
        if key == "$or":
            if not any(matches_pattern(option, event) for option in rule):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(rule, dict):
            if not isinstance(value, dict) or not matches_pattern(rule, value):
                return False
        elif isinstance(rule, list):
            if not _matches_any(rule, value):
                return False
        else:
            raise ValueError(f"invalid filter pattern at {key!r}: {rule!r} (values must be in a list)")
    return True


def _matches_any(rules: list[Any], value: Any) -> bool:
    present = value is not _MISSING
    values = value if isinstance(value, list) else [value]
    for rule in rules:
        if isinstance(rule, dict) and "exists" in rule:
            if bool(rule["exists"]) == (present and not isinstance(value, dict)):
                return True
        elif present and any(_matches_one(rule, item) for item in values):
            return True
    return False


def _matches_one(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return _equal(rule, value)
    (operator, argument), = rule.items()
    if operator == "prefix":
        if isinstance(argument, dict):  # {"prefix": {"equals-ignore-case": "..."}}
            return isinstance(value, str) and value.lower().startswith(argument["equals-ignore-case"].lower())
        return isinstance(value, str) and value.startswith(argument)
    if operator == "suffix":
        if isinstance(argument, dict):
            return isinstance(value, str) and value.lower().endswith(argument["equals-ignore-case"].lower())
        return isinstance(value, str) and value.endswith(argument)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == argument.lower()
    if operator == "wildcard":
        return isinstance(value, str) and fnmatch.fnmatchcase(value, argument)
    if operator == "anything-but":
        if isinstance(argument, dict):
            return not _matches_one(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_equal(item, value) for item in excluded)
    if operator == "numeric":
        return _numeric(argument, value)
    raise ValueError(f"filter operator {operator!r} is not supported by the local stack")


def _equal(expected: Any, value: Any) -> bool:
    if expected is None or value is None:
        return expected is value
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool) and expected == value
    if isinstance(expected, (int, float)) and isinstance(value, (int, float)):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _numeric(conditions: list[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    compare = {"=": float.__eq__, "<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}
    pairs = zip(conditions[::2], conditions[1::2])
    return all(compare[operator](float(value), float(bound)) for operator, bound in pairs)


# --------------------------------------------------------------------------- Lambda shapes

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
    if raw.get("userIdentity"):
        record["userIdentity"] = raw["userIdentity"]
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


def _filterable_sqs_record(record: dict[str, Any]) -> dict[str, Any]:
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


# --------------------------------------------------------------------------- pumps

class Pump:
    """A poller on its own thread. `generation` counts finished polls and `idle` says the
    last one found nothing, so the stack can tell when all work is done."""

    def __init__(self, name: str):
        self.name = name
        self.generation = 0
        self.idle = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        # An idle pump polls less and less often (up to IDLE_MAX_SECONDS): every poll is a
        # request to moto in this process, and busy functions would wait for it.
        wait = POLL_SECONDS
        while not self._stopping.is_set():
            try:
                found_work = self.poll_once()
            except Exception:  # noqa: BLE001 - keep pumping; say what went wrong
                found_work = True
                if not self._stopping.is_set():
                    warn(f"{self.name} poll failed:\n{traceback.format_exc()}")
                    self.pause(1.0)
            self.idle = not found_work
            self.generation += 1
            if found_work:
                wait = POLL_SECONDS
            else:
                self._stopping.wait(wait)
                wait = min(wait * 2, IDLE_MAX_SECONDS)

    def poll_once(self) -> bool:
        raise NotImplementedError

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _retry_pause(retries: int) -> float:
    return min(0.2, 0.05 * 2 ** retries)


class StreamPump(Pump):
    """One DynamoDB event source mapping of one function."""

    def __init__(self, function: LambdaFunction, event_name: str, properties: dict[str, Any], *,
                 streams: Any, send_on_failure: Callable[[str, dict[str, Any]], None] | None, region: str):
        super().__init__(name=f"{function.logical_id}.{event_name}")
        self.function = function
        self.stream_arn = properties["Stream"]
        self.batch_size = int(properties.get("BatchSize", 100))
        self.starting_position = properties.get("StartingPosition", "TRIM_HORIZON")
        self.bisect = bool(properties.get("BisectBatchOnFunctionError", False))
        self.max_retries = int(properties.get("MaximumRetryAttempts", -1))
        self.report_failures = "ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or [])
        self.filters = compile_filters(properties.get("FilterCriteria"))
        self.on_failure = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.send_on_failure = send_on_failure
        self.streams = streams
        self.region = region
        self._iterators: dict[str, str | None] = {}
        self._shards_checked = 0.0
        if not self.report_failures and properties.get("FunctionResponseTypes"):
            warn(f"{self.name}: FunctionResponseTypes {properties['FunctionResponseTypes']} has no "
                 "ReportBatchItemFailures: batchItemFailures responses are ignored, as on Lambda")

    def _refresh_shards(self) -> None:
        if time.monotonic() - self._shards_checked < 1.0 and self._iterators:
            return
        self._shards_checked = time.monotonic()
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard["ShardId"],
                    ShardIteratorType=self.starting_position)["ShardIterator"]

    def poll_once(self) -> bool:
        self._refresh_shards()
        found = False
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue  # a closed shard, read to its end
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self._iterators[shard_id] = response.get("NextShardIterator")
            records = [stream_record_to_lambda(raw, self.stream_arn, self.region) for raw in response["Records"]]
            found = found or bool(records)
            wanted = [record for record in records if passes_filters(self.filters, record)]
            for start in range(0, len(wanted), self.batch_size):
                self._deliver(shard_id, wanted[start:start + self.batch_size])
        return found

    def _deliver(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        """Process one batch to the end: success, or retries given up on."""
        pending = deque([records])
        retries: dict[str, int] = {}
        invocations: dict[str, int] = {}
        while pending and not self._stopping.is_set():
            batch = pending.popleft()
            sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
            for number in sequence_numbers:
                invocations[number] = invocations.get(number, 0) + 1
            function_error = False
            try:
                result = self.function.invoke({"Records": batch})
                failed = failed_item_ids(result, sequence_numbers, self.report_failures)
            except InvocationError as error:
                error.report()
                failed, function_error = sequence_numbers, True
            if not failed:
                continue
            # Records before the lowest failed sequence number are checkpointed.
            remaining = batch[sequence_numbers.index(failed[0]):]
            if function_error and self.bisect and len(remaining) > 1:
                middle = len(remaining) // 2
                pending.extendleft([remaining[middle:], remaining[:middle]])  # a split is not a retry
                continue
            used = max(retries.get(record["dynamodb"]["SequenceNumber"], 0) for record in remaining)
            if 0 <= self.max_retries <= used:
                self._give_up(shard_id, remaining, function_error,
                              invocations[remaining[0]["dynamodb"]["SequenceNumber"]])
                continue
            for record in remaining:
                number = record["dynamodb"]["SequenceNumber"]
                retries[number] = retries.get(number, 0) + 1
            pending.appendleft(remaining)
            self.pause(_retry_pause(used))

    def _give_up(self, shard_id: str, batch: list[dict[str, Any]], function_error: bool, invoke_count: int) -> None:
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        description = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function.arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": invoke_count,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                                **({"functionError": "Unhandled"} if function_error else {})},
            "version": "1.0",
            "timestamp": _iso(time.time()),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime", time.time())),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime", time.time())),
                "batchSize": len(batch),
                "streamArn": self.stream_arn,
            },
        }
        if self.on_failure and self.send_on_failure:
            warn(f"{self.name}: {len(batch)} record(s) exhausted their retries; described on {self.on_failure}")
            self.send_on_failure(self.on_failure, description)
        else:
            warn(f"{self.name}: {len(batch)} record(s) exhausted their retries and are dropped "
                 "(no OnFailure destination)")


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SqsPump(Pump):
    """One SQS event source mapping of one function."""

    def __init__(self, function: LambdaFunction, event_name: str, properties: dict[str, Any], *,
                 sqs: Any, queue_url: str, region: str, retry_delay_seconds: int = 1):
        super().__init__(name=f"{function.logical_id}.{event_name}")
        self.function = function
        self.queue_arn = properties["Queue"]
        self.queue_url = queue_url
        self.batch_size = int(properties.get("BatchSize", 10))
        self.report_failures = "ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or [])
        self.filters = compile_filters(properties.get("FilterCriteria"))
        self.sqs = sqs
        self.region = region
        self.retry_delay_seconds = retry_delay_seconds
        if not self.report_failures and properties.get("FunctionResponseTypes"):
            warn(f"{self.name}: FunctionResponseTypes {properties['FunctionResponseTypes']} has no "
                 "ReportBatchItemFailures: batchItemFailures responses are ignored, as on Lambda")

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < self.batch_size:
            response = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0)
            received = response.get("Messages") or []
            if not received:
                break
            messages.extend(received)
        return messages

    def poll_once(self) -> bool:
        messages = self._receive()
        if not messages:
            return False
        records = [sqs_message_to_lambda(message, self.queue_arn, self.region) for message in messages]
        wanted = [record for record in records if passes_filters(self.filters, _filterable_sqs_record(record))]
        unwanted = [record for record in records if record not in wanted]
        self._delete_records(unwanted)  # Lambda deletes messages that match no filter
        if not wanted:
            return True
        ids = [record["messageId"] for record in wanted]
        try:
            result = self.function.invoke({"Records": wanted})
            failed = set(failed_item_ids(result, ids, self.report_failures) or [])
        except InvocationError as error:
            error.report()
            failed = set(ids)
        self._delete_records([record for record in wanted if record["messageId"] not in failed])
        for record in wanted:
            if record["messageId"] in failed:
                # On AWS it reappears after the queue's visibility timeout; here soon.
                self.sqs.change_message_visibility(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"],
                                                   VisibilityTimeout=self.retry_delay_seconds)
        return True

    def _delete_records(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start:start + 10]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(index), "ReceiptHandle": record["receiptHandle"]} for index, record in enumerate(chunk)])

    def backlog(self) -> dict[str, int]:
        """Messages not yet done: visible, in flight (being handled or waiting to be retried), delayed."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return {"visible": int(attributes.get("ApproximateNumberOfMessages", 0)),
                "in flight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
                "delayed": int(attributes.get("ApproximateNumberOfMessagesDelayed", 0))}
