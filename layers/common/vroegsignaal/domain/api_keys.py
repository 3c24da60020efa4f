"""What makes an API key acceptable (identity.md, "keys that cannot be guessed").

The system makes keys itself: at least 128 random bits (`secrets.token_urlsafe`).
A key someone brings (a tenants file, an old system's key) is taken only on the
local stack; outside it a weak key is refused, and so is every demo key, strong
as it looks, because it is published in the repository.
"""
from __future__ import annotations

import math
import string

MIN_BITS = 128
DEMO_PREFIX = "vs_demo_"
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_", string.punctuation)


def estimated_bits(key: str) -> float:
    """An upper bound of the key's randomness: its length times the bits of the character
    classes it uses (a short key, or one of digits only, scores low)."""
    alphabet = sum(len(chars) for chars in _CLASSES if any(c in chars for c in key))
    return len(key) * math.log2(alphabet) if key else 0.0


def refusal(key: str, *, local_stack: bool) -> str | None:
    """Why a brought key is refused, or None when it may be used."""
    if local_stack:
        return None
    if key.startswith(DEMO_PREFIX):
        return "a demo key (published in the repository) is refused outside the local stack"
    body = key.removeprefix("vs_")
    # Few distinct characters ("aaaa...", "abab...") is no random key however long.
    if estimated_bits(body) < MIN_BITS or len(set(body)) < 16:
        return (f"the key is too weak (under {MIN_BITS} random bits): leave it out and the system makes one")
    return None
