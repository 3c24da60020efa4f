"""Classify new signals from the table's stream (INSERTs of signals only, by
the event source filter). Partial batch responses: a failing record is
retried alone, the others stay committed; redelivery changes nothing twice.
A record that can never be stored goes to the failure queue at once and
counts as handled, so its shard goes on."""
from __future__ import annotations

from collections import Counter

from aws_lambda_powertools import Logger, Metrics
from vroegsignaal import observability
from vroegsignaal.adapters import config, dynamo, queues, secrets, table
from vroegsignaal.adapters.cases import DynamoCaseStore
from vroegsignaal.adapters.criteria_store import ActiveCriteriaCache
from vroegsignaal.batch import DYNAMODB_STREAMS, batch_handler
from vroegsignaal.services.classify_stream import SignalClassifier

config.check(config.CLASSIFY_FAILURE_QUEUE_VARIABLE)  # a missing variable fails the cold start, not a record
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
criteria = ActiveCriteriaCache()
counts: Counter = Counter()  # per invocation: one metric value per batch, not per record
classifier = SignalClassifier(DynamoCaseStore(), criteria.get, queues.send_steps, secrets.household_secret,
                              give_up=queues.give_up_signal, permanent=(dynamo.Unstorable,))


@tracer.capture_method
def record_handler(record):  # Powertools passes it as record=...
    signal_item = table.from_attrs(record["dynamodb"]["NewImage"])
    result = classifier.handle(signal_item)
    if result is None:
        counts["SignalsUnclassifiable"] += 1
        return
    case = result.case
    logger.info("signal classified", extra={
        "signal_id": signal_item["signal_id"], "case_id": case["case_id"], "basket_id": case["basket_id"],
        "criteria_version": case["criteria_version"], "new_case": result.is_new,
        "redelivered": result.already_attached, "queued_steps": len(result.to_queue)})
    if not result.already_attached:
        counts["SignalsClassified"] += 1
        counts["CasesOpened"] += int(result.is_new)


# Each municipality's active criteria: looked up once per batch.
lambda_handler = batch_handler(record_handler, event_type=DYNAMODB_STREAMS, logger=logger, metrics=metrics,
                               tracer=tracer, counts=counts, before_batch=criteria.begin_batch)
