"""Imports an uploaded partner file: started by the uploads bucket's object notification.
Thin: S3 event in, services.imports (every row through the same intake as POST /signals).

A failure raises: Lambda retries the asynchronous invocation and the import resumes
where its progress says (services/imports.py)."""
from __future__ import annotations

from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from vroegsignaal import observability
from vroegsignaal.adapters import registry
from vroegsignaal.adapters.uploads import DynamoUploads, ImportSignalStore, UploadsBucket
from vroegsignaal.services.imports import Imports
from vroegsignaal.services.intake import Intake
from vroegsignaal.services.uploads import upload_id_of

logger = Logger()
metrics = Metrics()
tracer = observability.tracer()

bucket = UploadsBucket()
# Rows are writes that wait on DynamoDB: eight at a time (the boto3 pool holds 32 connections).
WORKERS = 8
imports = Imports(Intake(ImportSignalStore(), is_known_municipality=registry.is_known_municipality), DynamoUploads(),
                  workers=WORKERS)


def import_object(record: dict) -> None:
    s3 = record["s3"]
    name, key = s3["bucket"]["name"], unquote_plus(s3["object"]["key"])
    tag, size = s3["object"]["eTag"], int(s3["object"].get("size", 0))
    upload_id = upload_id_of(key)
    if upload_id is None:
        logger.warning("object outside the uploads prefix", extra={"key_length": len(key)})
        return
    upload = imports.run(upload_id, lambda: bucket.open_object(name, key, tag), size=size, object_tag=tag)
    if upload is None:
        logger.warning("object without an upload", extra={"upload_id": upload_id})
        return
    logger.info("upload handled", extra={"upload_id": upload_id, "partner_id": upload.partner_id,
                                         "status": upload.status, "rows": upload.rows, "received": upload.received,
                                         "duplicates": upload.duplicates, "rejected": upload.rejected})
    metrics.add_dimension("partner_type", upload.partner_type)
    metrics.add_metric(name="UploadRowsReceived", unit=MetricUnit.Count, value=upload.received)
    metrics.add_metric(name="UploadRowsDuplicate", unit=MetricUnit.Count, value=upload.duplicates)
    metrics.add_metric(name="UploadRowsRejected", unit=MetricUnit.Count, value=upload.rejected)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    for record in event.get("Records", []):
        import_object(record)
