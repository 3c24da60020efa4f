"""A partner's signal (signals-api.md): the model, its validation, its content
hash and the batch envelope, one module each. Import from here.

`validate_signal` checks a parsed JSON body against the field table of
``POST /signals`` and returns an immutable, normalised `Signal`, or raises
`ValidationFailed` naming every failing field at once. Messages name the rule,
never the submitted value.
"""
from __future__ import annotations

from .batch import BATCH_MAX, validate_batch_envelope
from .content_hash import content_hash
from .model import Address, Debtor, Signal, debtor_display_name
from .reference import is_reference, reference_of
from .validation import MAX_AMOUNT_CENTS, validate_signal

__all__ = [
    "Address",
    "Debtor",
    "Signal",
    "validate_signal",
    "validate_batch_envelope",
    "content_hash",
    "debtor_display_name",
    "is_reference",
    "reference_of",
    "MAX_AMOUNT_CENTS",
    "BATCH_MAX",
]
