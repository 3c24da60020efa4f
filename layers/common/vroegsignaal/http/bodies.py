"""Request bodies in the order signals-api.md fixes: size (413), JSON (400),
then the caller validates (422). JSON is read by domain/json_text.py: UTF-8
(json.loads would guess UTF-16/32 from bytes), bounded depth, the spec's numbers."""
from __future__ import annotations

import base64
from typing import Any

from vroegsignaal.domain.json_text import MAX_DEPTH, NotJson, loads, nesting_depth

from .errors import ApiError

__all__ = ["MAX_DEPTH", "decode_json", "nesting_depth", "raw_body", "read_bytes", "read_json"]


def raw_body(event: Any) -> bytes:
    body = event.raw_event.get("body") or ""
    if event.raw_event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8", "surrogatepass")


def read_bytes(event: Any, *, max_bytes: int) -> bytes:
    """The raw body: 413 when too large."""
    raw = raw_body(event)
    if len(raw) > max_bytes:
        limit = (f"{max_bytes // (1024 * 1024)} MiB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KiB")
        raise ApiError(413, "too_large", f"body over {limit}", limit_bytes=max_bytes)
    return raw


def read_json(event: Any, *, max_bytes: int) -> Any:
    """The body as JSON: 413 when too large, 400 when not JSON (in that order)."""
    raw = read_bytes(event, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_request", "body is not valid UTF-8 JSON") from None
    return decode_json(text)


def decode_json(text: str) -> Any:
    """JSON text -> value; ApiError 400 when it is not JSON or nested too deep."""
    try:
        return loads(text)
    except NotJson as exc:
        raise ApiError(400, "bad_request", f"body is {exc}") from None
