"""Every key of the single table, spelled here and nowhere else (docs/design.md).

Item keys are (pk, sk) pairs; index keys are the gsiNpk/gsiNsk attributes.
A prefix names what an item is; the values after it are ids, never debtor data.
"""
from __future__ import annotations

PROFILE = "PROFILE"


def api_key(digest: str) -> tuple[str, str]:
    """An API key, by the SHA-256 of the key."""
    return f"KEY#{digest}", "KEY"


API_KEY_PREFIX = "KEY#"  # the authorizer's IAM condition (dynamodb:LeadingKeys) names it too


def partner(partner_id: str) -> tuple[str, str]:
    return f"PARTNER#{partner_id}", PROFILE


def municipality(code: str) -> tuple[str, str]:
    return f"MUN#{code}", PROFILE


# ---------------------------------------------------------------- uploads (files)
# An upload and its row results under one partition; a chunk of results is keyed by its
# last row, so the chunk holding row n is the first with a key >= CHUNK#n.

def upload(upload_id: str) -> tuple[str, str]:
    return f"UPLOAD#{upload_id}", "UPLOAD"


UPLOAD_CHUNK_PREFIX = "CHUNK#"


def upload_chunk_sort_key(last_row: int) -> str:
    return f"{UPLOAD_CHUNK_PREFIX}{last_row:06d}"
