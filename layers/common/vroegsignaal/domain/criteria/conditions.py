"""Conditions of the afwegingskader: validate, compile, evaluate, explain.

A condition (criteria.md, "Conditions") is `{"all": [...]}`, `{"any": [...]}`,
`{"not": cond}` or a leaf `{"fact": NAME, OPERATOR: VALUE}`. It is validated
once (`check_condition`, every problem with its JSON Pointer) and compiled
once (`compile_condition`) into a node whose `test(facts) -> bool` is a chain
of closures over the `Facts` attributes: evaluating a case does no parsing and
no walking of the document. `node.explain(facts)` gives the same answer with
the statements about the facts that decide it, for the explanation.

An explanation is a list of true statements about the case that together
decide the outcome: for a leaf its fact's value (and the comparison), for an
`all` that held or an `any` that failed every part, for an `all` that failed
or an `any` that held the first part that decided it; a `not` passes on the
statements of its part (they state the facts, which is why the `not` holds
or fails).
"""
from __future__ import annotations

from operator import attrgetter

from vroegsignaal.domain.money import format_cents
from vroegsignaal.domain.partners import PARTNER_TYPES

from .facts import AMOUNT_ATTRS, FACT_ATTRS, FACT_TYPES
from .numbers import ceil_int, exact_int, floor_int, is_integer, is_number, number_text, scaled

MAX_DEPTH = 8
MAX_ITEMS = 20
COMBINATORS = ("all", "any", "not")

_NUMERIC_OPS = frozenset({"equals", "not_equals", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists"})
_TEXT_OPS = frozenset({"equals", "not_equals", "in", "not_in", "starts_with", "exists"})
OPERATORS_BY_TYPE: dict[str, frozenset] = {
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
_OPERATOR_SET = frozenset(OPERATORS)
_TYPE_TEXT = {
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


def _quote(text: object) -> str:
    text = str(text)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


# --------------------------------------------------------------------------
# validation


class ConditionChecker:
    """Checks the conditions of one document; counts leaves over all of them."""

    def __init__(self, problems: list[dict]):
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
            elif any(key in _OPERATOR_SET for key in node):
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
                self.problem(f"{pointer}/{escape(key)}", f"unknown key {_quote(key)}")
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

    def _check_leaf(self, node: dict, pointer: str) -> None:
        self.leaves += 1
        if len(self.leaf_pointers) <= 200:
            self.leaf_pointers.append(pointer)
        fact = node["fact"]
        fact_type = None
        if not isinstance(fact, str):
            self.problem(pointer + "/fact", "must be the name of a fact")
        elif fact not in FACT_TYPES:
            self.problem(pointer + "/fact", f"unknown fact {_quote(fact)}")
        else:
            fact_type = FACT_TYPES[fact]
        operators = [key for key in node if key in _OPERATOR_SET]
        others = [key for key in node if key != "fact" and key not in _OPERATOR_SET]
        for key in others:
            what = "key" if operators else "operator"
            self.problem(f"{pointer}/{escape(key)}", f"unknown {what} {_quote(key)}")
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
            self.problem(op_pointer, f"operator '{op}' does not apply to fact '{fact}' ({_TYPE_TEXT[fact_type]})")
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
                self.problem(pointer, f"unknown partner type {_quote(value)}")
                return False
        return True


# --------------------------------------------------------------------------
# compiled nodes

_SYMBOL = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _doc_text(value) -> str:
    """A value of the document as text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def _list_text(values) -> str:
    return "[" + ", ".join(_doc_text(v) for v in values) + "]"


def _formatter(fact: str):
    """value -> text for a fact's values."""
    if fact in AMOUNT_ATTRS:
        return format_cents
    if FACT_TYPES[fact] == "boolean":
        return {True: "true", False: "false"}.__getitem__
    if fact == "partner_types":
        return lambda value: "[" + ", ".join(value) + "]"
    return str


class Leaf:
    __slots__ = ("fact", "op", "value", "test", "_get", "_format", "_prefix", "_missing",
                 "_held", "_failed", "_special")

    def __init__(self, fact: str, op: str, value, test, texts: tuple[str | None, str | None]):
        self.fact = fact
        self.op = op
        self.value = value
        self.test = test
        self._get = attrgetter(FACT_ATTRS[fact])
        self._format = _formatter(fact)
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

    def explain(self, facts) -> tuple[bool, list[str]]:
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

    def __init__(self, parts: list):
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
            def test(f, tests=tests):
                for t in tests:
                    if not t(f):
                        return False
                return True
            self.test = test

    def explain(self, facts) -> tuple[bool, list[str]]:
        statements: list[str] = []
        for part in self.parts:
            held, texts = part.explain(facts)
            if not held:
                return False, texts
            statements.extend(texts)
        return True, statements


class Any:
    __slots__ = ("parts", "test")

    def __init__(self, parts: list):
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
            def test(f, tests=tests):
                for t in tests:
                    if t(f):
                        return True
                return False
            self.test = test

    def explain(self, facts) -> tuple[bool, list[str]]:
        statements: list[str] = []
        for part in self.parts:
            held, texts = part.explain(facts)
            if held:
                return True, texts
            statements.extend(texts)
        return False, statements


class Not:
    __slots__ = ("part", "test")

    def __init__(self, part):
        self.part = part
        inner = part.test
        self.test = lambda f: not inner(f)

    def explain(self, facts) -> tuple[bool, list[str]]:
        held, texts = self.part.explain(facts)
        return not held, texts


def compile_condition(node: dict):
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


def _never(f) -> bool:
    return False


def _compile_leaf(fact: str, fact_type: str, op: str, value):
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
        listed = _list_text(value)
        if op == "in":
            return (lambda f: get(f) in members), (f"in {listed}", f"not in {listed}")
        return (lambda f: (x := get(f)) is not None and x not in members), (f"not in {listed}", f"in {listed}")
    # starts_with
    prefixes = (value,) if isinstance(value, str) else tuple(value)
    shown = value if isinstance(value, str) else (prefixes[0] if len(prefixes) == 1 else _list_text(prefixes))
    return (lambda f: (x := get(f)) is not None and x.startswith(prefixes)), (
        f"starts with {shown}", f"does not start with {shown}")


def _compile_numeric(get, scale: int, op: str, value):
    """Integers and cents against document numbers, exactly (numbers.py)."""
    if op in _SYMBOL:
        symbol = _SYMBOL[op]
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
        t = exact_int(scaled(value, scale))
        shown = number_text(value)
        if op == "equals":
            if t is None:
                return _never, (None, f"≠ {shown}")
            return (lambda f: get(f) == t), (None, f"≠ {shown}")
        if t is None:
            return (lambda f: get(f) is not None), (f"≠ {shown}", None)
        return (lambda f: (x := get(f)) is not None and x != t), (f"≠ {shown}", None)
    # in, not_in
    members = frozenset(t for t in (exact_int(scaled(v, scale)) for v in value) if t is not None)
    listed = _list_text(value)
    if op == "in":
        return (lambda f: get(f) in members), (f"in {listed}", f"not in {listed}")
    return (lambda f: (x := get(f)) is not None and x not in members), (f"not in {listed}", f"in {listed}")
