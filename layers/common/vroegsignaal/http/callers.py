"""Who calls: the principal the authorizer put in the request context (flat
strings), and the typed caller (domain/identity.py) the municipality API reads.
The partner API's check is here too; the municipality API's checks (membership,
role per route, the audit trail) are in policy.py."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vroegsignaal.domain.identity import Caller, parse_memberships

from .errors import ApiError

KINDS = ("partner", "municipality", "user")


def principal(event: Any) -> dict[str, Any]:
    """The caller, as the authorizer put it in the request context: 401 without one."""
    context = (event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    if context.get("kind") not in KINDS:
        raise ApiError(401, "unauthorized", "missing or unknown API key or token")
    return dict(context)


def caller_of(context: dict[str, Any]) -> Caller:
    """The typed caller of a principal: a person (`user_id`, `name`, `memberships` as
    JSON text) or a key (`key_id`; `municipality_code` or `partner_id`)."""
    kind = context["kind"]
    if kind == "user":
        user_id = str(context.get("user_id") or "")
        if not user_id:
            raise ApiError(401, "unauthorized", "the token names no user")
        return Caller(kind="user", id=user_id, name=context.get("name") or None,
                      memberships=parse_memberships(context.get("memberships")))
    tenant = context.get("municipality_code") if kind == "municipality" else context.get("partner_id")
    # A key's stable id (never its hash); a principal of before key ids were issued names its tenant.
    key_id = str(context.get("key_id") or f"{kind}:{tenant}")
    return Caller(kind=kind, id=key_id, municipality_code=context.get("municipality_code") if kind == "municipality"
                  else None, partner_id=context.get("partner_id") if kind == "partner" else None)


def caller(event: Any) -> Caller:
    """The typed caller of the request: 401 without a principal."""
    return caller_of(principal(event))


def require_partner(event: Any) -> dict[str, Any]:
    found = principal(event)
    if found["kind"] != "partner":
        raise ApiError(403, "forbidden", "this route is for partner keys")
    return found


def partners_only(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
    """Middleware of the partner API: every route is a partner's."""
    app.append_context(caller=require_partner(app.current_event))
    return next_middleware(app)
