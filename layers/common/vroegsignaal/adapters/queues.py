"""Handing treatment-path steps to the letters and tasks queues.

A message names the case and the step, never the debtor: the consumer reads
the case. Consumers are idempotent on (case, step), so sending a step twice
(a redelivered stream record) does no harm.
"""
from __future__ import annotations

import json
import os
from typing import Any

from vroegsignaal.domain.paths import QUEUE_OF_ACTION

from .aws import client

_QUEUE_ENV = {"letters": "LETTERS_QUEUE_URL", "tasks": "TASKS_QUEUE_URL"}


def step_message(case: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": case["case_id"], "household": case["household"],
            "municipality_code": case["municipality_code"], "step_id": step["step_id"],
            "action": step["action"], "basket_id": step["basket_id"]}


def send_steps(case: dict[str, Any], steps: list[dict[str, Any]]) -> int:
    """Queue the steps; returns the number of SQS calls made."""
    by_queue: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        by_queue.setdefault(QUEUE_OF_ACTION[step["action"]], []).append(step_message(case, step))
    calls = 0
    for queue, messages in by_queue.items():
        url = os.environ[_QUEUE_ENV[queue]]
        for start in range(0, len(messages), 10):
            chunk = messages[start:start + 10]
            response = client("sqs").send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps(m)} for i, m in enumerate(chunk)])
            calls += 1
            if response.get("Failed"):
                raise RuntimeError(f"{len(response['Failed'])} step message(s) not queued")
    return calls
