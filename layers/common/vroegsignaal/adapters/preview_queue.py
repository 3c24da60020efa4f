"""Handing a criteria preview job to its worker (the preview queue): the message
names the municipality and the job, nothing else; the worker reads the job."""
from __future__ import annotations

import json
import os

from .aws import client
from .config import ConfigurationError

PREVIEW_QUEUE_VARIABLE = "PREVIEW_QUEUE_URL"


def queue_url() -> str:
    value = os.environ.get(PREVIEW_QUEUE_VARIABLE)
    if not value:
        raise ConfigurationError(f"environment variable {PREVIEW_QUEUE_VARIABLE} is not set")
    return value


def queue_job(code: str, job_id: str) -> None:
    client("sqs").send_message(QueueUrl=queue_url(),
                               MessageBody=json.dumps({"municipality_code": code, "job_id": job_id}))
