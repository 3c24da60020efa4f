"""DynamoDB transactions in the local stack's moto, as DynamoDB does them and cheaply.

moto 5.2's `transact_write_items` deep-copies every table a transaction touches,
once per item, before it starts (its rollback), so a transaction costs time in
proportion to the whole table and its stream: a join of a signal to its case
(four items) took seconds on a table of a few thousand items. It also evaluates
each item's condition after the items before it were applied, where DynamoDB
evaluates every condition against the state before the transaction.

`install()` replaces it, in the moto process only, by: every condition checked
first against the state before the transaction (a failure cancels the whole
transaction with one reason per item, nothing written); then the items applied,
with a copy of just those items kept to put back should one fail to apply (an
item too large, say). Stream records of a write that was put back stay in the
stream; the classify filter selects signal INSERTs only, which a transaction of
ours never writes.
"""
from __future__ import annotations

import copy
from typing import Any


def install() -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
        if op_type != "Put":
            return op["Key"]
        table = backend.get_table(op["TableName"])
        key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = op["Item"][table.range_key_attr]
        return key

    def condition_holds(op: dict[str, Any], current: Any) -> bool:
        expression = op.get("ConditionExpression")
        if expression is None:
            return True
        return bool(get_filter_expression(expression, op.get("ExpressionAttributeNames"),
                                          op.get("ExpressionAttributeValues")).expr(current))

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        planned, seen = [], set()
        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            key = key_of(self, op_type, op)
            identity = (op["TableName"], str(dict(sorted(key.items()))))
            if identity in seen:
                raise MultipleTransactionsException()
            seen.add(identity)
            planned.append((op_type, op, key))

        # Every condition against the state before the transaction.
        reasons: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
        for _, op, key in planned:
            current = self.get_item(op["TableName"], key)
            if condition_holds(op, current):
                reasons.append((None, None, None))
                continue
            old = current.to_json()["Attributes"] \
                if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)

        # Then the writes, with just their items kept to put back.
        before = [(op["TableName"], key, copy.deepcopy(self.get_item(op["TableName"], key)))
                  for op_type, op, key in planned if op_type != "ConditionCheck"]
        try:
            for op_type, op, key in planned:
                names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"])
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], key)
                elif op_type == "Update":
                    self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                     expression_attribute_names=names, expression_attribute_values=values)
        except Exception as error:  # noqa: BLE001 - any failure to apply puts every item back
            for table_name, key, item in before:
                _put_back(self, table_name, key, item)
            raise TransactionCanceledException(
                [(type(error).__name__, str(error), None)] + [(None, None, None)] * (len(planned) - 1)) from None

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _put_back(backend: Any, table_name: str, key: dict[str, Any], item: Any) -> None:
    """Restore one item as it was: absent, or its copy."""
    if item is None:
        backend.delete_item(table_name, key)
    else:
        backend.put_item(table_name, item.to_json()["Attributes"])
