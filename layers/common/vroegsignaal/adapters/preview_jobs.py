"""The criteria preview's jobs (domain/preview.py) in the table: one item per job,
expiring (table TTL) JOB_KEPT_DAYS after it was asked.

The item holds ids, the status and its moments, `days`, who asked (a user or key
id), the posted criteria document and, once done, the result: the spec's body,
at most ~25 KB (100 baskets, 20 moved cases), so it is kept in the item as JSON
text, never in S3. Nothing else: the result names cases by id only, as the
synchronous answer does. Documents and results are JSON text so their numbers
come back exactly as posted (`14`, not `14.0`).
"""
from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal import clock
from vroegsignaal.domain import preview
from vroegsignaal.domain.errors import ConcurrentChange

from . import dynamo, keys, table

_FIELDS = ("job_id", "municipality_code", "asked_by", "status", "days", "created_at", "started_at", "finished_at",
           "last_attempt", "expires_at")


def _job_of(item: dict[str, Any]) -> dict[str, Any]:
    job = {name: item[name] for name in _FIELDS if name in item}
    job["document"] = json.loads(item["document"]) if "document" in item else None
    job["result"] = json.loads(item["result"]) if "result" in item else None
    return job


class DynamoPreviewJobs:
    """services.criteria_admin.PreviewJobStore."""

    def create(self, job: dict[str, Any]) -> None:
        pk, sk = keys.preview_job(job["municipality_code"], job["job_id"])
        item = {"pk": pk, "sk": sk, "type": "preview_job", **{name: job[name] for name in _FIELDS if name in job},
                "document": json.dumps(job["document"], separators=(",", ":"))}
        table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(item),
                                  ConditionExpression="attribute_not_exists(pk)")

    def get(self, code: str, job_id: str) -> dict[str, Any] | None:
        """The job, or None; an expired job is gone even before TTL deletes it (within days)."""
        item = table.get(*keys.preview_job(code, job_id))
        if item is None or int(item["expires_at"]) <= clock.now().timestamp():
            return None
        return _job_of(item)

    def start(self, code: str, job_id: str, *, started_at: str, last_attempt: bool) -> dict[str, Any] | None:
        """The job, now running (and whether this is its last attempt); None when it is
        done, failed or gone. A running job starts again: the attempt before died (a
        message comes back only then)."""
        return self._update(code, job_id, "SET #s = :running, started_at = :at, last_attempt = :last",
                            {":running": preview.RUNNING, ":at": started_at, ":queued": preview.QUEUED,
                             ":last": last_attempt},
                            condition="attribute_exists(pk) AND #s IN (:queued, :running)")

    def finish(self, code: str, job_id: str, result: dict[str, Any], *, finished_at: str) -> None:
        """Done, with its result; the document is no longer needed."""
        self._update(code, job_id, "SET #s = :done, finished_at = :at, #r = :result REMOVE document",
                     {":done": preview.DONE, ":at": finished_at, ":running": preview.RUNNING,
                      ":result": json.dumps(result, separators=(",", ":"))},
                     condition="#s = :running", names={"#r": "result"})

    def fail(self, code: str, job_id: str, *, finished_at: str) -> None:
        """Failed: its last attempt failed, or it could not be queued."""
        self._update(code, job_id, "SET #s = :failed, finished_at = :at REMOVE document",
                     {":failed": preview.FAILED, ":at": finished_at, ":running": preview.RUNNING,
                      ":queued": preview.QUEUED},
                     condition="#s IN (:queued, :running)")

    def _update(self, code: str, job_id: str, expression: str, values: dict[str, Any], *, condition: str,
                names: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The job as written, or None when the condition did not hold."""
        try:
            response = table.dynamodb().update_item(
                TableName=table.table_name(), Key=table.key(*keys.preview_job(code, job_id)),
                UpdateExpression=expression, ConditionExpression=condition,
                ExpressionAttributeNames={"#s": "status", **(names or {})},
                ExpressionAttributeValues=table.to_attrs(values), ReturnValues="ALL_NEW")
        except ClientError as error:
            translated = dynamo.translate(error, job_id)
            if isinstance(translated, ConcurrentChange):
                return None
            raise translated from None
        return _job_of(table.from_attrs(response["Attributes"]))
