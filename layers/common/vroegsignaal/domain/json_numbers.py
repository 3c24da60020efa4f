"""JSON numbers as the spec reads them (signals-api.md and criteria.md, "Numbers").

An integer is a JSON number without fraction or exponent; an amount given as a
number is a plain decimal. Python's decoder forgets how a number was written,
so the edge decodes with these hooks: a number with a fraction or exponent
becomes a `NumberLiteral` (a float that remembers its text), an integer of more
digits than any value of ours an `OversizedInteger` (never converted: a
5 000-digit int costs CPU and is no amount, house number or setting). Every
validator then rejects what it cannot use with a 422 naming the field.
"""
from __future__ import annotations

MAX_INTEGER_DIGITS = 30


class NumberLiteral(float):
    """A JSON number written with a fraction or an exponent (`12.0`, `1e3`)."""

    text: str

    def __new__(cls, text: str) -> NumberLiteral:
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def has_exponent(self) -> bool:
        return "e" in self.text or "E" in self.text


class OversizedInteger:
    """A JSON integer of more than MAX_INTEGER_DIGITS digits: no valid value."""

    __slots__ = ("digits",)

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"OversizedInteger(digits={self.digits})"


def parse_float(text: str) -> NumberLiteral:
    return NumberLiteral(text)


def parse_int(text: str) -> int | OversizedInteger:
    digits = len(text) - (text[0] == "-")
    if digits > MAX_INTEGER_DIGITS:
        return OversizedInteger(digits)
    return int(text)


def is_plain_integer(value: object) -> bool:
    """An int that is not a bool (a JSON integer, however it reached us)."""
    return isinstance(value, int) and not isinstance(value, bool)


def written_with_exponent(value: object) -> bool:
    return isinstance(value, NumberLiteral) and value.has_exponent
