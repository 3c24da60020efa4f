"""Retention on the table's stream: the TTL service's REMOVE records of cases
and of signal log entries only (the event source filter). Deletes what belongs
to the expired case (services/retention.py). Partial batch responses: a
failing record is retried alone; redelivery deletes and counts nothing twice.
Logs and metrics carry ids and counts, never what was deleted."""
from __future__ import annotations

from collections import Counter

from aws_lambda_powertools import Logger, Metrics
from vroegsignaal import observability
from vroegsignaal.adapters import config, table
from vroegsignaal.adapters.retention_store import DynamoRetentionStore
from vroegsignaal.batch import DYNAMODB_STREAMS, batch_handler
from vroegsignaal.services.retention import Retention

config.check()
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
retention = Retention(DynamoRetentionStore())
counts: Counter = Counter()  # per invocation: one metric value per batch


@tracer.capture_method
def record_handler(record):  # Powertools passes it as record=...
    old = table.from_attrs(record["dynamodb"]["OldImage"])
    if old.get("type") == "case":
        deleted = retention.case_expired(old)
        logger.info("expired case deleted", extra={"case_id": old["case_id"], **deleted.counts(),
                                                   "items": deleted.items})
    else:
        deleted = retention.signal_entry_expired(old)
    for kind, n in deleted.counts().items():
        counts[f"Deleted{kind.capitalize()}"] += n


lambda_handler = batch_handler(record_handler, event_type=DYNAMODB_STREAMS, logger=logger, metrics=metrics,
                               tracer=tracer, counts=counts)
