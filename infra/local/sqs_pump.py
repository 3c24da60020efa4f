"""An SQS event source mapping, as Lambda runs it: batches, filters, partial failures.

What succeeded is deleted, the rest reappears (soon, not after the queue's
visibility timeout); moto moves a message to the dead-letter queue on the
receive after maxReceiveCount, as SQS does.
"""
from __future__ import annotations

from typing import Any

from .filters import compile_filters, passes_filters
from .functions import InvocationError, LambdaFunction
from .lambda_shapes import failed_item_ids, filterable_sqs_record, sqs_message_to_lambda
from .log import warn
from .pump import Pump


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
        wanted = [record for record in records if passes_filters(self.filters, filterable_sqs_record(record))]
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

