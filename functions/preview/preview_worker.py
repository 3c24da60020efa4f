"""Preview queue: a criteria preview of a large window, computed as a job
(services.criteria_admin.run_preview_job). A message that fails comes back (the
queue retries); on its last attempt the job is marked failed before it goes to
the dead-letter queue, so whoever polls it learns it will not finish."""
import json
from collections import Counter

from aws_lambda_powertools import Logger, Metrics
from vroegsignaal import observability
from vroegsignaal.adapters import config, queues
from vroegsignaal.adapters.criteria_store import CriteriaRepository
from vroegsignaal.adapters.monthly_counters import MonthlyCounters
from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs
from vroegsignaal.adapters.workbaskets import MunicipalityCaseStore
from vroegsignaal.batch import SQS, batch_handler
from vroegsignaal.domain.preview import JOB_ATTEMPTS
from vroegsignaal.services.criteria_admin import CriteriaAdmin

config.check()  # a missing variable fails the cold start, not a message
logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
counts: Counter = Counter()  # per invocation: one metric value per batch, not per record
admin = CriteriaAdmin(repository=CriteriaRepository(), cases=MunicipalityCaseStore(), jobs=DynamoPreviewJobs(),
                      queue_job=queues.queue_preview_job, counters=MonthlyCounters())


@tracer.capture_method
def record_handler(record):  # Powertools passes it as record=...
    message = json.loads(record["body"])
    attempt = int(record["attributes"].get("ApproximateReceiveCount", 1))
    outcome = admin.run_preview_job(message["municipality_code"], message["job_id"],
                                    last_attempt=attempt >= JOB_ATTEMPTS)
    logger.info("preview job handled", extra={"municipality_code": message["municipality_code"],
                                              "job_id": message["job_id"], "outcome": outcome, "attempt": attempt})
    counts[f"PreviewJobs_{outcome}"] += 1


lambda_handler = batch_handler(record_handler, event_type=SQS, logger=logger, metrics=metrics, tracer=tracer,
                               counts=counts)
