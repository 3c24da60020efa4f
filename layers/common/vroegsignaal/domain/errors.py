"""Validation errors that name every problem at once."""
from __future__ import annotations


class ValidationFailed(Exception):
    """Input failed validation.

    `details` is a list of problems, each a dict such as
    {"loc": ["debtor", "address", "postcode"], "msg": "..."} (request bodies) or
    {"pointer": "/baskets/2/when/fact", "msg": "..."} (criteria documents).
    Messages name the field, never the rejected value: values may be debtor data.
    """

    def __init__(self, details: list[dict]):
        super().__init__(f"{len(details)} validation problem(s)")
        self.details = details


class ConcurrentChange(Exception):
    """The case changed since it was read; the writer reads again and retries."""
