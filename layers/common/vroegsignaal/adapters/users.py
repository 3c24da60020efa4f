"""The people of a municipality, from the Cognito user pool: a person's membership
is a group named `<code>:<role>` (for example `GM0632:consulent`), so the members
of a municipality are the users of its three groups (ListUsersInGroup).

The answer is kept per container for a minute (a task assignment asks on every
change); a miss refreshes it, at most every few seconds. Without a user pool
(`USER_POOL_ID` unset: keys only) a municipality lists no people and an
assignee cannot be checked (services/users.py accepts it then).
"""
from __future__ import annotations

import os
import time
from typing import Any

from vroegsignaal.domain.cognito_groups import ROLES
from vroegsignaal.domain.identity import Role

from .aws import client

POOL_VARIABLE = "USER_POOL_ID"
_CACHE_SECONDS = 60.0
_REFRESH_SECONDS = 5.0
_cache: dict[str, tuple[float, list[dict[str, str]]]] = {}


def group_name(code: str, role: Role) -> str:
    return f"{code}:{role.value}"


def _attribute(user: dict[str, Any], name: str) -> str | None:
    for attribute in user.get("Attributes") or []:
        if attribute.get("Name") == name:
            return str(attribute.get("Value"))
    return None


def _read(code: str) -> list[dict[str, str]]:
    pool = os.environ.get(POOL_VARIABLE)
    if not pool:
        return []
    cognito = client("cognito-idp")
    found: dict[str, dict[str, str]] = {}
    for role in Role:
        kwargs: dict[str, Any] = {"UserPoolId": pool, "GroupName": group_name(code, role)}
        while True:
            try:
                page = cognito.list_users_in_group(**kwargs)
            except cognito.exceptions.ResourceNotFoundException:  # no such group: nobody in that role
                break
            for user in page.get("Users") or []:
                if user.get("Enabled") is False:
                    continue
                user_id = _attribute(user, "sub") or str(user["Username"])
                # One role per municipality; two groups of one person: the least allowed role
                # counts, as the authorizer reads the token's groups (domain/cognito_groups.py).
                if user_id not in found or ROLES.index(role.value) < ROLES.index(found[user_id]["role"]):
                    found[user_id] = {"user_id": user_id, "name": _attribute(user, "name") or str(user["Username"]),
                                      "role": role.value}
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
    return list(found.values())


class CognitoDirectory:
    def available(self) -> bool:
        return bool(os.environ.get(POOL_VARIABLE))

    def members(self, code: str) -> list[dict[str, str]]:
        hit = _cache.get(code)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        return self._load(code)

    def refresh(self, code: str) -> list[dict[str, str]]:
        hit = _cache.get(code)
        if hit and time.monotonic() - hit[0] < _REFRESH_SECONDS:
            return hit[1]
        return self._load(code)

    def _load(self, code: str) -> list[dict[str, str]]:
        people = _read(code)
        _cache[code] = (time.monotonic(), people)
        return people


def clear_cache() -> None:
    _cache.clear()
