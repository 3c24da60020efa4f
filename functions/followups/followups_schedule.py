"""The follow-up schedule (EventBridge): queue every path step that has fallen due."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from vroegsignaal import clock, observability
from vroegsignaal.adapters import config, queues
from vroegsignaal.adapters.cases import DynamoCaseStore
from vroegsignaal.services.actions import run_followups

config.check()  # a missing variable fails the cold start, not a message
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
cases = DynamoCaseStore()


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    counts = run_followups(cases, queues.send_steps, clock.now())
    logger.info("follow-ups run", extra=counts)
    metrics.add_metric(name="FollowUpStepsQueued", unit=MetricUnit.Count, value=counts["queued"])
    return counts
