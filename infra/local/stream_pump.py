"""A DynamoDB stream event source mapping, as Lambda runs it.

- retry from the lowest failed sequence number (`batchItemFailures` only with
  `ReportBatchItemFailures` in FunctionResponseTypes, otherwise Lambda ignores
  the response);
- split the batch on a function error with BisectBatchOnFunctionError;
- give up after MaximumRetryAttempts and send the batch's description to the
  OnFailure destination;
- a checkpoint after every batch (kept in the state folder), so a restarted
  stack goes on where it was: a record is handled at least once, never lost.
"""
from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .filters import compile_filters, passes_filters
from .functions import InvocationError, LambdaFunction
from .lambda_shapes import failed_item_ids, stream_record_to_lambda
from .log import warn
from .pump import Pump, retry_pause


class StreamPump(Pump):
    """One DynamoDB event source mapping of one function."""

    def __init__(self, function: LambdaFunction, event_name: str, properties: dict[str, Any], *,
                 streams: Any, send_on_failure: Callable[[str, dict[str, Any]], None] | None, region: str,
                 checkpoints: dict[str, Any] | None = None,
                 save_checkpoint: Callable[[str, Any], None] | None = None):
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
        # shard id -> the last sequence number handled (or given up on), as of the last start
        self._checkpoints = dict(checkpoints or {})
        self._save_checkpoint = save_checkpoint
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
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            done = self._checkpoints.get(shard_id)
            position = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": done} if done
                        else {"ShardIteratorType": self.starting_position})
            self._iterators[shard_id] = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, **position)["ShardIterator"]

    def checkpoint_name(self, shard_id: str) -> str:
        return f"stream/{self.name}/{shard_id}"

    def _checkpoint(self, shard_id: str, sequence_number: str) -> None:
        if self._save_checkpoint is not None:
            self._save_checkpoint(self.checkpoint_name(shard_id), sequence_number)

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
                batch = wanted[start:start + self.batch_size]
                self._deliver(shard_id, batch)
                if self._stopping.is_set():
                    return True  # not finished: no checkpoint, it is handled again after a start
                self._checkpoint(shard_id, batch[-1]["dynamodb"]["SequenceNumber"])
            if records and (not wanted or wanted[-1] is not records[-1]):
                self._checkpoint(shard_id, records[-1]["dynamodb"]["SequenceNumber"])
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
            self.pause(retry_pause(used))

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
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

