"""Who may call the API: partners and municipalities, and their API keys.

Keys are stored only as SHA-256 hashes (a key is a long random secret, so a
plain hash is enough: nothing to brute-force). Lookups are cached per
container: the authorizer and the intake ask on every request.

On AWS each tenant also gets an API Gateway API key in the stack's usage plan
(`create_usage_key`), so the plan meters and throttles every partner and
municipality on its own: the key's value is kept on the tenant's key item as
`usage_key` and the authorizer hands it to API Gateway as the request's
usage identifier (API key source AUTHORIZER). Tenants never see or send it.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
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


def _key_item(digest: str, usage_key: str | None, **principal: str) -> dict[str, Any]:
    pk, sk = keys.api_key(digest)
    item: dict[str, Any] = {"pk": pk, "sk": sk, "type": "api_key", **principal}
    if usage_key:
        item["usage_key"] = usage_key
    return item


def register_partner(partner_id: str, partner_type: str, name: str, api_key: str | None = None,
                     usage_key: str | None = None) -> str:
    """Store a partner and its key (hashed), with its usage plan key when given; return the key."""
    if partner_type not in PARTNER_TYPES:
        raise ValueError(f"unknown partner type {partner_type!r}; one of {sorted(PARTNER_TYPES)}")
    api_key = api_key or new_api_key()
    pk, sk = keys.partner(partner_id)
    table.put({"pk": pk, "sk": sk, "type": "partner",
               "partner_id": partner_id, "partner_type": partner_type, "name": name})
    table.put(_key_item(hash_key(api_key), usage_key, kind="partner",
                        partner_id=partner_id, partner_type=partner_type))
    _cache.clear()
    return api_key


def register_municipality(code: str, name: str, api_key: str | None = None, contact: dict[str, Any] | None = None,
                          usage_key: str | None = None) -> str:
    """Store a municipality and its key (hashed), with its usage plan key when given; return the key."""
    api_key = api_key or new_api_key()
    # An update, not a put: registering again (a new key, new contact details) must keep
    # the profile's other attributes, such as the count of criteria versions.
    table.dynamodb().update_item(
        TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
        UpdateExpression="SET #t = :type, municipality_code = :code, #n = :name, contact = :contact",
        ExpressionAttributeNames={"#t": "type", "#n": "name"},
        ExpressionAttributeValues=table.to_attrs({":type": "municipality", ":code": code, ":name": name,
                                                  ":contact": contact or {}}))
    table.put(_key_item(hash_key(api_key), usage_key, kind="municipality", municipality_code=code))
    _cache.clear()
    return api_key


def _cached(cache_key: str, load: Callable[[], Any]) -> Any:
    hit = _cache.get(cache_key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    value = load()
    _cache[cache_key] = (now + (_CACHE_SECONDS if value else _NEGATIVE_CACHE_SECONDS), value)
    return value


def create_usage_key(usage_plan_id: str, name: str) -> str:
    """A new API Gateway API key in the usage plan; returns its value (the tenant's
    usage identifier). Registration on AWS only: the local stack has no usage plans."""
    from .aws import client

    gateway = client("apigateway")
    created = gateway.create_api_key(name=name, enabled=True, description="Vroegsignaal tenant (usage plan metering)")
    gateway.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=created["id"], keyType="API_KEY")
    return str(created["value"])


def attach_usage_keys(usage_plan_id: str) -> int:
    """Give every key item without a usage plan key one (tenants registered before the
    stack had a usage plan); returns how many. An operator's job, run again it adds none."""
    from botocore.exceptions import ClientError

    kwargs: dict[str, Any] = {
        "TableName": table.table_name(), "FilterExpression": "#t = :api_key AND attribute_not_exists(usage_key)",
        "ExpressionAttributeNames": {"#t": "type"}, "ExpressionAttributeValues": table.to_attrs({":api_key": "api_key"})}
    attached = 0
    while True:
        page = table.dynamodb().scan(**kwargs)
        for item in (table.from_attrs(raw) for raw in page.get("Items", [])):
            tenant = item.get("partner_id") or item.get("municipality_code")
            usage_key = create_usage_key(usage_plan_id, f"{item['kind']}-{tenant}")
            try:
                table.dynamodb().update_item(
                    TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                    UpdateExpression="SET usage_key = :usage_key", ConditionExpression="attribute_not_exists(usage_key)",
                    ExpressionAttributeValues=table.to_attrs({":usage_key": usage_key}))
                attached += 1
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    _cache.clear()
    return attached


def _key_record(api_key: str) -> dict[str, Any] | None:
    digest = hash_key(api_key)

    def load() -> dict[str, Any] | None:
        item = table.get(*keys.api_key(digest), consistent=False)
        if not item:
            return None
        return {k: item[k] for k in ("kind", "partner_id", "partner_type", "municipality_code", "usage_key")
                if k in item}

    record: dict[str, Any] | None = _cached(f"key:{digest}", load)
    return record


def principal_for_key(api_key: str) -> dict[str, Any] | None:
    """The principal a key belongs to: {"kind": "partner", "partner_id", "partner_type"}
    or {"kind": "municipality", "municipality_code"}; None for an unknown key."""
    record = _key_record(api_key)
    return None if record is None else {k: v for k, v in record.items() if k != "usage_key"}


def usage_key_for(api_key: str) -> str | None:
    """The tenant's usage plan key (its usage identifier), or None when it has none
    (the local stack; a tenant registered without a usage plan)."""
    record = _key_record(api_key)
    usage_key = record.get("usage_key") if record else None
    return usage_key if isinstance(usage_key, str) else None


def municipality(code: str) -> dict[str, Any] | None:
    profile: dict[str, Any] | None = _cached(f"mun:{code}", lambda: table.get(*keys.municipality(code),
                                                                               consistent=False))
    return profile


def is_known_municipality(code: str) -> bool:
    return municipality(code) is not None


def clear_cache() -> None:
    _cache.clear()
