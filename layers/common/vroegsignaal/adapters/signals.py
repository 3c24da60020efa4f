"""Signals and their status in the table (docs/design.md)."""
from __future__ import annotations

from typing import Any, Callable

from botocore.exceptions import ClientError

from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.household import Household

from . import table


class DynamoSignalStore:
    def __init__(self, household_secret: Callable[[], str]):
        self.household_secret = household_secret

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
        """A signal's status follows its case (signals-api.md). The case is found in the
        signal's household (its key derives from the signal's own address), so a signal
        needs no pointer to its case that would have to be written and kept in step."""
        household = Household.of(item["signal"]).key(self.household_secret())
        cases = table.query_all(key_condition="pk = :pk AND begins_with(sk, :case)",
                                values={":pk": f"HH#{household}", ":case": "CASE#"},
                                projection=("case_id", "status", "picked_up_at", "signals"))
        case = case_rules.contains_signal(cases, item["signal_id"])
        if case is None:
            return "received"  # not classified yet
        if case["status"] == "closed":
            return "closed"
        return "in_progress" if case.get("picked_up_at") else "received"

    def signals_received_since(self, since: str):
        """Every stored signal received at or after `since` (ISO), by a paginated scan: an
        operator's repair job (infra.admin reclassify), never a request path."""
        kwargs = {"TableName": table.table_name(), "FilterExpression": "#t = :signal AND received_at >= :since",
                  "ExpressionAttributeNames": {"#t": "type"},
                  "ExpressionAttributeValues": table.to_attrs({":signal": "signal", ":since": since})}
        while True:
            page = table.dynamodb().scan(**kwargs)
            yield from (table.from_attrs(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
