"""The municipalities' criteria: documents in S3, version list in the table.

S3 holds every uploaded version (`criteria/<code>/versions/<version>.json`) and
the active one (`criteria/<code>/active.json`: version, label, activated_at,
document); no active object means the default criteria. The table lists the
versions (`MUN#<code>` / `CRITERIA#<n>`) and counts them.

Classification reads through `ActiveCriteriaCache`: one S3 request per
municipality per `ttl` seconds at most (a conditional GET on the ETag), never
one per record; a corrupt or invalid active object is logged and the last
criteria that were good are kept, so it never stops classification.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal import clock
from vroegsignaal.domain.active_criteria import DEFAULT_VERSION, ActiveCriteria, default_active
from vroegsignaal.domain.criteria import Criteria, default_criteria, parse_criteria
from vroegsignaal.domain.errors import ValidationFailed

from . import bucket, table
from .aws import client

log = logging.getLogger(__name__)


def _active_key(code: str) -> str:
    return f"criteria/{code}/active.json"


def _version_key(code: str, version: str) -> str:
    return f"criteria/{code}/versions/{version}.json"


def _read_active(code: str, body: bytes) -> ActiveCriteria:
    """Parse an active.json; raises ValueError/ValidationFailed when it is not good."""
    active = json.loads(body)
    criteria = parse_criteria(active["document"], municipality_code=code)
    return ActiveCriteria(active["version"], active.get("label"), active.get("activated_at"), criteria)


class CriteriaRepository:
    """Upload, list and activate versions (the municipality API)."""

    def active(self, code: str) -> ActiveCriteria:
        body = bucket.read(_active_key(code))
        return default_active() if body is None else _read_active(code, body)

    def upload(self, code: str, criteria: Criteria) -> ActiveCriteria:
        """Store a validated document as a new version and make it active."""
        counter = table.dynamodb().update_item(
            TableName=table.table_name(), Key=table.key(f"MUN#{code}", "PROFILE"),
            UpdateExpression="ADD criteria_seq :one", ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW")
        number = int(counter["Attributes"]["criteria_seq"]["N"])
        version = f"v{number}"
        uploaded_at = clock.iso(clock.now())
        bucket.write(_version_key(code, version), json.dumps(criteria.document, ensure_ascii=False).encode(),
                     "application/json")
        table.put({"pk": f"MUN#{code}", "sk": f"CRITERIA#{number:08d}", "type": "criteria_version",
                   "version": version, "label": criteria.document.get("label"), "uploaded_at": uploaded_at})
        return self._activate(code, version, criteria)

    def activate(self, code: str, version: str) -> ActiveCriteria | None:
        """Make an earlier version (or the default) active again; None if unknown."""
        if version == DEFAULT_VERSION:
            client("s3").delete_object(Bucket=bucket.name(), Key=_active_key(code))
            return default_active()
        criteria = self.version(code, version)
        return None if criteria is None else self._activate(code, version, criteria)

    def version(self, code: str, version: str) -> Criteria | None:
        """One stored version (the default included), read only; None if unknown.
        Versions never change once uploaded, so callers may cache them."""
        if version == DEFAULT_VERSION:
            return default_criteria()
        body = bucket.read(_version_key(code, version))
        return None if body is None else parse_criteria(json.loads(body), municipality_code=code)

    def _activate(self, code: str, version: str, criteria: Criteria) -> ActiveCriteria:
        active = ActiveCriteria(version, criteria.document.get("label"), clock.iso(clock.now()), criteria)
        body = {"version": version, "label": active.label, "activated_at": active.activated_at,
                "document": criteria.document}
        bucket.write(_active_key(code), json.dumps(body, ensure_ascii=False).encode(), "application/json")
        return active

    def versions(self, code: str) -> list[dict[str, Any]]:
        """Newest first, the default last, each with `active`."""
        active_version = self.active(code).version
        items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                                values={":pk": f"MUN#{code}", ":prefix": "CRITERIA#"}, forward=False,
                                consistent=True)
        rows = [{"version": i["version"], "label": i.get("label"), "uploaded_at": i["uploaded_at"],
                 "active": i["version"] == active_version} for i in items]
        rows.append({"version": DEFAULT_VERSION, "label": default_criteria().document.get("label"),
                     "uploaded_at": None, "active": active_version == DEFAULT_VERSION})
        return rows


class ActiveCriteriaCache:
    """The active criteria per municipality for classification, cached per container."""

    def __init__(self, ttl_seconds: float = 60.0, monotonic=time.monotonic):
        self.ttl = ttl_seconds
        self.monotonic = monotonic
        self._entries: dict[str, tuple[float, str | None, ActiveCriteria]] = {}

    def get(self, code: str) -> ActiveCriteria:
        entry = self._entries.get(code)
        now = self.monotonic()
        if entry and entry[0] > now:
            return entry[2]
        etag, known_good = (entry[1], entry[2]) if entry else (None, None)
        try:
            kwargs = {"Bucket": bucket.name(), "Key": _active_key(code)}
            if etag:
                kwargs["IfNoneMatch"] = etag
            response = client("s3").get_object(**kwargs)
            active, etag = _read_active(code, response["Body"].read()), response.get("ETag")
        except ClientError as error:
            if error.response["Error"]["Code"] in ("304", "NotModified") and known_good:
                active = known_good
            elif bucket.is_missing(error):
                active, etag = default_active(), None
            else:
                raise
        except (ValueError, KeyError, TypeError, ValidationFailed):
            # A corrupt object must not stop classification: keep what was good.
            log.error("active criteria object is not valid; keeping the last good criteria",
                      extra={"municipality_code": code})
            active = known_good or default_active()
        self._entries[code] = (now + self.ttl, etag, active)
        return active

    def clear(self) -> None:
        self._entries.clear()
