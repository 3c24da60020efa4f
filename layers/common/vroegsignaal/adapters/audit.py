"""The audit trail in the table (docs/design.md, "The audit trail"): append-only.

An entry is written once with a conditional put and never changed, except its
expiry: a case's entries carry the case's `expires_at` and follow it when it
changes (a pick-up, a close), as the case's log does, so retention deletes
them with the case. Keys are in keys.py; gsi7 reads a municipality's trail by
time, a case's entries are read from its household partition.
"""
from __future__ import annotations

from typing import Any

from vroegsignaal import ids
from vroegsignaal.domain.errors import ConcurrentChange

from . import dynamo, keys, table
from .cases import decode_cursor, encode_cursor

INDEX = "gsi7"
_SHOWN = ("at", "actor", "action", "municipality_code", "case_id", "details")


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in _SHOWN if name in item}


class DynamoAuditLog:
    def append(self, entry: dict[str, Any], *, household: str | None = None,
               expires_at: int | None = None) -> None:
        """Store a new entry (under its case's household when given, with the case's expiry)."""
        entry_id = ids.new_id("audit")
        code, at = entry["municipality_code"], entry["at"]
        if household and entry.get("case_id"):
            pk, sk = keys.case_audit_entry(household, entry["case_id"], at, entry_id)
        else:
            pk, sk = keys.municipality_audit_entry(code, at, entry_id)
        item = {**entry, "pk": pk, "sk": sk, "type": "audit", "entry_id": entry_id,
                "gsi7pk": keys.audit_index(code), "gsi7sk": keys.audit_index_sort(at, entry_id),
                "expires_at": expires_at}
        with dynamo.translated(entry_id):
            table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(item),
                                      ConditionExpression="attribute_not_exists(pk)")

    def locate_case(self, code: str, case_id: str) -> tuple[str, int | None] | None:
        """The case's household and its current expiry (read strongly: it may have just
        changed); None when the municipality has no such case."""
        gsi3pk, _ = keys.case_by_id_index(case_id)
        found = table.query_all(index="gsi3", key_condition="gsi3pk = :pk", values={":pk": gsi3pk},
                                projection=("municipality_code", "household"))
        if not found or found[0].get("municipality_code") != code:
            return None
        household = found[0]["household"]
        response = table.dynamodb().get_item(TableName=table.table_name(), Key=table.key(*keys.case(household, case_id)),
                                             ConsistentRead=True, ProjectionExpression="expires_at")
        expires = table.from_attrs(response.get("Item") or {}).get("expires_at")
        return household, int(expires) if expires is not None else None

    def follow_expiry(self, household: str, case_id: str, expires_at: int | None) -> int:
        """Give the case's entries the case's expiry (None: none); how many changed."""
        items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                                values={":pk": keys.household(household), ":prefix": keys.case_audit_prefix(case_id)},
                                consistent=True, projection=("pk", "sk", "expires_at"))
        changed = 0
        for item in items:
            if item.get("expires_at") == expires_at:
                continue
            update: dict[str, Any] = {"TableName": table.table_name(), "Key": table.key(item["pk"], item["sk"]),
                                      "ConditionExpression": "attribute_exists(pk)"}
            if expires_at is None:
                update["UpdateExpression"] = "REMOVE expires_at"
            else:
                update["UpdateExpression"] = "SET expires_at = :expires"
                update["ExpressionAttributeValues"] = {":expires": {"N": str(expires_at)}}
            try:
                with dynamo.translated(case_id):
                    table.dynamodb().update_item(**update)
            except ConcurrentChange:  # gone meanwhile (retention): nothing to follow
                continue
            changed += 1
        return changed

    def _page(self, *, index: str | None, key_condition: str, values: dict[str, Any], actor: str | None,
              action: str | None, limit: int, cursor: str | None, forward: bool
              ) -> tuple[list[dict[str, Any]], str | None]:
        filters, names = [], {}
        if actor:
            filters.append("#actor.#id = :actor")
            names.update({"#actor": "actor", "#id": "id"})
            values = {**values, ":actor": actor}
        if action:
            filters.append("#action = :action")
            names["#action"] = "action"
            values = {**values, ":action": action}
        found: list[dict[str, Any]] = []
        last = decode_cursor(cursor) if cursor else None
        # A filter can leave a page short: read on until it is full or the entries end.
        while len(found) < limit:
            pages = table.query_pages(index=index, key_condition=key_condition, values=values, names=names or None,
                                      filter_expression=" AND ".join(filters) or None, forward=forward,
                                      limit=limit - len(found), start_key=last)
            batch, last = next(pages)
            found.extend(batch)
            if not last:
                break
        return [_shown(item) for item in found], encode_cursor(last) if last else None

    def municipality_page(self, code: str, *, since: str, until: str, actor: str | None = None,
                          action: str | None = None, limit: int, cursor: str | None = None
                          ) -> tuple[list[dict[str, Any]], str | None]:
        """The municipality's entries from `since` to `until` (sort-key bounds), newest first."""
        return self._page(index=INDEX, key_condition="gsi7pk = :pk AND gsi7sk BETWEEN :since AND :until",
                          values={":pk": keys.audit_index(code), ":since": since, ":until": until},
                          actor=actor, action=action, limit=limit, cursor=cursor, forward=False)

    def case_page(self, household: str, case_id: str, *, since: str, until: str, actor: str | None = None,
                  action: str | None = None, limit: int, cursor: str | None = None, newest_first: bool = True
                  ) -> tuple[list[dict[str, Any]], str | None]:
        """One case's entries from `since` to `until`, from its household partition."""
        prefix = keys.case_audit_prefix(case_id)
        return self._page(index=None, key_condition="pk = :pk AND sk BETWEEN :since AND :until",
                          values={":pk": keys.household(household), ":since": prefix + since,
                                  ":until": prefix + until},
                          actor=actor, action=action, limit=limit, cursor=cursor, forward=not newest_first)
