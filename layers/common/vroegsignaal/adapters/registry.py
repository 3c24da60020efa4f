"""Who may call the API: partners and municipalities, and their API keys.

Keys are made by the system (`new_api_key`: 256 random bits) and stored only as
SHA-256 hashes (a key is a long random secret, so a plain hash is enough: nothing
to brute-force). A key someone brings is refused outside the local stack when it
is weak or a demo key (domain/api_keys.py). Every key has a stable `key_id`
(never its hash), its creation time and, once used, its last use; a rotated key
works on until its `retires_at` (by `vroegsignaal.clock`, so the local stack's
moved clock applies), a revoked key at once no more. The admin lists keys from
one listing partition (`keys.key_listing`), the authorizer reads only the key
items and writes only the last-use items (`keys.key_use`), at most once an hour
per key and container.

Lookups are cached per container for CACHE_SECONDS (the authorizer and the intake
ask on every request): a revocation reaches every container within that time,
plus API Gateway's authorizer result cache (template.yaml ReauthorizeEvery);
docs/decisions.md.

On AWS each tenant also gets an API Gateway API key in the stack's usage plan
(`create_usage_key`), so the plan meters and throttles every partner and
municipality on its own: the key's value is kept on the tenant's key item as
`usage_key` and the authorizer hands it to API Gateway as the request's
usage identifier (API key source AUTHORIZER). Tenants never see or send it. A
municipality's people are metered with their municipality's usage key
(`usage_key_for_municipality`).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import api_keys
from vroegsignaal.domain.partners import PARTNER_TYPES

from . import keys, table

CACHE_SECONDS = 60.0
_NEGATIVE_CACHE_SECONDS = 5.0
LAST_USED_EVERY_SECONDS = 3600.0
DEFAULT_OVERLAP_DAYS = 7.0
_PRINCIPAL_FIELDS = ("kind", "partner_id", "partner_type", "municipality_code")
_cache: dict[str, tuple[float, Any]] = {}
_last_noted: dict[str, float] = {}   # key id -> when this container last wrote its last use


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return "vs_" + secrets.token_urlsafe(32)


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


class KeyRefused(ValueError):
    """A brought key that may not be used here (weak, or a demo key outside the local stack)."""


def _refuse_weak(api_key: str | None, local_stack: bool) -> None:
    refusal = api_keys.refusal(api_key, local_stack=local_stack) if api_key is not None else None
    if refusal:
        raise KeyRefused(refusal)


def _store_key(api_key: str | None, usage_key: str | None, **principal: str) -> str:
    """Store a key (hashed) for a principal, with its listing entry; return the key. A brought
    key that is already stored for this principal is kept as it is (registering again)."""
    api_key = api_key or new_api_key()
    digest = hash_key(api_key)
    existing = table.get(*keys.api_key(digest))
    if existing is not None:
        if any(existing.get(k) != v for k, v in principal.items()):
            raise KeyRefused("this key is already in use by another tenant: leave it out and the system makes one")
        if usage_key and existing.get("usage_key") != usage_key:
            table.put({**existing, "usage_key": usage_key})
        _index_legacy_key(existing)
        _cache.clear()
        return api_key
    key_id, created = new_key_id(), clock.iso(clock.now())
    pk, sk = keys.api_key(digest)
    item: dict[str, Any] = {"pk": pk, "sk": sk, "type": "api_key", "key_id": key_id, "created_at": created,
                            **principal}
    if usage_key:
        item["usage_key"] = usage_key
    _put_listing(key_id, digest, created, principal)
    table.put(item)
    _cache.clear()
    return api_key


def _put_listing(key_id: str, digest: str, created: str, principal: dict[str, Any]) -> None:
    listing_pk, listing_sk = keys.key_listing(key_id)
    table.put({"pk": listing_pk, "sk": listing_sk, "type": "api_key_listing", "key_id": key_id, "digest": digest,
               "created_at": created, **{k: principal[k] for k in _PRINCIPAL_FIELDS if k in principal}})


def _legacy_key_id(digest: str) -> str:
    # Keys stored before key ids existed: a stable id from the hash's first half (not the hash).
    return f"key_{digest[:16]}"


def _index_legacy_key(item: dict[str, Any]) -> None:
    """A key item stored before key ids: give it its (stable) key id and a listing entry."""
    if item.get("key_id"):
        return
    digest = str(item["pk"]).removeprefix(keys.API_KEY_PREFIX)
    key_id, created = _legacy_key_id(digest), str(item.get("created_at") or "unknown")
    _put_listing(key_id, digest, created, item)
    table.dynamodb().update_item(
        TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
        UpdateExpression="SET key_id = :key_id", ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues=table.to_attrs({":key_id": key_id}))


def register_partner(partner_id: str, partner_type: str, name: str, api_key: str | None = None,
                     usage_key: str | None = None, *, local_stack: bool = False) -> str:
    """Store a partner and its key (hashed), with its usage plan key when given; return the key."""
    if partner_type not in PARTNER_TYPES:
        raise ValueError(f"unknown partner type {partner_type!r}; one of {sorted(PARTNER_TYPES)}")
    _refuse_weak(api_key, local_stack)
    pk, sk = keys.partner(partner_id)
    table.put({"pk": pk, "sk": sk, "type": "partner",
               "partner_id": partner_id, "partner_type": partner_type, "name": name})
    return _store_key(api_key, usage_key, kind="partner", partner_id=partner_id,
                      partner_type=partner_type)


def register_municipality(code: str, name: str, api_key: str | None = None, contact: dict[str, Any] | None = None,
                          usage_key: str | None = None, *, local_stack: bool = False) -> str:
    """Store a municipality and its key (hashed), with its usage plan key when given; return the key."""
    _refuse_weak(api_key, local_stack)
    # An update, not a put: registering again (a new key, new contact details) must keep
    # the profile's other attributes, such as the count of criteria versions.
    table.dynamodb().update_item(
        TableName=table.table_name(), Key=table.key(*keys.municipality(code)),
        UpdateExpression="SET #t = :type, municipality_code = :code, #n = :name, contact = :contact",
        ExpressionAttributeNames={"#t": "type", "#n": "name"},
        ExpressionAttributeValues=table.to_attrs({":type": "municipality", ":code": code, ":name": name,
                                                  ":contact": contact or {}}))
    list_municipality(code)
    if usage_key:
        _store_municipality_usage_key(code, usage_key)
    return _store_key(api_key, usage_key, kind="municipality", municipality_code=code)


def list_municipality(code: str) -> None:
    """The listing the follow-up schedule fans out over (one message per municipality and shard)."""
    pk, sk = keys.municipality_listing(code)
    table.put({"pk": pk, "sk": sk, "type": "municipality_listing", "municipality_code": code})


def municipality_codes() -> list[str]:
    """Every registered municipality's code (a few hundred small items: one or two pages)."""
    items = table.query_all(key_condition="pk = :pk", values={":pk": keys.MUNICIPALITY_LISTING},
                            projection=("municipality_code",))
    return [str(item["municipality_code"]) for item in items]


def _store_municipality_usage_key(code: str, usage_key: str) -> None:
    pk, sk = keys.municipality_usage_key(code)
    table.put({"pk": pk, "sk": sk, "type": "usage_key", "municipality_code": code, "usage_key": usage_key})


def _cached(cache_key: str, load: Callable[[], Any]) -> Any:
    # The system's clock: moving the local stack's clock past CACHE_SECONDS ends the entry,
    # as time passing does on AWS (where the clock is the real one).
    hit = _cache.get(cache_key)
    now = clock.now().timestamp()
    if hit and hit[0] > now:
        return hit[1]
    value = load()
    _cache[cache_key] = (now + (CACHE_SECONDS if value else _NEGATIVE_CACHE_SECONDS), value)
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
    stack had a usage plan), every municipality the usage key its people are metered
    with, and every key stored before key ids its key id and listing entry (both from
    before sign-in); returns how many keys got a usage key. An operator's job after an
    upgrade; run again it adds none."""
    from botocore.exceptions import ClientError

    kwargs: dict[str, Any] = {
        "TableName": table.table_name(), "FilterExpression": "#t = :api_key",
        "ExpressionAttributeNames": {"#t": "type"}, "ExpressionAttributeValues": table.to_attrs({":api_key": "api_key"})}
    attached = 0
    while True:
        page = table.dynamodb().scan(**kwargs)
        for item in (table.from_attrs(raw) for raw in page.get("Items", [])):
            _index_legacy_key(item)
            usage_key = item.get("usage_key")
            if not usage_key:
                tenant = item.get("partner_id") or item.get("municipality_code")
                usage_key = create_usage_key(usage_plan_id, f"{item['kind']}-{tenant}")
                try:
                    table.dynamodb().update_item(
                        TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                        UpdateExpression="SET usage_key = :usage_key",
                        ConditionExpression="attribute_not_exists(usage_key)",
                        ExpressionAttributeValues=table.to_attrs({":usage_key": usage_key}))
                    attached += 1
                except ClientError as error:
                    if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                        raise
                    continue
            if item["kind"] == "municipality" and not item.get("retires_at") and not item.get("revoked_at"):
                _store_municipality_usage_key(item["municipality_code"], usage_key)
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
        record = {k: item[k] for k in (*_PRINCIPAL_FIELDS, "usage_key", "retires_at", "revoked_at") if k in item}
        record["key_id"] = item.get("key_id") or _legacy_key_id(digest)
        return record

    record: dict[str, Any] | None = _cached(f"key:{digest}", load)
    return record


def _usable(record: dict[str, Any] | None) -> bool:
    if record is None or record.get("revoked_at"):
        return False
    retires_at = record.get("retires_at")
    return not retires_at or clock.iso(clock.now()) < retires_at


def principal_for_key(api_key: str) -> dict[str, Any] | None:
    """The principal a key belongs to: {"kind": "partner", "key_id", "partner_id", "partner_type"}
    or {"kind": "municipality", "key_id", "municipality_code"}; None for an unknown, revoked or
    retired key."""
    record = _key_record(api_key)
    if not _usable(record):
        return None
    assert record is not None
    return {k: record[k] for k in (*_PRINCIPAL_FIELDS, "key_id") if k in record}


def usage_key_for(api_key: str) -> str | None:
    """The tenant's usage plan key (its usage identifier), or None when it has none
    (the local stack; a tenant registered without a usage plan)."""
    record = _key_record(api_key)
    usage_key = record.get("usage_key") if record else None
    return usage_key if isinstance(usage_key, str) else None


def usage_key_for_municipality(code: str) -> str | None:
    """The usage plan key a municipality's people are metered with; None without one."""
    item = _cached(f"usage:{code}", lambda: table.get(*keys.municipality_usage_key(code), consistent=False))
    usage_key = item.get("usage_key") if item else None
    return usage_key if isinstance(usage_key, str) else None


def note_use(key_id: str) -> None:
    """Record that a key was used: at most once an hour per key in this container, and the
    write itself is skipped by DynamoDB when another container noted it within the hour."""
    from botocore.exceptions import ClientError

    now = time.monotonic()
    if now - _last_noted.get(key_id, float("-inf")) < LAST_USED_EVERY_SECONDS:
        return
    _last_noted[key_id] = now
    moment = clock.now()
    try:
        table.dynamodb().update_item(
            TableName=table.table_name(), Key=table.key(*keys.key_use(key_id)),
            UpdateExpression="SET last_used_at = :now",
            ConditionExpression="attribute_not_exists(last_used_at) OR last_used_at < :hour_ago",
            ExpressionAttributeValues=table.to_attrs({
                ":now": clock.iso(moment),
                ":hour_ago": clock.iso(moment - timedelta(seconds=LAST_USED_EVERY_SECONDS))}))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


# ---------------------------------------------------------------- the admin's key commands

def list_keys() -> list[dict[str, Any]]:
    """Every key: key_id, the principal, created_at, last_used_at, retires_at, revoked_at."""
    listed = table.query_all(key_condition="pk = :pk", values={":pk": keys.KEY_LISTING}, consistent=True)
    rows = []
    for item in listed:
        used = table.get(*keys.key_use(item["key_id"]))
        rows.append({k: item[k] for k in ("key_id", *_PRINCIPAL_FIELDS, "created_at", "retires_at", "revoked_at")
                     if k in item} | {"last_used_at": used.get("last_used_at") if used else None})
    return sorted(rows, key=lambda row: row["created_at"])


def _listing(key_id: str) -> dict[str, Any]:
    item = table.get(*keys.key_listing(key_id))
    if item is None:
        raise LookupError(f"no key {key_id!r} (python -m infra.admin list-keys shows them)")
    return item


def _mark(item: dict[str, Any], **changes: str) -> None:
    for pk, sk in (keys.key_listing(item["key_id"]), keys.api_key(item["digest"])):
        names = {f"#{name}": name for name in changes}
        table.dynamodb().update_item(
            TableName=table.table_name(), Key=table.key(pk, sk), ConditionExpression="attribute_exists(pk)",
            UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in changes),
            ExpressionAttributeNames=names, ExpressionAttributeValues=table.to_attrs(
                {f":{name}": value for name, value in changes.items()}))
    _cache.clear()


def rotate_key(key_id: str, overlap_days: float = DEFAULT_OVERLAP_DAYS) -> tuple[str, str, str]:
    """A new key for the same principal; the old one works on for `overlap_days`.
    Returns (new key, its key id, when the old one retires)."""
    old = _listing(key_id)
    if old.get("revoked_at"):
        raise LookupError(f"key {key_id} is revoked: register the tenant's key anew instead")
    stored = table.get(*keys.api_key(old["digest"])) or {}
    principal = {k: old[k] for k in _PRINCIPAL_FIELDS if k in old}
    new_key = _store_key(None, stored.get("usage_key"), **principal)
    retires_at = clock.iso(clock.now() + timedelta(days=overlap_days))
    if not old.get("retires_at") or retires_at < old["retires_at"]:
        _mark(old, retires_at=retires_at)
    else:
        retires_at = old["retires_at"]
    new_item = table.get(*keys.api_key(hash_key(new_key))) or {}
    return new_key, str(new_item.get("key_id")), retires_at


def revoke_key(key_id: str) -> str:
    """Refuse the key from now on (every container within CACHE_SECONDS); returns when."""
    item = _listing(key_id)
    revoked_at = item.get("revoked_at") or clock.iso(clock.now())
    _mark(item, revoked_at=revoked_at)
    return str(revoked_at)


def municipality(code: str) -> dict[str, Any] | None:
    profile: dict[str, Any] | None = _cached(f"mun:{code}", lambda: table.get(*keys.municipality(code),
                                                                               consistent=False))
    return profile


def partner(partner_id: str) -> dict[str, Any] | None:
    """A partner's profile (its name, for the workspace's screens), cached like a municipality's."""
    profile: dict[str, Any] | None = _cached(f"partner:{partner_id}", lambda: table.get(*keys.partner(partner_id),
                                                                                        consistent=False))
    return profile


def is_known_municipality(code: str) -> bool:
    return municipality(code) is not None


def clear_cache() -> None:
    _cache.clear()
    _last_noted.clear()
