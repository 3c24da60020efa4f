"""Signals and their status in the table (docs/design.md)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError

from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.errors import ConcurrentChange

from . import dynamo, feed, keys, table


class DynamoSignalStore:
    def __init__(self, household_secret: Callable[[], str] | None = None):
        """`household_secret` is not needed any more (the status reads the case recorded
        on the signal); kept so existing callers keep working."""

    def insert_signal(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """Store the item unless (partner, reference) exists; return the existing item, else None."""
        pk, sk = keys.signal(item["partner_id"], item["reference"])
        try:
            table.dynamodb().put_item(
                TableName=table.table_name(),
                Item=table.to_attrs({"pk": pk, "sk": sk, **feed.receipt_keys(item), **item}),
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return None
        except ClientError as error:
            if not isinstance(dynamo.translate(error, item["signal_id"]), ConcurrentChange):
                raise
            old = error.response.get("Item")
            return table.from_attrs(old) if old else self.get_signal(item["partner_id"], item["reference"])

    def get_signal(self, partner_id: str, reference: str) -> dict[str, Any] | None:
        return table.get(*keys.signal(partner_id, reference))

    def signal_status(self, item: dict[str, Any]) -> str:
        """A signal's status follows its case (signals-api.md). Classification records
        the case on the stored signal, so this reads that one case, nothing else."""
        if not item.get("case_id"):
            return case_rules.partner_status(None)  # not classified yet
        case = table.get(*keys.case(item["household"], item["case_id"]))
        return case_rules.partner_status(case)

    def signals_received_since(self, since: str) -> Iterator[dict[str, Any]]:
        """Every stored signal received at or after `since` (ISO), by a paginated scan: an
        operator's repair job (infra.admin reclassify), never a request path."""
        kwargs: dict[str, Any] = {
            "TableName": table.table_name(), "FilterExpression": "#t = :signal AND received_at >= :since",
            "ExpressionAttributeNames": {"#t": "type"},
            "ExpressionAttributeValues": table.to_attrs({":signal": "signal", ":since": since})}
        while True:
            page = table.dynamodb().scan(**kwargs)
            yield from (table.from_attrs(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
