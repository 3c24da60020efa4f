"""Handing treatment-path steps to the letters and tasks queues, and giving up
on a signal that can never be classified (the classify failure queue).

A message names the case and the step (or the signal), never the debtor: the
consumer reads the case. Consumers are idempotent on (case, step), so sending
a step twice (a redelivered stream record) does no harm.
"""
from __future__ import annotations

import json
from typing import Any

from vroegsignaal.domain.paths import QUEUE_OF_ACTION

from . import config
from .aws import client


def step_message(case: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": case["case_id"], "household": case["household"],
            "municipality_code": case["municipality_code"], "step_id": step["step_id"],
            "action": step["action"], "basket_id": step["basket_id"]}


def _queue_url(queue: str) -> str:
    settings = config.current()
    return settings.letters_queue_url if queue == "letters" else settings.tasks_queue_url


def send_steps(case: dict[str, Any], steps: list[dict[str, Any]]) -> int:
    """Queue the steps; returns the number of SQS calls made."""
    by_queue: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        by_queue.setdefault(QUEUE_OF_ACTION[step["action"]], []).append(step_message(case, step))
    calls = 0
    for queue, messages in by_queue.items():
        url = _queue_url(queue)
        for start in range(0, len(messages), 10):
            chunk = messages[start:start + 10]
            response = client("sqs").send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps(m)} for i, m in enumerate(chunk)])
            calls += 1
            if response.get("Failed"):
                raise RuntimeError(f"{len(response['Failed'])} step message(s) not queued")
    return calls


def give_up_signal(signal_item: dict[str, Any], reason: str) -> None:
    """A signal no retry can classify, on the classify failure queue at once (its
    alarm tells the operator; `infra.admin reclassify` tries again after a fix).
    Ids and the error code only: no debtor data."""
    message = {"signal_id": signal_item["signal_id"], "partner_id": signal_item["partner_id"],
               "reference": signal_item["reference"], "municipality_code": signal_item["municipality_code"],
               "reason": reason, "kind": "unclassifiable_signal"}
    client("sqs").send_message(QueueUrl=config.current().failure_queue_url(), MessageBody=json.dumps(message))
