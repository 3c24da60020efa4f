"""Lambda event filtering (FilterCriteria): EventBridge patterns on the Lambda-shaped record.

Records that match no filter are dropped (stream) or deleted (SQS) without an
invocation; without filters every record is delivered.
"""
from __future__ import annotations

import fnmatch
import json
from typing import Any

_MISSING = object()


def compile_filters(filter_criteria: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The JSON patterns of an event's FilterCriteria."""
    patterns = []
    for item in (filter_criteria or {}).get("Filters") or []:
        pattern = item.get("Pattern")
        patterns.append(json.loads(pattern) if isinstance(pattern, str) else pattern)
    return patterns


def passes_filters(patterns: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """Lambda delivers a record that matches any filter (all, without filters)."""
    return not patterns or any(matches_pattern(pattern, record) for pattern in patterns)


def matches_pattern(pattern: dict[str, Any], event: Any) -> bool:
    """EventBridge pattern matching, as Lambda event filtering uses it: every key of the
    pattern must match; a list holds the allowed values or comparisons; a dict nests."""
    for key, rule in pattern.items():
        if key == "$or":
            if not any(matches_pattern(option, event) for option in rule):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(rule, dict):
            if not isinstance(value, dict) or not matches_pattern(rule, value):
                return False
        elif isinstance(rule, list):
            if not _matches_any(rule, value):
                return False
        else:
            raise ValueError(f"invalid filter pattern at {key!r}: {rule!r} (values must be in a list)")
    return True


def _matches_any(rules: list[Any], value: Any) -> bool:
    present = value is not _MISSING
    values = value if isinstance(value, list) else [value]
    for rule in rules:
        if isinstance(rule, dict) and "exists" in rule:
            if bool(rule["exists"]) == (present and not isinstance(value, dict)):
                return True
        elif present and any(_matches_one(rule, item) for item in values):
            return True
    return False


def _matches_one(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return _equal(rule, value)
    (operator, argument), = rule.items()
    if operator == "prefix":
        if isinstance(argument, dict):  # {"prefix": {"equals-ignore-case": "..."}}
            return isinstance(value, str) and value.lower().startswith(argument["equals-ignore-case"].lower())
        return isinstance(value, str) and value.startswith(argument)
    if operator == "suffix":
        if isinstance(argument, dict):
            return isinstance(value, str) and value.lower().endswith(argument["equals-ignore-case"].lower())
        return isinstance(value, str) and value.endswith(argument)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == argument.lower()
    if operator == "wildcard":
        return isinstance(value, str) and fnmatch.fnmatchcase(value, argument)
    if operator == "anything-but":
        if isinstance(argument, dict):
            return not _matches_one(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_equal(item, value) for item in excluded)
    if operator == "numeric":
        return _numeric(argument, value)
    raise ValueError(f"filter operator {operator!r} is not supported by the local stack")


def _equal(expected: Any, value: Any) -> bool:
    if expected is None or value is None:
        return expected is value
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool) and expected == value
    if isinstance(expected, (int, float)) and isinstance(value, (int, float)):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _numeric(conditions: list[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    compare = {"=": float.__eq__, "<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}
    pairs = zip(conditions[::2], conditions[1::2], strict=False)
    return all(compare[operator](float(value), float(bound)) for operator, bound in pairs)

