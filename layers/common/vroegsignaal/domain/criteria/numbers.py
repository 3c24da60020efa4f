"""Numbers of a criteria document (JSON int or float) compared exactly.

A float is read through its shortest repr, as money.parse_euros does, so 49.99
is exactly 49.99 euros. Integer-valued facts (and amounts in cents) compare
exactly with a threshold t through whole numbers: x > t <=> x > floor(t),
x >= t <=> x >= ceil(t), and so on.
"""
from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from vroegsignaal.domain.json_numbers import MAX_INTEGER_DIGITS, is_plain_integer

_INTEGER_BOUND = 10**MAX_INTEGER_DIGITS


def is_number(value: object) -> bool:
    """A JSON number of ours: an integer (is_integer) or a finite float, not a bool."""
    if is_integer(value):
        return True
    return isinstance(value, float) and math.isfinite(value)


def is_integer(value: object) -> bool:
    """An integer as criteria.md has it: a JSON number without fraction or exponent
    (`14`, not `14.0`: the decoder gives a float for those) and of at most
    MAX_INTEGER_DIGITS digits (a 4 000-digit value is no setting or amount)."""
    return is_plain_integer(value) and abs(value) < _INTEGER_BOUND  # type: ignore[arg-type]


def to_decimal(value: int | float) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def scaled(value: int | float, scale: int) -> Decimal:
    """value * scale, exactly (a float repr has at most 17 digits)."""
    if isinstance(value, int):
        return Decimal(value * scale)
    return to_decimal(value) * scale


def floor_int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def ceil_int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def exact_int(value: Decimal) -> int | None:
    """The whole number equal to value, or None when it has a fraction."""
    whole = value.to_integral_value(rounding=ROUND_FLOOR)
    return int(whole) if whole == value else None


def number_text(value: int | float) -> str:
    """A document number as a consultant reads it: 250, 49.99, 1000."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)
