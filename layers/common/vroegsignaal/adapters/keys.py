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
