"""boto3's DynamoDB type (de)serialiser, the same output faster: the adapters spend
most of the bench's time in boto3.dynamodb.types, which is not what the bench
measures. `faster_boto3_types()` swaps the two methods in for as long as it lasts;
tests/unit/test_bench_scale_store.py checks that the answers are the same."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer


def serialize(_self: Any, value: Any) -> dict[str, Any]:
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is int or kind is Decimal:
        return {"N": str(value)}
    if kind is dict:
        return {"M": {k: serialize(_self, v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [serialize(_self, v) for v in value]}
    if value is None:
        return {"NULL": True}
    answer: dict[str, Any] = _BOTO3_SERIALIZE(_self, value)  # sets, binary, subclasses: boto3 itself
    return answer


def deserialize(_self: Any, value: dict[str, Any]) -> Any:
    for kind, body in value.items():
        if kind == "S":
            return body
        if kind == "N":
            return Decimal(body)
        if kind == "M":
            return {k: deserialize(_self, v) for k, v in body.items()}
        if kind == "L":
            return [deserialize(_self, v) for v in body]
        if kind == "BOOL":
            return body
        if kind == "NULL":
            return None
        if kind == "B":
            return Binary(body)
    return _BOTO3_DESERIALIZE(_self, value)  # sets: boto3 itself


_BOTO3_SERIALIZE = TypeSerializer.serialize
_BOTO3_DESERIALIZE = TypeDeserializer.deserialize


@contextmanager
def faster_boto3_types() -> Iterator[None]:
    TypeSerializer.serialize = serialize
    TypeDeserializer.deserialize = deserialize
    try:
        yield
    finally:
        TypeSerializer.serialize = _BOTO3_SERIALIZE
        TypeDeserializer.deserialize = _BOTO3_DESERIALIZE
