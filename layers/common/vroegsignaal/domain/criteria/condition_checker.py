"""Validation of the conditions of one criteria document: every problem with its
JSON Pointer, the nesting limit checked on the way down (a document of a thousand
nested conditions is walked no deeper than MAX_DEPTH + 1)."""
from __future__ import annotations

from typing import Any

from vroegsignaal.domain.partners import PARTNER_TYPES

from .facts import FACT_TYPES
from .numbers import is_integer, is_number, scaled
from .operators import MAX_DEPTH, MAX_ITEMS, OPERATOR_SET, OPERATORS_BY_TYPE, TYPE_TEXT, escape, quote


class ConditionChecker:
    """Checks the conditions of one document; counts leaves over all of them."""

    def __init__(self, problems: list[dict[str, Any]]):
        self.problems = problems
        self.leaves = 0
        self.leaf_pointers: list[str] = []  # up to MAX_LEAVES + 1, for the error

    def problem(self, pointer: str, msg: str) -> None:
        self.problems.append({"pointer": pointer, "msg": msg})

    def check(self, node: object, pointer: str, depth: int = 1) -> None:
        if depth > MAX_DEPTH:
            # Reported at the first member over the limit, and not walked further: a
            # document of a thousand nested conditions is checked in constant depth.
            self.problem(pointer, f"conditions are nested deeper than {MAX_DEPTH} levels (a 'when' is level 1)")
            return
        if not isinstance(node, dict):
            self.problem(pointer, "a condition must be an object: all, any, not or a leaf with 'fact'")
            return
        kinds = [key for key in ("all", "any", "not", "fact") if key in node]
        if len(kinds) != 1:
            if kinds:
                self.problem(pointer, "a condition has exactly one of 'all', 'any', 'not' and 'fact', found "
                             + ", ".join(f"'{k}'" for k in kinds))
            elif any(key in OPERATOR_SET for key in node):
                self.problem(pointer + "/fact", "required")
            else:
                self.problem(pointer, "a condition must be all, any, not or a leaf with 'fact'")
            return
        kind = kinds[0]
        if kind == "fact":
            self._check_leaf(node, pointer)
            return
        for key in node:
            if key != kind:
                self.problem(f"{pointer}/{escape(key)}", f"unknown key {quote(key)}")
        inner = node[kind]
        inner_pointer = f"{pointer}/{kind}"
        if kind == "not":
            self.check(inner, inner_pointer, depth + 1)
            return
        if not isinstance(inner, list) or not 1 <= len(inner) <= MAX_ITEMS:
            self.problem(inner_pointer, f"must be a list of 1 to {MAX_ITEMS} conditions")
            if not isinstance(inner, list):
                return
        for index, item in enumerate(inner):
            self.check(item, f"{inner_pointer}/{index}", depth + 1)

    def _check_leaf(self, node: dict[str, Any], pointer: str) -> None:
        self.leaves += 1
        if len(self.leaf_pointers) <= 200:
            self.leaf_pointers.append(pointer)
        fact = node["fact"]
        fact_type = None
        if not isinstance(fact, str):
            self.problem(pointer + "/fact", "must be the name of a fact")
        elif fact not in FACT_TYPES:
            self.problem(pointer + "/fact", f"unknown fact {quote(fact)}")
        else:
            fact_type = FACT_TYPES[fact]
        operators = [key for key in node if key in OPERATOR_SET]
        others = [key for key in node if key != "fact" and key not in OPERATOR_SET]
        for key in others:
            what = "key" if operators else "operator"
            self.problem(f"{pointer}/{escape(key)}", f"unknown {what} {quote(key)}")
        if not operators:
            if not others:
                self.problem(pointer, "a leaf needs exactly one operator")
            return
        if len(operators) > 1:
            self.problem(pointer, "a leaf has exactly one operator, found " + ", ".join(f"'{k}'" for k in operators))
            return
        if fact_type is None:
            return
        op = operators[0]
        op_pointer = f"{pointer}/{op}"
        if op not in OPERATORS_BY_TYPE[fact_type]:
            self.problem(op_pointer, f"operator '{op}' does not apply to fact '{fact}' ({TYPE_TEXT[fact_type]})")
            return
        self._check_value(fact_type, op, node[op], op_pointer)

    def _check_value(self, fact_type: str, op: str, value: object, pointer: str) -> None:
        if op == "exists":
            if not isinstance(value, bool):
                self.problem(pointer, "must be true or false")
        elif op == "between":
            if not isinstance(value, list) or len(value) != 2:
                self.problem(pointer, "must be [low, high]")
                return
            ok = all([self._check_scalar(fact_type, item, f"{pointer}/{i}") for i, item in enumerate(value)])
            if ok and scaled(value[0], 1) > scaled(value[1], 1):
                self.problem(pointer, "must be [low, high] with low ≤ high")
        elif op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self.problem(pointer, "must be a non-empty list")
                return
            for i, item in enumerate(value):
                self._check_scalar(fact_type, item, f"{pointer}/{i}")
        elif op == "starts_with":
            if isinstance(value, str):
                return
            if not isinstance(value, list) or not value:
                self.problem(pointer, "must be a string or a non-empty list of strings")
                return
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    self.problem(f"{pointer}/{i}", "must be a string")
        elif op == "contains":
            self._check_scalar("partner_type", value, pointer)
        else:  # equals, not_equals, gt, gte, lt, lte
            self._check_scalar(fact_type, value, pointer)

    def _check_scalar(self, fact_type: str, value: object, pointer: str) -> bool:
        if fact_type == "integer":
            if not is_integer(value):
                self.problem(pointer, "must be a whole number")
                return False
        elif fact_type == "number":
            if not is_number(value):
                self.problem(pointer, "must be a number")
                return False
        elif fact_type == "boolean":
            if not isinstance(value, bool):
                self.problem(pointer, "must be true or false")
                return False
        elif fact_type == "string":
            if not isinstance(value, str):
                self.problem(pointer, "must be a string")
                return False
        elif fact_type == "partner_type":
            if not isinstance(value, str):
                self.problem(pointer, "must be a partner type: " + ", ".join(sorted(PARTNER_TYPES)))
                return False
            if value not in PARTNER_TYPES:
                self.problem(pointer, f"unknown partner type {quote(value)}")
                return False
        return True
