"""Kenmerk claims: a case follower (case_followers.py) that makes a case's kenmerk
unique within its municipality. A new case's first write claims its kenmerk on
condition that nobody holds it; a collision fails the whole transaction and the
redelivered record retries with a fresh kenmerk (domain/cases.py new_case). The
claim names the case (search by kenmerk reads it) and is written once: it has no
expiry of its own, retention deletes it with the case (found from the case by its
`kenmerk`)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vroegsignaal.domain.kenmerk import compact_of

from . import keys, table


def claim_key(code: str, kenmerk: str) -> tuple[str, str] | None:
    compact = compact_of(kenmerk)
    return keys.kenmerk_claim(code, compact) if compact else None


def claim_items(before: dict[str, Any] | None, after: dict[str, Any]) -> Sequence[dict[str, Any]]:
    kenmerk = after.get("kenmerk")
    key = claim_key(after["municipality_code"], kenmerk) if kenmerk else None
    if key is None:
        return []  # a case opened before kenmerken
    if before is not None:
        return []  # claimed by the case's first write
    item = {"pk": key[0], "sk": key[1], "type": "kenmerk_claim", "case_id": after["case_id"],
            "household": after["household"]}
    return [{"Put": {"TableName": table.table_name(), "Item": table.to_attrs(item),
                     "ConditionExpression": "attribute_not_exists(pk)"}}]


def claimed_case(code: str, kenmerk: str) -> dict[str, Any] | None:
    """{"case_id", "household"} of the case holding this kenmerk, or None."""
    key = claim_key(code, kenmerk)
    return table.get(*key, consistent=False) if key else None
