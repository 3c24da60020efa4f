"""The follow-up queue: each message one page of a due partition (services.actions
FollowUpWorker), with partial batch responses (a failing page comes back and, after
maxReceiveCount, goes to the dead-letter queue; the next run reads its partition again)."""
from __future__ import annotations

import json
from collections import Counter

from aws_lambda_powertools import Logger, Metrics
from vroegsignaal import observability
from vroegsignaal.adapters import config, queues
from vroegsignaal.adapters.cases import DynamoCaseStore
from vroegsignaal.batch import SQS, batch_handler
from vroegsignaal.services.actions import FollowUpWorker

config.check(config.FOLLOWUPS_QUEUE_VARIABLE)  # a missing variable fails the cold start, not a message
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
counts: Counter = Counter()  # per invocation: one metric value per batch, not per record
worker = FollowUpWorker(cases=DynamoCaseStore(), send_case_steps=queues.send_case_steps,
                        send_work=queues.send_followup_work)


@tracer.capture_method
def record_handler(record):  # Powertools passes it as record=...
    work = json.loads(record["body"])
    done = worker.run(work)
    logger.info("follow-up page", extra={"municipality_code": work["municipality_code"], "shard": work["shard"],
                                         **done})
    counts.update({f"FollowUp_{name}": n for name, n in done.items() if n})


lambda_handler = batch_handler(record_handler, event_type=SQS, logger=logger, metrics=metrics, tracer=tracer,
                               counts=counts)
