"""A partner's file uploads (signals-api.md): a presigned address to PUT the file to,
and the upload's progress and per-row results."""
from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from vroegsignaal import clock, ids
from vroegsignaal.domain.errors import CursorError, NotFound, ValidationFailed
from vroegsignaal.domain.uploads.progress import CONTENT_TYPES, MAX_FILE_BYTES, WAITING, Upload

URL_LIFETIME = timedelta(minutes=15)
FILENAME_MAX = 200
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
OBJECT_PREFIX = "uploads/"


def object_key(upload_id: str) -> str:
    """Where the partner PUTs the file. The import finds its upload by this key."""
    return f"{OBJECT_PREFIX}{upload_id}"


def upload_id_of(key: str) -> str | None:
    return key[len(OBJECT_PREFIX):] if key.startswith(OBJECT_PREFIX) and "/" not in key[len(OBJECT_PREFIX):] else None


class UploadRecords(Protocol):
    def create(self, upload: Upload) -> None: ...

    def get(self, upload_id: str) -> Upload | None: ...

    def results(self, upload_id: str, *, after: int, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` row results with index > after, in row order."""


class PresignsUploads(Protocol):
    def presign_put(self, key: str, *, content_type: str, expires_in: timedelta) -> str:
        """A URL that accepts one PUT of the object with this Content-Type until it expires."""


class Uploads:
    def __init__(self, records: UploadRecords, bucket: PresignsUploads, *,
                 now: Callable[[], datetime] = clock.now):
        self.records = records
        self.bucket = bucket
        self.now = now

    def create(self, partner: dict[str, Any], body: Any) -> dict[str, Any]:
        """POST /signals/uploads: {"filename", "content_type"} -> the address to PUT the file to."""
        filename, content_type = _upload_request(body)
        now = self.now()
        upload = Upload(upload_id=ids.new_id("upl"), partner_id=partner["partner_id"],
                        partner_type=partner["partner_type"], filename=filename, content_type=content_type,
                        status=WAITING, created_at=clock.iso(now), url_expires_at=clock.iso(now + URL_LIFETIME))
        url = self.bucket.presign_put(object_key(upload.upload_id), content_type=content_type,
                                      expires_in=URL_LIFETIME)
        self.records.create(upload)
        return {"upload_id": upload.upload_id, "upload_url": url, "expires_at": upload.url_expires_at,
                "method": "PUT", "headers": {"Content-Type": content_type}, "max_bytes": MAX_FILE_BYTES}

    def report(self, partner: dict[str, Any], upload_id: str, query: dict[str, str] | None) -> dict[str, Any]:
        """GET /signals/uploads/{id}: progress and a page of row results. Another partner's
        upload is as good as absent (NotFound)."""
        limit, after = _page(query)
        upload = self.records.get(upload_id) if ids_look_right(upload_id) else None
        if upload is None or upload.partner_id != partner["partner_id"]:
            raise NotFound("no upload with that id from this partner")
        results = self.records.results(upload_id, after=after, limit=limit + 1)
        more = len(results) > limit
        results = results[:limit]
        next_cursor = _cursor(results[-1]["index"]) if more else None
        return {**upload.view(), "results": results, "next_cursor": next_cursor}


def ids_look_right(upload_id: str) -> bool:
    return upload_id.startswith("upl-") and len(upload_id) <= 64 and upload_id.isascii() and upload_id[4:].isalnum()


def _upload_request(body: Any) -> tuple[str, str]:
    problems: list[dict[str, Any]] = []
    if not isinstance(body, dict):
        raise ValidationFailed([{"loc": [], "msg": 'the body must be a JSON object {"filename", "content_type"}'}])
    for name in body:
        if name not in ("filename", "content_type"):
            problems.append({"loc": [str(name)], "msg": "unknown field"})
    filename = body.get("filename")
    if not isinstance(filename, str):
        problems.append({"loc": ["filename"], "msg": "field required" if filename is None else "must be a string"})
    else:
        filename = unicodedata.normalize("NFC", filename.strip())
        if not 1 <= len(filename) <= FILENAME_MAX:
            problems.append({"loc": ["filename"], "msg": f"must be 1 to {FILENAME_MAX} characters"})
        elif any(unicodedata.category(char).startswith("C") for char in filename):
            problems.append({"loc": ["filename"], "msg": "must not contain control characters"})
    content_type = body.get("content_type")
    if content_type not in CONTENT_TYPES:
        problems.append({"loc": ["content_type"], "msg": "field required" if content_type is None
                         else "must be " + " or ".join(CONTENT_TYPES)})
    if problems:
        raise ValidationFailed(problems)
    return str(filename), str(content_type)


def _page(query: dict[str, str] | None) -> tuple[int, int]:
    """(limit, last row before the page) from ?limit= and ?cursor=; ValidationFailed naming each problem."""
    problems: list[dict[str, Any]] = []
    limit, after = DEFAULT_LIMIT, 0
    for name, text in (query or {}).items():
        if name == "limit":
            if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_LIMIT:
                limit = int(text)
            else:
                problems.append({"loc": ["query", "limit"], "msg": f"must be a whole number from 1 to {MAX_LIMIT}"})
        elif name == "cursor":
            try:
                after = _row_of(text)
            except CursorError:
                problems.append({"loc": ["query", "cursor"], "msg": "is not a cursor of this list"})
        else:
            problems.append({"loc": ["query", name], "msg": "unknown query parameter"})
    if problems:
        raise ValidationFailed(problems)
    return limit, after


def _cursor(row: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after_row": row}).encode()).decode().rstrip("=")


def _row_of(cursor: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise CursorError("cursor is not valid") from None
    row = decoded.get("after_row") if isinstance(decoded, dict) else None
    if not isinstance(row, int) or isinstance(row, bool) or row < 0:
        raise CursorError("cursor is not valid")
    return row
