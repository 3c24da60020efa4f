"""The one place that translates DynamoDB's errors into the project's.

A write conditioned on what was read fails with ConditionalCheckFailed (or a
cancelled transaction): someone changed the item meanwhile, `ConcurrentChange`,
and the caller reads again and retries. A request DynamoDB can never accept
(an item over 400 KB, a malformed value) is `Unstorable`: retrying it cannot
help, so callers give it up at once instead of retrying into a stalled shard.
Everything else (throttling after the SDK's own retries, outages) is left as
it is: a retry later may succeed.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

from vroegsignaal.domain.errors import ConcurrentChange

# Codes of a transaction's CancellationReasons that mean "changed meanwhile".
_CHANGED = ("ConditionalCheckFailed", "TransactionConflict")
# Codes that no retry can cure.
_NEVER = ("ValidationException", "ItemCollectionSizeLimitExceededException", "ValidationError")


class Unstorable(Exception):
    """DynamoDB refuses the write for good. Only the error code: messages may quote values."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def cancellation_codes(error: ClientError) -> list[str]:
    """Per transact item, why it was cancelled ("None" for the items that were fine)."""
    return [str(reason.get("Code") or "None") for reason in error.response.get("CancellationReasons") or []]


def translate(error: ClientError, what: str) -> Exception:
    """The project's exception for a DynamoDB error, or the error itself."""
    code = error_code(error)
    as_is: Exception = error
    if code == "ConditionalCheckFailedException":
        return ConcurrentChange(what)
    if code == "TransactionCanceledException":
        reasons = cancellation_codes(error)
        if any(r in _NEVER for r in reasons):
            return Unstorable(next(r for r in reasons if r in _NEVER))
        if not reasons or any(r in _CHANGED for r in reasons):
            return ConcurrentChange(what)
        return as_is
    if code in _NEVER:
        return Unstorable(code)
    return as_is


@contextmanager
def translated(what: str) -> Iterator[None]:
    """`with translated(case_id): client.put_item(...)` raises the project's errors."""
    try:
        yield
    except ClientError as error:
        raised = translate(error, what)
        if raised is error:
            raise
        raise raised from None


def cancelled_at(error: ClientError, index: int, code: str = "ConditionalCheckFailed") -> bool:
    """Was the transaction's item at `index` cancelled for `code`?"""
    reasons = cancellation_codes(error)
    return error_code(error) == "TransactionCanceledException" and index < len(reasons) and reasons[index] == code


