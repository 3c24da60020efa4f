"""Who calls: the principal the authorizer put in the request context, and the
checks each API makes once per request (a middleware, before any route reads the body)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ApiError

KINDS = ("partner", "municipality", "user")


def principal(event: Any) -> dict[str, Any]:
    """The caller, as the authorizer put it in the request context: 401 without one."""
    context = (event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    if context.get("kind") not in KINDS:
        raise ApiError(401, "unauthorized", "missing or unknown API key")
    return dict(context)


def require_partner(event: Any) -> dict[str, Any]:
    caller = principal(event)
    if caller["kind"] != "partner":
        raise ApiError(403, "forbidden", "this route is for partner keys")
    return caller


def require_municipality(event: Any, code: str | None) -> dict[str, Any]:
    caller = principal(event)
    if caller["kind"] != "municipality":
        raise ApiError(403, "forbidden", "this route is for municipality keys")
    if code is None or caller.get("municipality_code") != code:
        raise ApiError(403, "forbidden", "this key does not give access to that municipality")
    return caller


def partners_only(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
    """Middleware of the partner API: every route is a partner's."""
    app.append_context(caller=require_partner(app.current_event))
    return next_middleware(app)


def municipality_of_path(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
    """Middleware of the municipality API: the key's municipality is the `{code}` of the route."""
    code = (app.context.get("_route_args") or {}).get("code")
    app.append_context(caller=require_municipality(app.current_event, code))
    return next_middleware(app)
