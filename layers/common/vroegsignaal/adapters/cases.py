"""Cases and tasks in the table (docs/design.md).

A case is written whole, conditioned on the version read, so two writers never
overwrite each other: the loser gets `ConcurrentChange` and retries (a stream
record is redelivered, an SQS message comes back).
"""
from __future__ import annotations

import base64
import time
import json
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain import paths
from vroegsignaal.domain.errors import ConcurrentChange, CursorError

from . import table

DUE_PARTITION = "DUE"


def _head_expiry() -> int:
    """The household head goes when its last case could: 18 months after a close, plus
    the 6 months a case may stay open unpicked (retention.py), from now."""
    return int(time.time()) + (6 + 18) * 31 * 24 * 3600


def case_key(case: dict[str, Any]) -> dict[str, Any]:
    return table.key(f"HH#{case['household']}", f"CASE#{case['case_id']}")


def _case_item(case: dict[str, Any]) -> dict[str, Any]:
    """The case with its keys and index attributes, all derived from the case itself."""
    code, opened = case["municipality_code"], f"{case['opened_at']}#{case['case_id']}"
    item = {**case,
            "pk": f"HH#{case['household']}", "sk": f"CASE#{case['case_id']}", "type": "case",
            "gsi1pk": f"MUN#{code}#BASKET#{case['basket_id']}", "gsi1sk": opened,
            "gsi2pk": f"MUN#{code}#CASES", "gsi2sk": opened,
            "gsi3pk": f"CASE#{case['case_id']}", "gsi3sk": "CASE",
            "summary": case_rules.summary(case)}
    due = paths.next_due(case)
    if due:  # sparse: only cases with a step waiting for its date are in the due index
        item["gsi4pk"], item["gsi4sk"] = DUE_PARTITION, f"{due}#{case['case_id']}"
    return item


_INDEX_ATTRS = ("pk", "sk", "type", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk",
                "summary")
# What a list of cases reads of each case: its own fields and the stored summary, not its history.
LIST_FIELDS = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "case_id", "municipality_code", "basket_id",
               "status", "opened_at", "postcode", "house_number", "house_number_suffix", "criteria_version",
               "summary")


def listed_case(item: dict[str, Any]) -> dict[str, Any]:
    """A case as a list read it: its fields and its summary."""
    return {**{k: v for k, v in item.items() if k not in _INDEX_ATTRS}, "summary": item["summary"]}


def _case_of(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _INDEX_ATTRS}


def case_put(case: dict[str, Any]) -> dict[str, Any]:
    """A transactional Put of the case, conditioned on the version it was read at."""
    read_version = case["version"]
    item = _case_item({**case, "version": read_version + 1})
    put: dict[str, Any] = {"TableName": table.table_name(), "Item": table.to_attrs(item)}
    if read_version == 0:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        put["ConditionExpression"] = "version = :v"
        put["ExpressionAttributeValues"] = {":v": {"N": str(read_version)}}
    return {"Put": put}


def _cancelled_by_condition(error: ClientError) -> bool:
    code = error.response["Error"]["Code"]
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons") or []
        # TransactionConflict: another write touched one of the items at the same moment.
        return any(r.get("Code") in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons) \
            or not reasons
    return False


class DynamoCaseStore:
    def household(self, household: str) -> tuple[list[dict[str, Any]], int]:
        """Every case of a household and how many were ever opened (its head), in one
        strongly consistent query: matching must see the last write."""
        items = table.query_all(key_condition="pk = :pk", values={":pk": f"HH#{household}"}, consistent=True)
        head = next((i for i in items if i["sk"] == "HEAD"), None)
        return [_case_of(i) for i in items if i["sk"].startswith("CASE#")], int(head["opened"]) if head else 0

    def household_cases(self, household: str) -> list[dict[str, Any]]:
        return self.household(household)[0]

    def claim_new_case(self, household: str, *, opened_seen: int) -> None:
        """Before opening a case: count it on the household's head, on condition that no
        other writer opened one since we read the household. Signals of one household
        can be classified at the same time (they sit on different stream shards): this
        makes sure only one of them opens the case and the other joins it on its retry."""
        condition = "attribute_not_exists(pk)" if opened_seen == 0 else "opened = :seen"
        values = {":next": {"N": str(opened_seen + 1)}}
        if opened_seen:
            values[":seen"] = {"N": str(opened_seen)}
        try:
            table.dynamodb().update_item(
                TableName=table.table_name(), Key=table.key(f"HH#{household}", "HEAD"),
                UpdateExpression="SET opened = :next, #t = :type, expires_at = :expires",
                ConditionExpression=condition, ExpressionAttributeNames={"#t": "type"},
                ExpressionAttributeValues={**values, ":type": {"S": "household"},
                                           ":expires": {"N": str(_head_expiry())}})
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ConcurrentChange(household) from None
            raise

    def write(self, case: dict[str, Any], *extra: dict[str, Any]) -> None:
        """Write the case (and other transact items with it) if nobody changed it meanwhile."""
        try:
            if extra:
                table.dynamodb().transact_write_items(TransactItems=[case_put(case), *extra])
            else:
                table.dynamodb().put_item(**case_put(case)["Put"])
        except ClientError as error:
            if _cancelled_by_condition(error):
                raise ConcurrentChange(case["case_id"]) from None
            raise
        case["version"] += 1

    def get(self, household: str, case_id: str) -> dict[str, Any] | None:
        item = table.get(f"HH#{household}", f"CASE#{case_id}")
        return _case_of(item) if item else None

    def find(self, municipality_code: str, case_id: str) -> dict[str, Any] | None:
        """A case by id, only within its municipality (another's is as good as absent)."""
        items = table.query_all(index="gsi3", key_condition="gsi3pk = :pk", values={":pk": f"CASE#{case_id}"})
        if not items or items[0]["municipality_code"] != municipality_code:
            return None
        # The index is eventually consistent: read the case itself.
        return self.get(items[0]["household"], case_id)

    def page(self, *, index: str, pk: str, limit: int, cursor: str | None,
             filter_expression: str | None = None, values: dict[str, Any] | None = None,
             names: dict[str, str] | None = None, projection: tuple[str, ...] | None = LIST_FIELDS,
             convert=listed_case) -> tuple[list[dict[str, Any]], str | None]:
        """One page of an index, oldest first, with an opaque cursor. By default a page of
        cases as lists show them (listed_case); other items pass their own projection and
        conversion."""
        start = decode_cursor(cursor) if cursor else None
        pk_attr = f"{index}pk"
        items: list[dict[str, Any]] = []
        last = start
        # A filter can leave a page short: keep reading until the page is full or the index ends.
        while len(items) < limit:
            pages = table.query_pages(index=index, key_condition=f"{pk_attr} = :pk",
                                      values={":pk": pk, **(values or {})}, names=names,
                                      filter_expression=filter_expression, limit=limit - len(items),
                                      start_key=last, projection=projection)
            batch, last = next(pages)
            items.extend(batch)
            if not last:
                break
        return [convert(i) for i in items], encode_cursor(last) if last else None

    def due(self, until: str) -> list[dict[str, Any]]:
        """Cases with a step due on or before this date (the follow-up schedule)."""
        items = table.query_all(index="gsi4", key_condition="gsi4pk = :pk AND gsi4sk <= :until",
                                values={":pk": DUE_PARTITION, ":until": f"{until}#~"})
        return [_case_of(i) for i in items]


def encode_cursor(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise CursorError("cursor is not valid") from None
    if not isinstance(key, dict) or not all(isinstance(v, dict) and len(v) == 1 for v in key.values()):
        raise CursorError("cursor is not valid")
    return key
