"""The AWS services the functions use, all in process: the metered DynamoDB table
(bench.scale.store) and small stand-ins for S3, SQS and SES (counted as calls).

`install` puts them behind boto3.client, so vroegsignaal.adapters.aws.client —
and every adapter through it — gets them, and the real adapters run unchanged.
"""
from __future__ import annotations

import hashlib
import io
import os
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

from .meter import Meter
from .schema import table_schema
from .store import FakeDynamoDB

TABLE_NAME = "bench-scale-table"
BUCKET_NAME = "bench-scale-bucket"
LETTERS_QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/000000000000/letters"
TASKS_QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/000000000000/tasks"
FOLLOWUPS_QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/000000000000/followups"
HOUSEHOLD_SECRET = "bench-scale-household-key"

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1", "TABLE_NAME": TABLE_NAME, "BUCKET_NAME": BUCKET_NAME,
    "LETTERS_QUEUE_URL": LETTERS_QUEUE_URL, "TASKS_QUEUE_URL": TASKS_QUEUE_URL,
    "FOLLOWUPS_QUEUE_URL": FOLLOWUPS_QUEUE_URL,
    "HOUSEHOLD_KEY_SECRET": HOUSEHOLD_SECRET, "SENDER_EMAIL": "vroegsignaal@example.nl",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR",
}


def _missing(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "NoSuchKey", "Message": "The specified key does not exist."}}, operation)


class FakeS3:
    def __init__(self, meter: Meter):
        self.meter = meter
        self.objects: dict[str, bytes] = {}

    def get_object(self, *, Bucket: str, Key: str, IfNoneMatch: str | None = None, **_: Any) -> dict[str, Any]:
        self.meter.other("s3", "GetObject")
        body = self.objects.get(Key)
        if body is None:
            raise _missing("GetObject")
        etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324 - S3's ETag
        if IfNoneMatch == etag:
            raise ClientError({"Error": {"Code": "304", "Message": "Not Modified"}}, "GetObject")
        return {"Body": io.BytesIO(body), "ETag": etag}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes, **_: Any) -> dict[str, Any]:
        self.meter.other("s3", "PutObject")
        # Letters are not kept (their PDFs are not DynamoDB's cost): only their count.
        self.objects[Key] = b"" if Key.startswith("letters/") else Body
        return {}

    def delete_object(self, *, Bucket: str, Key: str, **_: Any) -> dict[str, Any]:
        self.meter.other("s3", "DeleteObject")
        self.objects.pop(Key, None)
        return {}


class FakeSQS:
    def __init__(self, meter: Meter):
        self.meter = meter
        self.queues: dict[str, deque[str]] = defaultdict(deque)

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        self.meter.other("sqs", "SendMessageBatch")
        for entry in Entries:
            self.queues[QueueUrl].append(entry["MessageBody"])
        return {"Successful": [{"Id": e["Id"]} for e in Entries], "Failed": []}

    def send_message(self, *, QueueUrl: str, MessageBody: str, **_: Any) -> dict[str, Any]:
        self.meter.other("sqs", "SendMessage")
        self.queues[QueueUrl].append(MessageBody)
        return {}


class FakeSES:
    def __init__(self, meter: Meter):
        self.meter = meter
        self.sent = 0

    def send_email(self, **_: Any) -> dict[str, Any]:
        self.meter.other("ses", "SendEmail")
        self.sent += 1
        return {"MessageId": str(self.sent)}


class Services:
    def __init__(self, meter: Meter):
        self.meter = meter
        self.dynamodb = FakeDynamoDB(table_schema(), meter, TABLE_NAME)
        self.s3 = FakeS3(meter)
        self.sqs = FakeSQS(meter)
        self.ses = FakeSES(meter)

    def client(self, service: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return {"dynamodb": self.dynamodb, "s3": self.s3, "sqs": self.sqs, "ses": self.ses}[service]
        except KeyError:
            raise NotImplementedError(f"bench.scale has no {service}") from None


def install(meter: Meter) -> tuple[Services, Callable[[], None]]:
    """Fresh services behind boto3.client; returns them and a function that undoes it."""
    from vroegsignaal.adapters import forget_container_state

    saved_env = {name: os.environ.get(name) for name in ENVIRONMENT}
    os.environ.update(ENVIRONMENT)
    services = Services(meter)
    original = boto3.client
    boto3.client = services.client
    forget_container_state()

    def uninstall() -> None:
        boto3.client = original
        forget_container_state()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    return services, uninstall
