"""The condition language of criteria.md ("Conditions"): combinators, operators by
fact type, the nesting and size limits, and how a key is written in a JSON Pointer."""
from __future__ import annotations

MAX_DEPTH = 8
MAX_ITEMS = 20
COMBINATORS = ("all", "any", "not")

_NUMERIC_OPS = frozenset({"equals", "not_equals", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists"})
_TEXT_OPS = frozenset({"equals", "not_equals", "in", "not_in", "starts_with", "exists"})
OPERATORS_BY_TYPE: dict[str, frozenset[str]] = {
    "integer": _NUMERIC_OPS,
    "number": _NUMERIC_OPS,
    "boolean": frozenset({"equals", "not_equals", "exists"}),
    "string": _TEXT_OPS,
    "partner_type": _TEXT_OPS,
    "partner_types": frozenset({"contains", "exists"}),
}
OPERATORS = (
    "equals", "not_equals", "gt", "gte", "lt", "lte", "between",
    "in", "not_in", "contains", "starts_with", "exists",
)
OPERATOR_SET = frozenset(OPERATORS)
TYPE_TEXT = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "string": "a string",
    "partner_type": "a partner type",
    "partner_types": "a list of partner types",
}


def escape(key: str) -> str:
    """A key as a JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def quote(text: object) -> str:
    text = str(text)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"
