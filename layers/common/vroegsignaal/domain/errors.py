"""The one error vocabulary of the system. Services raise these in domain terms;
the HTTP edge maps each to a status once (api.py). Messages never hold debtor data."""
from __future__ import annotations

from typing import Any


class ValidationFailed(Exception):
    """Input failed validation.

    `details` is a list of problems, each a dict such as
    {"loc": ["debtor", "address", "postcode"], "msg": "..."} (request bodies) or
    {"pointer": "/baskets/2/when/fact", "msg": "..."} (criteria documents).
    Messages name the field, never the rejected value: values may be debtor data.
    """

    def __init__(self, details: list[dict[str, Any]]):
        super().__init__(f"{len(details)} validation problem(s)")
        self.details = details


class NotFound(Exception):
    """No such thing for this caller (another municipality's is as good as absent)."""


class Conflict(Exception):
    """The state of the thing does not allow it (a closed case, a cancelled task)."""


class CursorError(ValueError):
    """A pagination cursor that is not one of ours (for this list)."""


class ConcurrentChange(Exception):
    """The item changed since it was read; the writer reads again and retries."""


class LetterFailed(Exception):
    """A letter could not be made from the municipality's template (a bound exceeded,
    a render error). `reason` is safe to show on the case: no debtor data."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
