"""Path parameters as the caller meant them.

API Gateway REST proxy events carry `path` and `pathParameters` still
percent-encoded (`EN%3A2026%3A000123`); HTTP APIs and some local gateways
decode them. Route arguments are decoded once, here, for every route: a
parameter without `%` is the same either way, and no valid id or reference
holds a `%` of its own, so decoding already-decoded input changes nothing that
could have matched.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from .errors import ApiError


def decoded(value: str) -> str:
    return unquote(value, errors="strict") if "%" in value else value


def decode_path_parameters(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
    """Middleware: the route's arguments percent-decoded (before any other middleware reads them)."""
    arguments = app.context.get("_route_args") or {}
    try:
        app.append_context(_route_args={name: decoded(value) for name, value in arguments.items()})
    except UnicodeDecodeError:
        raise ApiError(404, "not_found", "no such resource") from None
    return next_middleware(app)
