"""The follow-up schedule (EventBridge): the first page of every due partition (each
municipality's shards) as work on the follow-up queue; followups_worker.py does it."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from vroegsignaal import clock, observability
from vroegsignaal.adapters import config, queues, registry
from vroegsignaal.adapters.cases import DynamoCaseStore
from vroegsignaal.services.actions import schedule_followups

config.check(config.FOLLOWUPS_QUEUE_VARIABLE)  # a missing variable fails the cold start, not a run
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    partitions = DynamoCaseStore.due_partitions(registry.municipality_codes())
    counts = schedule_followups(partitions, queues.send_followup_work, clock.now())
    logger.info("follow-ups scheduled", extra=counts)
    metrics.add_metric(name="FollowUpPartitionsScheduled", unit=MetricUnit.Count, value=counts["partitions"])
    return counts
