"""`GET /signals?changed_since=` (signals-api.md): a partner's own signals whose status
changed at or after a moment, oldest change first, a page at a time
(`?limit=` 1-200, default 50; `?cursor=` from the previous page's `next_cursor`)."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Protocol

from vroegsignaal.domain import feed
from vroegsignaal.domain.errors import ValidationFailed

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
KEY_MAX = 1024  # DynamoDB's limit of a sort key: a longer one is no place in the feed
Position = tuple[str, int]


class FeedStore(Protocol):
    def changes(self, partner_id: str, *, since: str, start: Position | None, limit: int
                ) -> tuple[list[dict[str, str]], Position | None]:
        """Up to `limit` signals changed at or after `since`, oldest first, from `start` on;
        where the next page starts, or None."""


class Feed:
    def __init__(self, store: FeedStore):
        self.store = store

    def changes(self, partner: dict[str, Any], query: dict[str, str] | None) -> dict[str, Any]:
        """The page the query asks for: {"signals": [...], "next_cursor"}; ValidationFailed
        naming every problem of the query."""
        since, limit, start = _query(query)
        signals, following = self.store.changes(partner["partner_id"], since=since, start=start, limit=limit)
        return {"signals": signals, "next_cursor": _cursor(since, following) if following else None}


def _query(query: dict[str, str] | None) -> tuple[str, int, Position | None]:
    problems: list[dict[str, Any]] = []
    since: str | None = None
    limit, cursor = DEFAULT_LIMIT, None
    query = query or {}
    for name, text in query.items():
        text = text if isinstance(text, str) else ""
        try:
            if name == "changed_since":
                since = feed.parse_since(text)
            elif name == "limit":
                limit = _limit(text)
            elif name == "cursor":
                cursor = _position(text)
            else:
                raise ValueError("unknown query parameter")
        except ValueError as error:
            problems.append({"loc": ["query", name], "msg": str(error)})
    if "changed_since" not in query:
        problems.append({"loc": ["query", "changed_since"],
                         "msg": "required: an ISO 8601 timestamp such as 2026-11-20T08:00:00Z"})
    if since is not None and cursor is not None and cursor[0] != since:
        problems.append({"loc": ["query", "cursor"], "msg": "belongs to another changed_since"})
    if problems or since is None:
        raise ValidationFailed(problems)
    return since, limit, cursor[1] if cursor else None


def _limit(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_LIMIT):
        raise ValueError(f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _cursor(since: str, position: Position) -> str:
    data = json.dumps({"since": since, "key": position[0], "read": position[1]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def _position(cursor: str) -> tuple[str, Position]:
    """(the changed_since it was made for, where the page starts); ValueError if not ours."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise ValueError("is not a cursor of this list") from None
    if not (isinstance(decoded, dict) and set(decoded) == {"since", "key", "read"}
            and isinstance(decoded["since"], str) and isinstance(decoded["key"], str)
            and len(decoded["key"]) <= KEY_MAX
            and isinstance(decoded["read"], int) and not isinstance(decoded["read"], bool) and decoded["read"] >= 0):
        raise ValueError("is not a cursor of this list")
    return decoded["since"], (decoded["key"], decoded["read"])
