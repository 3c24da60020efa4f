"""What retention deletes (services/retention.py), in the table and the bucket.

Every delete is idempotent: deleting what is gone already is no error, and the
counts say what was actually there (DeleteItem's old values, the bucket's
listing), so a redelivered REMOVE deletes and counts nothing twice. A case's
own deletion is counted once by a marker written with the count.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal import clock
from vroegsignaal.domain.kenmerk import compact_of

from . import basket_counters, dynamo, keys, letters, monthly_counters, table
from .aws import client
from .bucket import name as bucket_name
from .cases import HEAD_START

_BATCH = 25  # BatchWriteItem's limit
_S3_BATCH = 1000  # DeleteObjects' limit
_MARKER_DAYS = 7  # longer than a stream record can be retried (24 h)


class DynamoRetentionStore:
    def release_case(self, case: dict[str, Any]) -> None:
        """What the case left outside its own items: its start date on the household's
        head (which outlives it) and its kenmerk claim (free again)."""
        try:
            table.dynamodb().update_item(
                TableName=table.table_name(), Key=table.key(*keys.household_head(case["household"])),
                UpdateExpression="REMOVE #start", ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#start": f"{HEAD_START}{case['case_id']}"})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise dynamo.translate(error, case["case_id"]) from None
        compact = compact_of(str(case.get("kenmerk") or ""))
        if compact:
            self.delete_item(*keys.kenmerk_claim(case["municipality_code"], compact))

    def case_items(self, household: str, case_id: str) -> list[dict[str, Any]]:
        """Every item of the household partition under the case's case-scoped prefixes."""
        found: list[dict[str, Any]] = []
        for prefix in keys.CASE_SCOPED_PREFIXES:
            found.extend(table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                                         values={":pk": keys.household(household),
                                                 ":prefix": keys.case_scoped_prefix(prefix, case_id)},
                                         consistent=True))
        return found

    def delete_items(self, item_keys: Iterable[tuple[str, str]]) -> None:
        """Delete these items (those still there), in batches."""
        requests = [{"DeleteRequest": {"Key": table.key(pk, sk)}} for pk, sk in item_keys]
        for start in range(0, len(requests), _BATCH):
            pending = {table.table_name(): requests[start:start + _BATCH]}
            for _attempt in range(8):
                response = table.dynamodb().batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
            else:
                raise RuntimeError("items not deleted; the redelivered record deletes them")

    def delete_item(self, pk: str, sk: str) -> bool:
        """Delete one item; whether it was there."""
        answer = table.dynamodb().delete_item(TableName=table.table_name(), Key=table.key(pk, sk),
                                              ReturnValues="ALL_OLD")
        return bool(answer.get("Attributes"))

    def delete_signal(self, partner_id: str, reference: str) -> bool:
        return self.delete_item(*keys.signal(partner_id, reference))

    def delete_task(self, task_id: str) -> bool:
        return self.delete_item(*keys.task(task_id))

    def delete_letters(self, code: str, case_id: str) -> int:
        """Every version of every letter of the case (the bucket keeps versions); how many
        letters there were."""
        s3, bucket = client("s3"), bucket_name()
        versions: list[dict[str, str]] = []
        letter_keys: set[str] = set()
        for page in s3.get_paginator("list_object_versions").paginate(
                Bucket=bucket, Prefix=letters.case_letters_prefix(code, case_id)):
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                versions.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
            letter_keys.update(entry["Key"] for entry in page.get("Versions", []))
        for start in range(0, len(versions), _S3_BATCH):
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": versions[start:start + _S3_BATCH],
                                                              "Quiet": True})
            if answer.get("Errors"):
                raise RuntimeError(f"{len(answer['Errors'])} letter versions not deleted; the redelivered "
                                   "record deletes them")
        return len(letter_keys)

    def count_case_once(self, code: str, case_id: str, figures: dict[str, int], now: datetime,
                        case: dict[str, Any] | None = None) -> bool:
        """Add the case's deletion figures to this month's counters and take an open case
        out of its basket's counters, once: False when a redelivered record counted it before."""
        marker_pk, marker_sk = keys.retention_done(case_id)
        marker = {"pk": marker_pk, "sk": marker_sk, "type": "retention_done",
                  "expires_at": int((now + timedelta(days=_MARKER_DAYS)).timestamp())}
        items = [{"Put": {"TableName": table.table_name(), "Item": table.to_attrs(marker),
                          "ConditionExpression": "attribute_not_exists(pk)"}},
                 monthly_counters.add_figures(code, clock.iso(now)[:7], figures),
                 *(basket_counters.changes(case, None) if case else [])]
        try:
            table.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if dynamo.cancelled_at(error, 0):
                return False
            raise
        return True

    def count(self, code: str, figures: dict[str, int], now: datetime) -> None:
        """Add figures to this month's counters (what a signal entry's REMOVE deleted)."""
        if figures:
            table.dynamodb().update_item(**monthly_counters.add_figures(code, clock.iso(now)[:7], figures)["Update"])
