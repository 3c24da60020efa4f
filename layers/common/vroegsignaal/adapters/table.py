"""The single DynamoDB table: plain dicts in, plain dicts out.

Items hold only strings, integers, booleans, lists and maps (money is integer
cents), so the low-level client with boto3's type (de)serialiser is enough and
nothing here ever meets a float.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from . import config, merged_pages
from .aws import client

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def table_name() -> str:
    return config.current().table_name


def dynamodb() -> Any:
    return client("dynamodb")


def to_attrs(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in item.items() if v is not None}


def from_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in attrs.items()}


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; ours are all integers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if type(value).__name__ == "Decimal":
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def get(pk: str, sk: str, *, consistent: bool = True) -> dict[str, Any] | None:
    response = dynamodb().get_item(TableName=table_name(), Key=key(pk, sk), ConsistentRead=consistent)
    item = response.get("Item")
    return from_attrs(item) if item else None


def put(item: dict[str, Any]) -> None:
    dynamodb().put_item(TableName=table_name(), Item=to_attrs(item))


def query_pages(*, index: str | None = None, key_condition: str, values: dict[str, Any],
                names: dict[str, str] | None = None, filter_expression: str | None = None,
                forward: bool = True, limit: int | None = None,
                start_key: dict[str, Any] | None = None, consistent: bool = False,
                projection: tuple[str, ...] | None = None
                ) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
    """Yield (items, last_evaluated_key) page by page; `projection`: only these top-level attributes."""
    kwargs: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": to_attrs(values),
        "ScanIndexForward": forward,
    }
    if index:
        kwargs["IndexName"] = index
    else:
        kwargs["ConsistentRead"] = consistent
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if filter_expression:
        kwargs["FilterExpression"] = filter_expression
    if limit:
        kwargs["Limit"] = limit
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    if projection:
        placeholders = {f"#p{i}": name for i, name in enumerate(projection)}
        kwargs["ProjectionExpression"] = ", ".join(placeholders)
        kwargs["ExpressionAttributeNames"] = {**kwargs.get("ExpressionAttributeNames", {}), **placeholders}
    while True:
        response = dynamodb().query(**kwargs)
        last = response.get("LastEvaluatedKey")
        yield [from_attrs(i) for i in response.get("Items", [])], last
        if not last:
            return
        kwargs["ExclusiveStartKey"] = last


def read_after(*, index: str, key_condition: str, values: dict[str, Any], start: dict[str, Any] | None,
               limit: int, names: dict[str, str] | None = None, filter_expression: str | None = None,
               projection: tuple[str, ...] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` items of one index partition after `start` (a key or None) that pass
    the filter, and whether the partition ends after them (merged_pages.read_partition:
    one item past the page, since a LastEvaluatedKey does not say that more follows)."""
    def query(last: dict[str, Any] | None, read_limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        return next(query_pages(index=index, key_condition=key_condition, values=values, names=names,
                                filter_expression=filter_expression, limit=read_limit, start_key=last,
                                projection=projection))

    return merged_pages.read_partition(query, start, limit, filtered=filter_expression is not None)


def query_all(**kwargs: Any) -> list[dict[str, Any]]:
    return [item for page, _ in query_pages(**kwargs) for item in page]


_BATCH_GET = 100  # BatchGetItem's limit


def get_many(item_keys: list[tuple[str, str]], *, consistent: bool = False) -> dict[tuple[str, str], dict[str, Any]]:
    """The items with these (pk, sk) keys that exist, by key: BatchGetItem, 100 a call,
    unprocessed keys asked again."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    unique = list(dict.fromkeys(item_keys))
    for start in range(0, len(unique), _BATCH_GET):
        request: dict[str, Any] = {table_name(): {"Keys": [key(pk, sk) for pk, sk in unique[start:start + _BATCH_GET]],
                                                  "ConsistentRead": consistent}}
        for _attempt in range(10):
            response = dynamodb().batch_get_item(RequestItems=request)
            for attrs in response.get("Responses", {}).get(table_name(), []):
                item = from_attrs(attrs)
                found[(item["pk"], item["sk"])] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise RuntimeError("BatchGetItem left keys unprocessed")
    return found


def batch_get(item_keys: list[tuple[str, str]], *, projection: tuple[str, ...] | None = None,
              attempts: int = 8) -> list[dict[str, Any]]:
    """The items of these keys that exist, in no particular order (BatchGetItem, 100
    at a time, unprocessed keys asked again)."""
    found: list[dict[str, Any]] = []
    unique = list(dict.fromkeys(item_keys))
    for start in range(0, len(unique), _BATCH_GET):
        request: dict[str, Any] = {"Keys": [key(pk, sk) for pk, sk in unique[start:start + _BATCH_GET]]}
        if projection:
            names = {f"#p{i}": name for i, name in enumerate(projection)}
            request["ProjectionExpression"] = ", ".join(names)
            request["ExpressionAttributeNames"] = names
        pending: dict[str, Any] = {table_name(): request}
        for _attempt in range(attempts):
            response = dynamodb().batch_get_item(RequestItems=pending)
            found.extend(from_attrs(i) for i in response.get("Responses", {}).get(table_name(), []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
        else:
            raise RuntimeError("items not read; try again")
    return found
