"""What every HTTP handler shares: the principal from the authorizer, JSON
bodies with the size and syntax checks in the order signals-api.md fixes,
and the error bodies."""
from __future__ import annotations

import base64
import json
import logging
from typing import Any

from aws_lambda_powertools.event_handler import Response

JSON = "application/json"


class ApiError(Exception):
    """An error answered to the caller: status, error code, message, extra fields."""

    def __init__(self, status: int, error: str, message: str | None = None, **extra: Any):
        super().__init__(message or error)
        self.status = status
        self.body = {"error": error, **({"message": message} if message else {}), **extra}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body, ensure_ascii=False),
                    headers=headers)


def install(app) -> None:
    """Answer ApiError and unknown routes with the spec's JSON bodies."""

    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError):
        return json_response(exc.status, exc.body)

    @app.not_found
    def _not_found(_exc):
        return json_response(404, {"error": "not_found", "message": "no such route"})

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception):
        # Logged with its type only (a message may hold data); the caller gets JSON, not a bare 502.
        logging.getLogger(__name__).error("unexpected error", extra={"error_type": type(exc).__name__})
        return json_response(500, {"error": "internal", "message": "something went wrong; it has been logged"})


def principal(event) -> dict[str, Any]:
    """The caller, as the authorizer put it in the request context."""
    context = (event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    if context.get("kind") not in ("partner", "municipality"):
        raise ApiError(401, "unauthorized", "missing or unknown API key")
    return context


def require_partner(event) -> dict[str, Any]:
    caller = principal(event)
    if caller["kind"] != "partner":
        raise ApiError(403, "forbidden", "this route is for partner keys")
    return caller


def require_municipality(event, code: str) -> dict[str, Any]:
    caller = principal(event)
    if caller["kind"] != "municipality":
        raise ApiError(403, "forbidden", "this route is for municipality keys")
    if caller.get("municipality_code") != code:
        raise ApiError(403, "forbidden", "this key does not give access to that municipality")
    return caller


def read_bytes(event, *, max_bytes: int) -> bytes:
    """The raw body: 413 when too large."""
    body = event.raw_event.get("body") or ""
    raw = base64.b64decode(body) if event.raw_event.get("isBase64Encoded") else body.encode("utf-8")
    if len(raw) > max_bytes:
        raise ApiError(413, "too_large", f"body over {max_bytes // (1024 * 1024)} MiB" if max_bytes >= 1024 * 1024
                       else f"body over {max_bytes // 1024} KiB", limit_bytes=max_bytes)
    return raw


def read_json(event, *, max_bytes: int) -> Any:
    """The body as JSON: 413 when too large, 400 when not JSON (in that order)."""
    raw = read_bytes(event, max_bytes=max_bytes)
    try:
        # Decoded as UTF-8 first (json.loads would guess UTF-16/32 from bytes), and NaN or
        # Infinity are not JSON.
        return json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", "body is not valid UTF-8 JSON") from None


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")
