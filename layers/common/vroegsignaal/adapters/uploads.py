"""Uploads in the table and their files in the uploads bucket (docs/design.md).

The upload item holds the progress; its row results are items of up to a chunk of
rows each (services.imports), keyed by the chunk's last row, so a page of results
is one query. Both expire with the table's TTL after RETENTION_DAYS.
"""
from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from functools import lru_cache
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from vroegsignaal import clock
from vroegsignaal.domain.errors import ConcurrentChange
from vroegsignaal.domain.uploads.progress import DONE, FAILED, PROCESSING, WAITING, Chunk, Upload

from . import dynamo, keys, table
from .aws import client
from .signals import DynamoSignalStore

RETENTION_DAYS = 90
_COPY_BYTES = 1024 * 1024
_UPLOAD_FIELDS = ("upload_id", "partner_id", "partner_type", "filename", "content_type", "status", "created_at",
                  "url_expires_at", "object_tag", "rows", "rows_done", "received", "duplicates", "rejected", "message")


def _condition_failed(error: ClientError) -> bool:
    """Written before (the condition on the item's absence failed): adapters.dynamo decides."""
    return isinstance(dynamo.translate(error, "upload"), ConcurrentChange)


def _upload_of(item: dict[str, Any]) -> Upload:
    return Upload(**{name: item[name] for name in _UPLOAD_FIELDS if name in item})


def _chunk_of(item: dict[str, Any]) -> Chunk:
    return Chunk(item["first_row"], item["last_row"], item["results"])


class DynamoUploads:
    """The upload store: services.uploads.UploadRecords and services.imports.ImportProgress."""

    def _expires_at(self) -> int:
        return int((clock.now() + timedelta(days=RETENTION_DAYS)).timestamp())

    # ----------------------------------------------------------- records (the API)
    def create(self, upload: Upload) -> None:
        pk, sk = keys.upload(upload.upload_id)
        item = {"pk": pk, "sk": sk, "type": "upload", "expires_at": self._expires_at(),
                **{name: getattr(upload, name) for name in _UPLOAD_FIELDS}}
        table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(item),
                                  ConditionExpression="attribute_not_exists(pk)")

    def get(self, upload_id: str) -> Upload | None:
        item = table.get(*keys.upload(upload_id))
        return _upload_of(item) if item else None

    def results(self, upload_id: str, *, after: int, limit: int) -> list[dict[str, Any]]:
        pk, _ = keys.upload(upload_id)
        found: list[dict[str, Any]] = []
        for items, _last in table.query_pages(
                key_condition="pk = :pk AND sk BETWEEN :from AND :to",
                values={":pk": pk, ":from": keys.upload_chunk_sort_key(after + 1),
                        ":to": keys.upload_chunk_sort_key(999_999)},
                projection=("results",), consistent=True, limit=max(1, limit // 50)):
            for item in items:
                found.extend(result for result in item["results"] if result["index"] > after)
            if len(found) >= limit:
                break
        return found[:limit]

    # ----------------------------------------------------------- progress (the import)
    def _update(self, upload_id: str, expression: str, values: dict[str, Any], *, condition: str,
                names: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The item after a conditional update; None when the condition failed."""
        used = expression + " " + condition  # DynamoDB refuses names and values an expression does not use
        names = {name: field for name, field in {"#status": "status", **(names or {})}.items() if name in used}
        kwargs: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
        try:
            response = table.dynamodb().update_item(
                TableName=table.table_name(), Key=table.key(*keys.upload(upload_id)),
                UpdateExpression=expression, ConditionExpression=condition,
                ExpressionAttributeValues=table.to_attrs(values), ReturnValues="ALL_NEW", **kwargs)
        except ClientError as error:
            if not _condition_failed(error):
                raise
            return None
        return table.from_attrs(response["Attributes"])

    def start(self, upload_id: str, object_tag: str) -> Upload | None:
        item = self._update(
            upload_id, "SET #status = :processing, object_tag = :tag, started_at = if_not_exists(started_at, :now)",
            {":processing": PROCESSING, ":waiting": WAITING, ":tag": object_tag, ":now": clock.iso(clock.now())},
            condition="#status = :waiting OR (#status = :processing AND object_tag = :tag)")
        return _upload_of(item) if item else self.get(upload_id)

    def counted(self, upload_id: str, rows: int) -> None:
        self._update(upload_id, "SET #rows = :rows", {":rows": rows, ":processing": PROCESSING},
                     condition="#status = :processing", names={"#rows": "rows"})

    def recorded_chunk(self, upload_id: str, first: int, last: int) -> Chunk | None:
        pk, _ = keys.upload(upload_id)
        item = table.get(pk, keys.upload_chunk_sort_key(last))
        return _chunk_of(item) if item and item["first_row"] == first else None

    def record_chunk(self, upload_id: str, chunk: Chunk) -> Chunk:
        pk, _ = keys.upload(upload_id)
        item = {"pk": pk, "sk": keys.upload_chunk_sort_key(chunk.last), "type": "upload_chunk",
                "first_row": chunk.first, "last_row": chunk.last, "results": chunk.results,
                "expires_at": self._expires_at()}
        try:
            table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(item),
                                      ConditionExpression="attribute_not_exists(pk)")
            return chunk
        except ClientError as error:
            if not _condition_failed(error):
                raise
        recorded = table.get(pk, str(item["sk"]))  # a concurrent import of the same object recorded it first
        return _chunk_of(recorded) if recorded else chunk

    def advance(self, upload_id: str, chunk: Chunk) -> int:
        counts = chunk.counts()
        item = self._update(
            upload_id, "SET rows_done = :last, received = received + :received, "
                       "duplicates = duplicates + :duplicates, rejected = rejected + :rejected",
            {":last": chunk.last, ":before": chunk.first - 1, ":received": counts["received"],
             ":duplicates": counts["duplicates"], ":rejected": counts["rejected"]},
            condition="rows_done = :before")
        if item is None:  # another import of the same object advanced past it
            upload = self.get(upload_id)
            return upload.rows_done if upload else chunk.last
        return int(item["rows_done"])

    def _end(self, upload_id: str, status: str, extra: str = "", values: dict[str, Any] | None = None) -> Upload:
        item = self._update(upload_id, f"SET #status = :end, finished_at = :now{extra}",
                            {":end": status, ":now": clock.iso(clock.now()), ":processing": PROCESSING,
                             **(values or {})}, condition="#status = :processing")
        upload = _upload_of(item) if item else self.get(upload_id)
        assert upload is not None
        return upload

    def finish(self, upload_id: str) -> Upload:
        return self._end(upload_id, DONE)

    def fail(self, upload_id: str, message: str) -> Upload:
        return self._end(upload_id, FAILED, ", message = :message", {":message": message})


class ImportSignalStore(DynamoSignalStore):
    """The signal store as the import uses it. A batch result carries no status, so a
    duplicate's case is never looked up: the import needs no household key."""

    def __init__(self) -> None:
        super().__init__(household_secret=_no_household_key)

    def signal_status(self, item: dict[str, Any]) -> str:
        return "not looked up"  # never shown: batch results carry no status


def _no_household_key() -> str:
    raise RuntimeError("the import does not hash addresses")


@lru_cache(maxsize=4)
def _presigning_client(region: str, endpoint_url: str | None) -> Any:
    """Signature version 4 (botocore presigns with version 2 unless told, and S3 takes only
    version 4 for KMS-encrypted objects), at the bucket's regional virtual-host address."""
    return boto3.client("s3", region_name=region, endpoint_url=endpoint_url,
                        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))


class UploadsBucket:
    """The bucket partners PUT their files into (UPLOADS_BUCKET_NAME)."""

    def presign_put(self, key: str, *, content_type: str, expires_in: timedelta) -> str:
        signer = _presigning_client(os.environ.get("AWS_REGION", "eu-west-1"),
                                    os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"))
        return str(signer.generate_presigned_url(
            "put_object", Params={"Bucket": os.environ["UPLOADS_BUCKET_NAME"], "Key": key,
                                  "ContentType": content_type},
            ExpiresIn=int(expires_in.total_seconds()), HttpMethod="PUT"))

    def open_object(self, bucket: str, key: str, object_tag: str) -> IO[bytes]:
        """A seekable local copy of exactly that object (IfMatch: not a later one under its
        key), streamed to a temporary file, never whole in memory."""
        body = client("s3").get_object(Bucket=bucket, Key=key, IfMatch=object_tag)["Body"]
        copy = tempfile.TemporaryFile()  # noqa: SIM115 - handed open to the caller
        try:
            for part in iter(lambda: body.read(_COPY_BYTES), b""):
                copy.write(part)
        except BaseException:
            copy.close()
            raise
        finally:
            body.close()
        copy.seek(0)
        return copy
