"""How the values of a condition and of the facts read in an explanation
("hoog-bedrag: high_amount = true (water 310.00 ≥ 250)")."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vroegsignaal.domain.money import format_cents

from .facts import AMOUNT_ATTRS, FACT_TYPES
from .numbers import number_text

SYMBOL = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def doc_text(value: Any) -> str:
    """A value of the document as text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def list_text(values: Any) -> str:
    return "[" + ", ".join(doc_text(v) for v in values) + "]"


def formatter(fact: str) -> Callable[[Any], str]:
    """value -> text for a fact's values."""
    if fact in AMOUNT_ATTRS:
        return format_cents
    if FACT_TYPES[fact] == "boolean":
        return {True: "true", False: "false"}.__getitem__
    if fact == "partner_types":
        return lambda value: "[" + ", ".join(value) + "]"
    return str
