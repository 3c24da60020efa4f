"""Conditions of the afwegingskader (criteria.md, "Conditions"): validate, compile,
evaluate, explain. One module per idea; import from here.

A condition is `{"all": [...]}`, `{"any": [...]}`, `{"not": cond}` or a leaf
`{"fact": NAME, OPERATOR: VALUE}`. It is validated once (`ConditionChecker`,
every problem with its JSON Pointer) and compiled once (`compile_condition`)
into a node with `test(facts) -> bool` and `explain(facts)`.
"""
from __future__ import annotations

from .compiled import All, Any, Leaf, Not, compile_condition
from .condition_checker import ConditionChecker
from .operators import COMBINATORS, MAX_DEPTH, MAX_ITEMS, OPERATORS, OPERATORS_BY_TYPE, escape

__all__ = [
    "COMBINATORS", "MAX_DEPTH", "MAX_ITEMS", "OPERATORS", "OPERATORS_BY_TYPE",
    "All", "Any", "ConditionChecker", "Leaf", "Not", "compile_condition", "escape",
]
