"""The municipalities' criteria: documents in S3, version list and the active
pointer in the table.

S3 holds every uploaded version (`criteria/<code>/versions/<version>.json`) and
the active one (`criteria/<code>/active.json`: version, label, activated_at,
document). The table lists the versions (keys.criteria_version), counts
them, and the municipality's profile carries the pointer to the active version
(`active_criteria`: version, activated_at, the ETag of active.json), written on
every upload and activation before it answers. No pointer: the default.

Classification reads through `ActiveCriteriaCache`: per batch, one strongly
consistent GetItem of that small pointer per municipality, and S3 only when
the pointer changed; so a signal classified after the 200/201 of an upload or
activation uses that version. A corrupt or invalid active object is logged
and the last criteria that were good are kept, so it never stops
classification.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain.active_criteria import DEFAULT_VERSION, ActiveCriteria, default_active
from vroegsignaal.domain.criteria import Criteria, default_criteria, parse_criteria
from vroegsignaal.domain.errors import ValidationFailed

from . import bucket, keys, table
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


_POINTER = "active_criteria"


def read_pointer(code: str) -> dict[str, Any] | None:
    """The municipality's active-criteria pointer (strongly consistent), or None."""
    response = table.dynamodb().get_item(TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
                                         ConsistentRead=True, ProjectionExpression=_POINTER)
    item = table.from_attrs(response.get("Item") or {})
    pointer = item.get(_POINTER)
    return pointer if isinstance(pointer, dict) else None


def _write_pointer(code: str, version: str, activated_at: str, etag: str | None) -> None:
    table.dynamodb().update_item(
        TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
        UpdateExpression="SET #p = :pointer", ExpressionAttributeNames={"#p": _POINTER},
        ExpressionAttributeValues=table.to_attrs({":pointer": {"version": version, "activated_at": activated_at,
                                                               "etag": etag}}))


def _default_at(activated_at: str | None) -> ActiveCriteria:
    default = default_active()
    return ActiveCriteria(default.version, default.label, activated_at, default.criteria)


class CriteriaRepository:
    """Upload, list and activate versions (the municipality API)."""

    def active(self, code: str) -> ActiveCriteria:
        pointer = read_pointer(code)
        if pointer is None or pointer.get("version") == DEFAULT_VERSION:
            return _default_at(pointer.get("activated_at") if pointer else None)
        body = bucket.read(_active_key(code))
        return default_active() if body is None else _read_active(code, body)

    def upload(self, code: str, criteria: Criteria) -> ActiveCriteria:
        """Store a validated document as a new version and make it active."""
        counter = table.dynamodb().update_item(
            TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
            UpdateExpression="ADD criteria_seq :one", ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW")
        number = int(counter["Attributes"]["criteria_seq"]["N"])
        version = f"v{number}"
        uploaded_at = clock.iso(clock.now())
        bucket.write(_version_key(code, version), json.dumps(criteria.document, ensure_ascii=False).encode(),
                     "application/json")
        pk, sk = keys.criteria_version(code, number)
        table.put({"pk": pk, "sk": sk, "type": "criteria_version", "version": version, "label": criteria.document.get("label"), "uploaded_at": uploaded_at})
        return self._activate(code, version, criteria)

    def activate(self, code: str, version: str) -> ActiveCriteria | None:
        """Make an earlier version (or the default) active again; None if unknown."""
        if version == DEFAULT_VERSION:
            client("s3").delete_object(Bucket=bucket.name(), Key=_active_key(code))
            activated_at = clock.iso(clock.now())
            _write_pointer(code, DEFAULT_VERSION, activated_at, None)
            return _default_at(activated_at)
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
        response = client("s3").put_object(Bucket=bucket.name(), Key=_active_key(code), ContentType="application/json",
                                           Body=json.dumps(body, ensure_ascii=False).encode())
        # The pointer last: once it is written, classification uses this version.
        _write_pointer(code, version, active.activated_at or "", response.get("ETag"))
        return active

    def versions(self, code: str) -> list[dict[str, Any]]:
        """Newest first, the default last, each with `active`."""
        active_version = self.active(code).version
        items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                                values={":pk": keys.municipality(code)[0], ":prefix": keys.CRITERIA_PREFIX},
                                forward=False,
                                consistent=True)
        rows = [{"version": i["version"], "label": i.get("label"), "uploaded_at": i["uploaded_at"],
                 "active": i["version"] == active_version} for i in items]
        rows.append({"version": DEFAULT_VERSION, "label": default_criteria().document.get("label"),
                     "uploaded_at": None, "active": active_version == DEFAULT_VERSION})
        return rows


class ActiveCriteriaCache:
    """The active criteria per municipality for classification, kept per container.
    `begin_batch()` at the start of each batch: then `get` reads each municipality's
    pointer once in the batch, and the criteria from S3 only when it changed."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[str, str | None], ActiveCriteria]] = {}
        self._batch: dict[str, ActiveCriteria] = {}

    def begin_batch(self) -> None:
        self._batch.clear()

    def get(self, code: str) -> ActiveCriteria:
        active = self._batch.get(code)
        if active is None:
            active = self._batch[code] = self._current(code)
        return active

    def _current(self, code: str) -> ActiveCriteria:
        pointer = read_pointer(code)
        if pointer is None or pointer.get("version") == DEFAULT_VERSION:
            return _default_at(pointer.get("activated_at") if pointer else None)
        seen = (str(pointer["version"]), pointer.get("etag"))
        entry = self._entries.get(code)
        if entry is not None and entry[0] == seen:
            return entry[1]
        known_good = entry[1] if entry else None
        try:
            body = bucket.read(_active_key(code))
            active = default_active() if body is None else _read_active(code, body)
        except (ValueError, KeyError, TypeError, ValidationFailed):
            # A corrupt object must not stop classification: keep what was good.
            log.error("active criteria object is not valid; keeping the last good criteria",
                      extra={"municipality_code": code})
            active = known_good or default_active()
        self._entries[code] = (seen, active)
        return active

    def clear(self) -> None:
        self._entries.clear()
        self._batch.clear()
