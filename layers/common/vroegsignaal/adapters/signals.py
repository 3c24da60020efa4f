"""Signals and their status in the table (docs/design.md)."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from . import table


class DynamoSignalStore:
    def insert_signal(self, item: dict[str, Any]) -> dict[str, Any] | None:
        try:
            table.dynamodb().put_item(
                TableName=table.table_name(),
                Item=table.to_attrs(item),
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return None
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = error.response.get("Item")
            return table.from_attrs(old) if old else self.get_signal(item["partner_id"], item["reference"])

    def get_signal(self, partner_id: str, reference: str) -> dict[str, Any] | None:
        return table.get(f"SIGNAL#{partner_id}#{reference}", "SIGNAL")

    def signal_status(self, item: dict[str, Any]) -> str:
        """A signal's status follows its case (signals-api.md)."""
        if not item.get("case_id"):
            return "received"
        case = table.get(f"HH#{item['household']}", f"CASE#{item['case_id']}", consistent=False)
        if not case:
            return "received"
        if case.get("status") == "closed":
            return "closed"
        return "in_progress" if case.get("picked_up_at") else "received"
