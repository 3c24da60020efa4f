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


def _send_batches(url: str, entries: list[dict[str, Any]]) -> int:
    """SendMessageBatch, 10 a call; returns the calls made. A message SQS did not take
    fails the caller (its message comes back and sends again: consumers are idempotent)."""
    calls = 0
    for start in range(0, len(entries), 10):
        chunk = entries[start:start + 10]
        response = client("sqs").send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), **entry} for i, entry in enumerate(chunk)])
        calls += 1
        if response.get("Failed"):
            raise RuntimeError(f"{len(response['Failed'])} message(s) not queued")
    return calls


def send_case_steps(steps: list[tuple[dict[str, Any], dict[str, Any]]]) -> int:
    """Queue (case, step) pairs of any cases, each step to its action's queue, 10 a call;
    returns the number of SQS calls made."""
    by_queue: dict[str, list[dict[str, Any]]] = {}
    for case, step in steps:
        by_queue.setdefault(QUEUE_OF_ACTION[step["action"]], []).append(
            {"MessageBody": json.dumps(step_message(case, step))})
    return sum(_send_batches(_queue_url(queue), entries) for queue, entries in by_queue.items())


def send_steps(case: dict[str, Any], steps: list[dict[str, Any]]) -> int:
    """Queue the steps of one case; returns the number of SQS calls made."""
    return send_case_steps([(case, step) for step in steps])


def send_followup_work(messages: list[dict[str, Any]]) -> int:
    """Queue follow-up work (a due partition's page: services.actions), 10 a call. The
    municipality is the message group: on a fair queue one municipality's backlog does
    not hold up another's messages. Ids, dates and a cursor only: no debtor data."""
    entries = [{"MessageBody": json.dumps(m), "MessageGroupId": m["municipality_code"]}
               for m in messages]
    return _send_batches(config.current().followups_queue_url(), entries)


def give_up_signal(signal_item: dict[str, Any], reason: str) -> None:
    """A signal no retry can classify, on the classify failure queue at once (its
    alarm tells the operator; `infra.admin reclassify` tries again after a fix).
    Ids and the error code only: no debtor data."""
    message = {"signal_id": signal_item["signal_id"], "partner_id": signal_item["partner_id"],
               "reference": signal_item["reference"], "municipality_code": signal_item["municipality_code"],
               "reason": reason, "kind": "unclassifiable_signal"}
    client("sqs").send_message(QueueUrl=config.current().failure_queue_url(), MessageBody=json.dumps(message))


def queue_preview_job(code: str, job_id: str) -> None:
    """Hand a criteria preview job to its worker: the message names the municipality and
    the job, nothing else; the worker reads the job."""
    client("sqs").send_message(QueueUrl=config.current().preview_queue_url(),
                               MessageBody=json.dumps({"municipality_code": code, "job_id": job_id}))
