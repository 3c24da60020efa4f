"""What an authorizer's answer means: its IAM policy and its context, as API Gateway reads them."""
from __future__ import annotations

import re
from typing import Any


def wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def evaluate_policy(policy: dict[str, Any], method_arn: str) -> str:
    """'Allow', 'Deny' (an explicit deny wins) or 'NotAllowed' for execute-api:Invoke on method_arn."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(wildcard(action, "execute-api:Invoke", ignore_case=True) for action in actions):
            continue
        targets = statement.get("Resource") or []
        targets = [targets] if isinstance(targets, str) else targets
        if not any(wildcard(target, method_arn) for target in targets):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        if statement.get("Effect") == "Allow":
            allowed = True
    return "Allow" if allowed else "NotAllowed"


def authorizer_context(output: dict[str, Any]) -> dict[str, str]:
    """API Gateway passes the authorizer's context on as strings (true, 1, ...);
    a nested value makes the authorizer's answer invalid."""
    context = {}
    for key, value in (output.get("context") or {}).items():
        if isinstance(value, (dict, list)):
            raise ValueError(f"authorizer context value {key!r} is an object or array")
        if value is None:
            continue
        context[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return context

