"""Cell values into the JSON values of a signal body.

A cell is text (CSV) or what a spreadsheet stores (XLSX: text, numbers, booleans,
dates). What a partner's spreadsheet writes is accepted (decimal comma, ja/nee,
DD-MM-YYYY, date cells, numbers for digits); anything else is passed on as it
is, so the intake rejects it with the same message as the JSON API.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_DUTCH_DATE = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})", re.ASCII)
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+", re.ASCII)
_WHOLE_NUMBER = re.compile(r"[0-9]+", re.ASCII)
_BOOLEANS = {"true": True, "ja": True, "false": False, "nee": False}
_BSN_DIGITS = 9


def blank(value: object) -> bool:
    """An empty cell: an absent field."""
    return value is None or (isinstance(value, str) and not value.strip())


def _plain_number(value: float | int) -> str:
    """412.5 -> "412.5", 1e16 -> "10000000000000000": plain decimal notation, no float error."""
    if isinstance(value, int):
        return str(value)
    number = Decimal(repr(value))
    return format(number.to_integral_value(), "f") if number == number.to_integral_value() else format(number, "f")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def text(value: Any) -> Any:
    """Free text: trimmed; a number cell gives its digits, a date cell its ISO date."""
    if isinstance(value, str):
        return value.strip()
    if _is_number(value):
        return _plain_number(value)
    if isinstance(value, (date, datetime)):
        return day(value)
    return value


def day(value: Any) -> Any:
    """A date: a date cell, YYYY-MM-DD or DD-MM-YYYY."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = value.strip()
        dutch = _DUTCH_DATE.fullmatch(value)
        if dutch:
            return f"{dutch.group(3)}-{dutch.group(2)}-{dutch.group(1)}"
    return value


def flag(value: Any) -> Any:
    """A boolean: true/false/ja/nee in any case, or a boolean cell."""
    if isinstance(value, str):
        return _BOOLEANS.get(value.strip().lower(), value.strip())
    return value


def amount(value: Any) -> Any:
    """Euros as a string in "." notation: "412,50" and 412.5 become "412.50"/"412.5"."""
    if isinstance(value, str):
        value = value.strip()
        return value.replace(",", ".") if _DECIMAL_COMMA.fullmatch(value) else value
    if _is_number(value):
        return _plain_number(value)
    return value


def whole_number(value: Any) -> Any:
    """An integer: "12" or a number cell 12 (12.0) becomes 12."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if _WHOLE_NUMBER.fullmatch(value) and len(value) <= 18 else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def bsn(value: Any) -> Any:
    """A BSN as a number cell has lost its leading zeros: they are put back (a BSN has 9 digits)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
        if 0 <= number < 10**_BSN_DIGITS:
            return f"{number:0{_BSN_DIGITS}d}"
    return text(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "signal_date": day,
    "arrears_since": day,
    "debtor.date_of_birth": day,
    "amount": amount,
    "crisis": flag,
    "warm_transfer": flag,
    "supply_ending": flag,
    "debtor.address.house_number": whole_number,
    "debtor.bsn": bsn,
}


def convert(field: str, value: Any) -> Any:
    return CONVERTERS.get(field, text)(value)
