"""What the letters and tasks queue handlers share: one SQS batch of step
messages, each carried out by services.actions.StepRunner, with partial batch
responses (a failing message comes back and, after maxReceiveCount, goes to
the dead-letter queue; the others are done)."""
from __future__ import annotations

import json
from collections import Counter

from aws_lambda_powertools import Logger, Metrics
from vroegsignaal import observability
from vroegsignaal.adapters import config, letters, mail, registry, tasks
from vroegsignaal.adapters.cases import DynamoCaseStore
from vroegsignaal.batch import SQS, batch_handler
from vroegsignaal.services.actions import StepRunner

config.check()  # a missing variable fails the cold start, not a message
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
counts: Counter = Counter()  # per invocation: one metric value per batch, not per record
runner = StepRunner(cases=DynamoCaseStore(), tasks=tasks, letter_store=letters.LetterStore(),
                    municipality=registry.municipality, send_email=mail.send_email)


@tracer.capture_method
def record_handler(record):  # Powertools passes it as record=...
    message = json.loads(record["body"])
    outcome = runner.run(message)
    logger.info("step handled", extra={"case_id": message["case_id"], "step_id": message["step_id"],
                                       "action": message["action"], "done": outcome.done, "what": outcome.what})
    if outcome.done:
        counts[f"Steps_{outcome.what}"] += 1


def make_handler():
    """A Lambda handler with its own batch processor (one per function)."""
    return batch_handler(record_handler, event_type=SQS, logger=logger, metrics=metrics, tracer=tracer, counts=counts)
