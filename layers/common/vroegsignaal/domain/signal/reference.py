"""A partner's reference: the idempotency key of its signals."""
from __future__ import annotations

import re

REFERENCE = re.compile(r"[A-Za-z0-9._:\-]{1,64}", re.ASCII)


def is_reference(text: object) -> bool:
    """A well-formed reference: 1-64 of A-Z a-z 0-9 . _ : -"""
    return isinstance(text, str) and REFERENCE.fullmatch(text) is not None


def reference_of(raw: object) -> str | None:
    """The body's reference if it is a well-formed one, else None (batch results)."""
    ref = raw.get("reference") if isinstance(raw, dict) else None
    return ref if is_reference(ref) else None
