"""A case's kenmerk: the reference printed on its letters that a resident quotes
on the phone (municipality-api.md): 8 characters of an alphabet without
look-alikes (no 0, O, 1, I, L), shown with a dash, "K7QM-4XPD". Random, so a
kenmerk says nothing about the case or when it was opened; unique within the
municipality because each is claimed in the case's first write (adapters/kenmerk_claims.py).
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_COMPACT = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_kenmerk() -> str:
    """A fresh random kenmerk as shown: "K7QM-4XPD" (31^8 ≈ 8.5 × 10^11 possibilities)."""
    return shown("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def shown(compact: str) -> str:
    return f"{compact[:4]}-{compact[4:]}"


def compact_of(text: str) -> str | None:
    """The 8 characters of a kenmerk as typed (dash, spaces and case ignored), or None
    when it cannot be one."""
    compact = re.sub(r"[\s-]", "", text).upper()
    return compact if _COMPACT.fullmatch(compact) else None
