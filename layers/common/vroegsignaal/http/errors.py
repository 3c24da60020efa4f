"""The one place where errors become HTTP statuses and the spec's error bodies
(signals-api.md, "Responses"), for both APIs."""
from __future__ import annotations

import logging
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from vroegsignaal.domain.errors import (
    ConcurrentChange,
    Conflict,
    CursorError,
    LetterFailed,
    NotFound,
    ValidationFailed,
)

from .responses import json_response

_log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error of the HTTP layer itself (401, 403, 400, 413): status, code, message, extra fields."""

    def __init__(self, status: int, error: str, message: str | None = None, **extra: Any):
        super().__init__(message or error)
        self.status = status
        self.body = {"error": error, **({"message": message} if message else {}), **extra}


def validation_body(details: list[dict[str, Any]]) -> dict[str, Any]:
    return {"error": "validation", "details": details}


def status_and_body(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The status and body for an error of domain/errors.py or ApiError; 500 for anything else."""
    if isinstance(exc, ApiError):
        return exc.status, exc.body
    if isinstance(exc, ValidationFailed):
        return 422, validation_body(exc.details)
    if isinstance(exc, CursorError):
        return 422, validation_body([{"loc": ["query", "cursor"], "msg": "not a cursor of this list"}])
    if isinstance(exc, NotFound):
        return 404, {"error": "not_found", "message": str(exc) or "not found"}
    if isinstance(exc, Conflict):
        return 409, {"error": "conflict", "message": str(exc) or "not possible in its current state"}
    if isinstance(exc, ConcurrentChange):
        return 409, {"error": "conflict", "message": "it changed while this request ran; try again"}
    if isinstance(exc, LetterFailed):
        return 422, validation_body([{"loc": ["body"], "msg": exc.reason}])
    return 500, {"error": "internal", "message": "something went wrong; it has been logged"}


def install(app: ApiGatewayResolver) -> None:
    """Answer every error, and unknown routes, with the spec's JSON bodies."""
    app.exception_handler(Exception)(answer_error)

    @app.not_found
    def _not_found(_exc: Exception) -> Response[str]:
        return json_response(404, {"error": "not_found", "message": "no such route"})


def answer_error(exc: Exception) -> Response[str]:
    status, body = status_and_body(exc)
    if status == 500:
        # Its type only: a message may hold debtor data. The caller gets JSON, not a bare 502.
        _log.error("unexpected error", extra={"error_type": type(exc).__name__})
    return json_response(status, body)
