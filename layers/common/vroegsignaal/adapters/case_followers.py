"""Items that follow a case write: written in the same transaction as the case,
so they change exactly when the case does (once, however often a stream record
or a message is redelivered: the case's version condition fails the repeat).

A follower is a function `(before, after) -> [TransactItems entries]`: `before`
is the case item as the store read it (None for a new case), `after` the item
being written, each with its aggregate as a dict (cases.followed; the table
stores its values as a list), and `after` with what a write that adds a signal
tells of it (`joined_signal`, `last_signal`: not stored). It returns Put/Update/Delete entries (each at most 400 KB; a
transaction holds at most 100 items, the case and its log entries included).
Per-basket counters, monthly counters, search entries and the partner's status
feed are followers; each lives in its own module and is listed here once.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import basket_counters, feed, kenmerk_claims, monthly_counters, search_index

Follower = Callable[[dict[str, Any] | None, dict[str, Any]], Sequence[dict[str, Any]]]

FOLLOWERS: tuple[Follower, ...] = (
    basket_counters.follow,
    feed.follow,  # the partner's status feed (gsi6)
    kenmerk_claims.claim_items,
    search_index.entry_items,
    monthly_counters.follow,
)


def items_for(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """What every follower writes for this change of the case."""
    return [entry for follower in FOLLOWERS for entry in follower(before, after)]
