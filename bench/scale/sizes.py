"""DynamoDB's item sizes and capacity units (developer guide, "Item sizes and formats"
and "Read/write capacity units").

An item's size is the sum over its attributes of the name's UTF-8 length plus the
value's size: a string its UTF-8 length, a number about one byte per two
significant digits plus one, binary its raw length, a boolean or null one byte,
a list or map 3 bytes plus its elements, each element one byte more (a map's
keys count like attribute names), a set the sum of its members.
"""
from __future__ import annotations

import base64
import math
from typing import Any

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


def number_size(text: str) -> int:
    """One byte per two significant digits (leading and trailing zeroes trimmed), plus one."""
    digits = text.lstrip("+-").lower().split("e")[0].replace(".", "").strip("0")
    return math.ceil(max(len(digits), 1) / 2) + 1


def _text_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def value_size(value: dict[str, Any]) -> int:
    for kind, body in value.items():
        if kind == "S":
            return _text_size(body)
        if kind == "M":
            total = 3
            for name, member in body.items():
                total += _text_size(name) + value_size(member) + 1
            return total
        if kind == "L":
            total = 3
            for member in body:
                total += value_size(member) + 1
            return total
        if kind == "N":
            return number_size(body)
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "B":
            return len(body if isinstance(body, bytes) else base64.b64decode(body))
        if kind == "SS":
            return sum(_text_size(s) for s in body)
        if kind == "NS":
            return sum(number_size(n) for n in body)
        if kind == "BS":
            return sum(value_size({"B": b}) for b in body)
        raise ValueError(f"unknown attribute type {kind}")
    raise ValueError("an attribute value has no type")


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    total = 0
    for name, value in item.items():
        total += _text_size(name) + value_size(value)
    return total


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    """Units of one read of `size` bytes (a GetItem, or a whole Query page summed):
    4 KB units, at least one; eventually consistent half, transactional double."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    if transactional:
        return 2.0 * units
    return float(units) if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> int:
    """Units of one write: 1 KB units of the item's size, at least one; transactional double."""
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return 2 * units if transactional else units
