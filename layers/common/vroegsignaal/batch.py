"""The Lambda handler of every queue- and stream-fed function: one batch, each
record given to the function's record handler, with partial batch responses (a
failing record comes back and, after its retries, goes to the function's failure
or dead-letter queue; the others are done), and the counts the records gathered
published as one metric value each."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from . import observability

SQS, DYNAMODB_STREAMS = EventType.SQS, EventType.DynamoDBStreams


def batch_handler(record_handler: Callable[[Any], Any], *, event_type: EventType, logger: Any, metrics: Any,
                  tracer: Any, counts: dict[str, int],
                  before_batch: Callable[[], None] | None = None) -> Callable[[Any, Any], Any]:
    """A Lambda handler with its own batch processor (one per function)."""
    processor = BatchProcessor(event_type=event_type)

    def lambda_handler(event: Any, context: Any) -> Any:
        if before_batch is not None:
            before_batch()
        response = process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                            context=context)
        observability.publish_counts(metrics, counts)
        return response

    # Powertools' decorators, outermost first: the Lambda context in the logs, the
    # metrics flushed at the end, the trace around it all.
    return cast(Callable[[Any, Any], Any],
                logger.inject_lambda_context(metrics.log_metrics(tracer.capture_lambda_handler(lambda_handler))))
