"""Compiled conditions: a validated condition becomes a node whose `test(facts)`
is a chain of closures over the `Facts` attributes (no parsing, no walking of the
document when a case is classified), and whose `explain(facts)` gives the same
answer with the statements about the facts that decide it.

An explanation is a list of true statements about the case that together
decide the outcome: for a leaf its fact's value (and the comparison), for an
`all` that held or an `any` that failed every part, for an `all` that failed
or an `any` that held the first part that decided it; a `not` passes on the
statements of its part (they state the facts, which is why the `not` holds
or fails).
"""
from __future__ import annotations

import typing
from collections.abc import Callable
from operator import attrgetter
from typing import Protocol

from vroegsignaal.domain.money import format_cents

from .explanation_text import SYMBOL, formatter, list_text
from .facts import AMOUNT_ATTRS, FACT_ATTRS, FACT_TYPES
from .numbers import ceil_int, exact_int, floor_int, number_text, scaled

Facts = typing.Any  # the engine's Facts (facts.py), read by attribute
Value = typing.Any  # a value of the (validated) document
Test = Callable[[Facts], bool]
Texts = tuple[str | None, str | None]  # what follows "fact = value" when a leaf holds / fails
Getter = Callable[[Facts], typing.Any]


class Node(Protocol):
    test: Test

    def explain(self, facts: Facts) -> tuple[bool, list[str]]: ...


class Leaf:
    __slots__ = ("fact", "op", "value", "test", "_get", "_format", "_prefix", "_missing",
                 "_held", "_failed", "_special")

    def __init__(self, fact: str, op: str, value: Value, test: Test, texts: Texts):
        self.fact = fact
        self.op = op
        self.value = value
        self.test = test
        self._get = attrgetter(FACT_ATTRS[fact])
        self._format = formatter(fact)
        self._prefix = f"{fact} = "
        self._missing = f"{fact} has no value"
        # what follows "fact = value" when the leaf holds / fails
        self._held = f" ({texts[0]})" if texts[0] else ""
        self._failed = f" ({texts[1]})" if texts[1] else ""
        if fact == "high_amount":
            self._special = 1
        elif op == "starts_with" and isinstance(value, list) and len(value) > 1:
            self._special = 2
        else:
            self._special = 0

    def explain(self, facts: Facts) -> tuple[bool, list[str]]:
        held = self.test(facts)
        value = self._get(facts)
        if value is None:
            return held, [self._missing]
        text = self._prefix + self._format(value)
        if self._special:
            if self._special == 1:
                if value is True and facts.high_amount_trigger:
                    partner_type, cents, limit = facts.high_amount_trigger
                    return held, [f"{text} ({partner_type} {format_cents(cents)} ≥ {limit})"]
            elif held:
                prefix = next(p for p in self.value if value.startswith(p))
                return held, [f"{text} (starts with {prefix})"]
        return held, [text + (self._held if held else self._failed)]


class All:
    __slots__ = ("parts", "test")
    test: Test

    def __init__(self, parts: list[Node]):
        self.parts = parts
        tests = tuple(part.test for part in parts)
        if len(tests) == 1:
            self.test = tests[0]
        elif len(tests) == 2:
            a, b = tests
            self.test = lambda f: a(f) and b(f)
        elif len(tests) == 3:
            a, b, c = tests
            self.test = lambda f: a(f) and b(f) and c(f)
        else:
            def test(f: Facts, tests: tuple[Test, ...] = tests) -> bool:
                for t in tests:  # noqa: SIM110 - a loop beats all() over a generator on this hot path
                    if not t(f):
                        return False
                return True
            self.test = test

    def explain(self, facts: Facts) -> tuple[bool, list[str]]:
        statements: list[str] = []
        for part in self.parts:
            held, texts = part.explain(facts)
            if not held:
                return False, texts
            statements.extend(texts)
        return True, statements


class Any:
    __slots__ = ("parts", "test")
    test: Test

    def __init__(self, parts: list[Node]):
        self.parts = parts
        tests = tuple(part.test for part in parts)
        if len(tests) == 1:
            self.test = tests[0]
        elif len(tests) == 2:
            a, b = tests
            self.test = lambda f: a(f) or b(f)
        elif len(tests) == 3:
            a, b, c = tests
            self.test = lambda f: a(f) or b(f) or c(f)
        else:
            def test(f: Facts, tests: tuple[Test, ...] = tests) -> bool:
                for t in tests:  # noqa: SIM110 - a loop beats any() over a generator on this hot path
                    if t(f):
                        return True
                return False
            self.test = test

    def explain(self, facts: Facts) -> tuple[bool, list[str]]:
        statements: list[str] = []
        for part in self.parts:
            held, texts = part.explain(facts)
            if held:
                return True, texts
            statements.extend(texts)
        return False, statements


class Not:
    __slots__ = ("part", "test")
    test: Test

    def __init__(self, part: Node):
        self.part = part
        inner = part.test
        self.test = lambda f: not inner(f)

    def explain(self, facts: Facts) -> tuple[bool, list[str]]:
        held, texts = self.part.explain(facts)
        return not held, texts


def compile_condition(node: dict[str, Value]) -> Node:
    """A validated condition -> a compiled node with `test` and `explain`."""
    if "all" in node:
        return All([compile_condition(part) for part in node["all"]])
    if "any" in node:
        return Any([compile_condition(part) for part in node["any"]])
    if "not" in node:
        return Not(compile_condition(node["not"]))
    fact = node["fact"]
    (op,) = [key for key in node if key != "fact"]
    value = node[op]
    test, texts = _compile_leaf(fact, FACT_TYPES[fact], op, value)
    return Leaf(fact, op, value, test, texts)


def _never(f: Facts) -> bool:
    return False


def _compile_leaf(fact: str, fact_type: str, op: str, value: Value) -> tuple[Test, Texts]:
    get = attrgetter(FACT_ATTRS[fact])
    if op == "exists":
        if value:
            return (lambda f: get(f) is not None), (None, None)
        return (lambda f: get(f) is None), (None, None)

    if fact_type == "boolean":
        # equals true / not_equals false hold on true; the value says it all
        want = value if op == "equals" else not value
        if want:
            return (lambda f: get(f) is True), (None, None)
        return (lambda f: get(f) is False), (None, None)

    if fact_type in ("integer", "number"):
        return _compile_numeric(get, 100 if fact in AMOUNT_ATTRS else 1, op, value)

    if fact_type == "partner_types":  # contains
        return (lambda f: (x := get(f)) is not None and value in x), (
            f"contains {value}", f"does not contain {value}")

    # string, partner_type
    if op == "equals":
        return (lambda f: get(f) == value), (None, f"≠ {value}")
    if op == "not_equals":
        return (lambda f: (x := get(f)) is not None and x != value), (f"≠ {value}", None)
    if op in ("in", "not_in"):
        members = frozenset(value)
        listed = list_text(value)
        if op == "in":
            return (lambda f: get(f) in members), (f"in {listed}", f"not in {listed}")
        return (lambda f: (x := get(f)) is not None and x not in members), (f"not in {listed}", f"in {listed}")
    # starts_with
    prefixes = (value,) if isinstance(value, str) else tuple(value)
    shown = value if isinstance(value, str) else (prefixes[0] if len(prefixes) == 1 else list_text(prefixes))
    return (lambda f: (x := get(f)) is not None and x.startswith(prefixes)), (
        f"starts with {shown}", f"does not start with {shown}")


def _compile_numeric(get: Getter, scale: int, op: str, value: Value) -> tuple[Test, Texts]:
    """Integers and cents against document numbers, exactly (numbers.py)."""
    if op in SYMBOL:
        symbol = SYMBOL[op]
        shown = f"{symbol} {number_text(value)}"
        texts = (shown, f"not {shown}")
        exact = scaled(value, scale)
        if op == "gt":
            t = floor_int(exact)
            return (lambda f: (x := get(f)) is not None and x > t), texts
        if op == "gte":
            t = ceil_int(exact)
            return (lambda f: (x := get(f)) is not None and x >= t), texts
        if op == "lt":
            t = ceil_int(exact)
            return (lambda f: (x := get(f)) is not None and x < t), texts
        t = floor_int(exact)
        return (lambda f: (x := get(f)) is not None and x <= t), texts
    if op == "between":
        low, high = value
        lo, hi = ceil_int(scaled(low, scale)), floor_int(scaled(high, scale))
        shown = f"between {number_text(low)} and {number_text(high)}"
        return (lambda f: (x := get(f)) is not None and lo <= x <= hi), (shown, f"not {shown}")
    if op in ("equals", "not_equals"):
        whole = exact_int(scaled(value, scale))
        shown = number_text(value)
        if op == "equals":
            if whole is None:
                return _never, (None, f"≠ {shown}")
            return (lambda f: get(f) == whole), (None, f"≠ {shown}")
        if whole is None:
            return (lambda f: get(f) is not None), (f"≠ {shown}", None)
        return (lambda f: (x := get(f)) is not None and x != whole), (f"≠ {shown}", None)
    # in, not_in
    members = frozenset(m for m in (exact_int(scaled(v, scale)) for v in value) if m is not None)
    listed = list_text(value)
    if op == "in":
        return (lambda f: get(f) in members), (f"in {listed}", f"not in {listed}")
    return (lambda f: (x := get(f)) is not None and x not in members), (f"not in {listed}", f"in {listed}")
