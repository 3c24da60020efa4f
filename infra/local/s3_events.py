"""S3 object events, noted inside moto's process as the requests succeed.

moto (without Docker) cannot invoke a function for a bucket notification, so
the request wrapper (infra/local/state.py) notes every object created or
removed, in the record shape of S3's event notifications, and the stack's
notification pump (infra/local/notification_pump.py) delivers them.
"""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote_plus

from .cfn import ACCOUNT_ID  # moto's default account

# Query parameters that make a PUT or DELETE act on something other than the object itself.
_SUBRESOURCES = {"acl", "tagging", "retention", "legal-hold", "uploadId", "partNumber", "versioning", "policy",
                 "cors", "lifecycle", "notification", "encryption", "website", "logging", "replication",
                 "publicAccessBlock", "ownershipControls", "object-lock", "restore", "uploads", "delete"}


class S3EventRecorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def since(self, after: int) -> dict[str, Any]:
        return {"events": self.events[after:], "next": len(self.events)}

    def observe(self, environ: dict[str, Any], headers: list[tuple[str, str]]) -> None:
        """Note the event a successful S3 request makes, if it makes one."""
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        bucket, _, key = path.lstrip("/").partition("/")
        if not bucket or not key or not _is_s3(environ, bucket):
            return
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method = environ["REQUEST_METHOD"]
        if method == "PUT" and not _SUBRESOURCES & set(query):
            name = "ObjectCreated:Copy" if environ.get("HTTP_X_AMZ_COPY_SOURCE") else "ObjectCreated:Put"
        elif method == "POST" and "uploadId" in query:
            name = "ObjectCreated:CompleteMultipartUpload"
        elif method == "DELETE" and not _SUBRESOURCES & set(query):
            name = "ObjectRemoved:Delete"
        else:
            return
        self.events.append(_record(name, bucket, key, dict(headers), environ))


def _is_s3(environ: dict[str, Any], bucket: str) -> bool:
    """A REST request (no JSON or query protocol action) on a bucket that exists: signed with
    SigV4 or V2, in a header or a presigned URL, S3 is the only REST service here."""
    if environ.get("HTTP_X_AMZ_TARGET") or "Action=" in environ.get("QUERY_STRING", ""):
        return False
    from moto.s3.models import s3_backends

    return bucket in s3_backends[ACCOUNT_ID]["aws"].buckets


def _record(name: str, bucket: str, key: str, headers: dict[str, str], environ: dict[str, Any]) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/"), "sequencer": f"{time.time_ns():016X}"}
    if name.startswith("ObjectCreated"):
        stored = _stored_object(bucket, key)
        obj.update({"size": stored.size if stored else 0,
                    "eTag": (stored.etag if stored else headers.get("ETag", "")).strip('"')})
    version = headers.get("x-amz-version-id")
    if version:
        obj["versionId"] = version
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventName": name,
        "userIdentity": {"principalId": "AWS:LOCAL"},
        "requestParameters": {"sourceIPAddress": environ.get("REMOTE_ADDR", "127.0.0.1")},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                             "x-amz-id-2": uuid.uuid4().hex},
        "s3": {
            "s3SchemaVersion": "1.0",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": obj,
        },
    }


def _stored_object(bucket: str, key: str) -> Any:
    from moto.s3.models import s3_backends

    try:
        return s3_backends[ACCOUNT_ID]["aws"].get_object(bucket, key)
    except Exception:  # noqa: BLE001 - no size then; the event still goes out
        return None
