"""Who may call the API: partners and municipalities, and their API keys.

Keys are stored only as SHA-256 hashes (a key is a long random secret, so a
plain hash is enough: nothing to brute-force). Lookups are cached per
container: the authorizer and the intake ask on every request.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from vroegsignaal.domain.partners import PARTNER_TYPES

from . import keys, table

_CACHE_SECONDS = 60.0
_NEGATIVE_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Any]] = {}


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return "vs_" + secrets.token_urlsafe(32)


def register_partner(partner_id: str, partner_type: str, name: str, api_key: str | None = None) -> str:
    """Store a partner and its key (hashed); return the key."""
    if partner_type not in PARTNER_TYPES:
        raise ValueError(f"unknown partner type {partner_type!r}; one of {sorted(PARTNER_TYPES)}")
    api_key = api_key or new_api_key()
    pk, sk = keys.partner(partner_id)
    table.put({"pk": pk, "sk": sk, "type": "partner",
               "partner_id": partner_id, "partner_type": partner_type, "name": name})
    pk, sk = keys.api_key(hash_key(api_key))
    table.put({"pk": pk, "sk": sk, "type": "api_key", "kind": "partner",
               "partner_id": partner_id, "partner_type": partner_type})
    _cache.clear()
    return api_key


def register_municipality(code: str, name: str, api_key: str | None = None, contact: dict | None = None) -> str:
    """Store a municipality and its key (hashed); return the key."""
    api_key = api_key or new_api_key()
    # An update, not a put: registering again (a new key, new contact details) must keep
    # the profile's other attributes, such as the count of criteria versions.
    table.dynamodb().update_item(
        TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
        UpdateExpression="SET #t = :type, municipality_code = :code, #n = :name, contact = :contact",
        ExpressionAttributeNames={"#t": "type", "#n": "name"},
        ExpressionAttributeValues=table.to_attrs({":type": "municipality", ":code": code, ":name": name,
                                                  ":contact": contact or {}}))
    pk, sk = keys.api_key(hash_key(api_key))
    table.put({"pk": pk, "sk": sk, "type": "api_key", "kind": "municipality",
               "municipality_code": code})
    _cache.clear()
    return api_key


def _cached(cache_key: str, load) -> Any:
    hit = _cache.get(cache_key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    value = load()
    _cache[cache_key] = (now + (_CACHE_SECONDS if value else _NEGATIVE_CACHE_SECONDS), value)
    return value


def principal_for_key(api_key: str) -> dict[str, Any] | None:
    """The principal a key belongs to: {"kind": "partner", "partner_id", "partner_type"}
    or {"kind": "municipality", "municipality_code"}; None for an unknown key."""
    digest = hash_key(api_key)

    def load():
        item = table.get(*keys.api_key(digest), consistent=False)
        if not item:
            return None
        return {k: item[k] for k in ("kind", "partner_id", "partner_type", "municipality_code") if k in item}

    return _cached(f"key:{digest}", load)


def municipality(code: str) -> dict[str, Any] | None:
    return _cached(f"mun:{code}", lambda: table.get(*keys.municipality(code), consistent=False))


def is_known_municipality(code: str) -> bool:
    return municipality(code) is not None


def clear_cache() -> None:
    _cache.clear()
