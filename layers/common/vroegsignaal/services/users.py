"""The people of a municipality (identity.md): GET .../users, and whether a user id
is one of them (a task's assignee must be).

Port `directory`: members(code) -> [{"user_id", "name", "role"}] (Cognito groups
`<code>:<role>` behind it, adapters/users.py), refresh(code) -> the same, read anew,
available() -> whether there is a user pool at all.
"""
from __future__ import annotations

from typing import Any


class Users:
    def __init__(self, *, directory: Any) -> None:
        self.directory = directory

    def list(self, code: str) -> dict[str, Any]:
        people = sorted(self.directory.members(code), key=lambda p: ((p.get("name") or "").casefold(), p["user_id"]))
        return {"users": [{"user_id": p["user_id"], "name": p.get("name"), "role": p["role"]} for p in people]}

    def is_member(self, code: str, user_id: str) -> bool:
        """A user of the municipality? A miss is asked again (someone added just now).
        A deployment without a user pool (keys only) has no list to check against."""
        if not self.directory.available():
            return True
        if any(p["user_id"] == user_id for p in self.directory.members(code)):
            return True
        return any(p["user_id"] == user_id for p in self.directory.refresh(code))
