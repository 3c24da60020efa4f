"""The rules of single fields of a signal (signals-api.md, the field table), and
how their problems are collected: every failing field is reported, by its place
(`loc`), with a message that names the rule, never the value.

JSON types are taken strictly (``"true"`` is not a boolean, ``"12"`` is not a
house number, ``1700000000`` is not a date, ``12.0`` is not an integer).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from ..json_numbers import NumberLiteral, OversizedInteger
from ..money import parse_euros
from ..normalise import CONTROL_CHARS
from .reference import REFERENCE

MAX_AMOUNT_CENTS = 100_000_000  # 1 000 000 euros
HOUSE_NUMBER_MAX = 99_999

Loc = tuple[str, ...]

_MUNICIPALITY_CODE = re.compile(r"GM[0-9]{4}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Amounts given as strings: plain decimal notation only. (No exponents: the
# Decimal of "1e999999999" would make a billion-digit integer.)
_AMOUNT_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,12})?", re.ASCII)
_GENDERS = ("M", "F", "X")
# A lone UTF-16 surrogate (JSON "\ud800") is a str in Python but no UTF-8 text:
# it could be neither hashed nor stored.
_SURROGATE = re.compile("[\ud800-\udfff]")

BAD: Any = object()  # the field was present but invalid: skip rules that need it


class Problems:
    def __init__(self) -> None:
        self.details: list[dict[str, Any]] = []

    def add(self, loc: Loc, msg: str) -> None:
        self.details.append({"loc": [str(part) for part in loc], "msg": msg})


def field(obj: dict[str, Any], name: str, loc: Loc, problems: Problems, parse: Callable[[Any], Any], *,
          required: bool = False) -> Any:
    """Parse obj[name]: the value, None when absent/null (optional), or BAD."""
    value = obj.get(name)
    if value is None:
        if required:
            problems.add(loc + (name,), "field required")
            return BAD
        return None
    if isinstance(value, str) and _SURROGATE.search(value):
        problems.add(loc + (name,), "must be valid Unicode text (it holds an unpaired surrogate)")
        return BAD
    try:
        return parse(value)
    except ValueError as exc:  # our parsers' messages never carry the value
        problems.add(loc + (name,), str(exc))
        return BAD


def unknown_fields(obj: dict[str, Any], allowed: frozenset[str], loc: Loc, problems: Problems) -> None:
    for key in obj:
        if key not in allowed:
            problems.add(loc + (key,), "unknown field")


def json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be an object")
    return value


def text(max_len: int, *, min_len: int = 0) -> Callable[[Any], str | None]:
    """Free text: trimmed, NFC, no control characters; empty means absent."""

    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        normalised = unicodedata.normalize("NFC", value.strip())
        if len(normalised) < min_len:
            raise ValueError("must not be empty")
        if len(normalised) > max_len:
            raise ValueError(f"must be at most {max_len} characters")
        if CONTROL_CHARS.search(normalised):
            raise ValueError("must not contain control characters")
        return normalised or None

    return parse


def reference(value: Any) -> str:
    if not isinstance(value, str) or not REFERENCE.fullmatch(value):
        raise ValueError("must be 1-64 characters of A-Z a-z 0-9 . _ : -")
    return value


def municipality_code(value: Any) -> str:
    if not isinstance(value, str) or not _MUNICIPALITY_CODE.fullmatch(value):
        raise ValueError("must be GM followed by 4 digits")
    return value


def iso_date(value: Any) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # its message quotes the value
    raise ValueError("must be a date in the format YYYY-MM-DD")


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def amount(value: Any) -> int:
    """Euros as a string or a plain decimal number -> cents, > 0 and at most 1 000 000."""
    if isinstance(value, str):
        written = value.strip()
        if not _AMOUNT_TEXT.fullmatch(written):
            raise ValueError('must be an amount in euros such as "412.50"')
        value = written
    elif isinstance(value, OversizedInteger):
        raise ValueError("must be at most 1000000")
    elif isinstance(value, NumberLiteral):
        if value.has_exponent:
            raise ValueError("must be a plain decimal number such as 412.50 (no exponent)")
        value = value.text  # as written: 412.50 has two decimals, whatever the float's repr
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        # decided before parse_euros makes a string of a huge integer
        raise ValueError("must be greater than 0" if value < 0 else "must be at most 1000000")
    cents = parse_euros(value)  # rejects booleans and other types
    if cents <= 0:
        raise ValueError("must be greater than 0")
    if cents > MAX_AMOUNT_CENTS:
        raise ValueError("must be at most 1000000")
    return cents


def house_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    if not 1 <= value <= HOUSE_NUMBER_MAX:
        raise ValueError(f"must be between 1 and {HOUSE_NUMBER_MAX}")
    return value


def gender(value: Any) -> str:
    if not isinstance(value, str) or value not in _GENDERS:
        raise ValueError("must be M, F or X")
    return value
