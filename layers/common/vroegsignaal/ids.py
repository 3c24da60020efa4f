"""Identifiers. Random ids sort by creation time (a ULID-like prefix) so lists
ordered by id are ordered by time; derived ids make a retried step idempotent."""
from __future__ import annotations

import hashlib
import os
import time


def new_id(prefix: str) -> str:
    millis = int(time.time() * 1000)
    return f"{prefix}-{millis:012x}{os.urandom(6).hex()}"


def derived_id(prefix: str, *parts: str) -> str:
    """The same parts always give the same id (for idempotent writes)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"{prefix}-{digest}"
