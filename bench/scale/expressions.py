"""DynamoDB expressions over items in the wire format ({"name": {"S": "..."}}):
conditions and filters, key conditions, projections and update expressions.

Parsed once per expression text (cached); names (#n) and values (:v) are
resolved when evaluated, as DynamoDB does. The grammar is DynamoDB's: OR, AND,
NOT, parentheses, = <> < <= > >=, BETWEEN, IN, attribute_exists,
attribute_not_exists, attribute_type, begins_with, contains, size; SET (with +,
-, if_not_exists, list_append), REMOVE, ADD and DELETE.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

Node = tuple[Any, ...]
Value = dict[str, Any]

_TOKEN = re.compile(r"\s*(?:(<>|<=|>=|[=<>(),.\[\]+\-])|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\d+))")
_KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"}


class ExpressionError(ValueError):
    """Not an expression DynamoDB would accept (a ValidationException)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ExpressionError(f"cannot parse expression at {text[position:position + 20]!r}")
        position = match.end()
        punct, name, value, word, number = match.groups()
        if punct:
            tokens.append(("op", punct))
        elif name:
            tokens.append(("name", name))
        elif value:
            tokens.append(("value", value))
        elif word:
            upper = word.upper()
            tokens.append(("kw", upper) if upper in _KEYWORDS else ("word", word))
        else:
            tokens.append(("num", number))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (text and token[1] != text):
            raise ExpressionError(f"expected {text or kind}, found {token}")
        self.i += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind and (text is None or token[1] == text)

    def done(self) -> None:
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()}")

    # ---- conditions

    def condition(self) -> Node:
        left = self.conjunction()
        while self.at("kw", "OR"):
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while self.at("kw", "AND"):
            self.take()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Node:
        if self.at("kw", "NOT"):
            self.take()
            return ("not", self.negation())
        return self.primary()

    def primary(self) -> Node:
        if self.at("op", "("):
            self.take()
            inner = self.condition()
            self.take("op", ")")
            return inner
        token = self.peek()
        if token and token[0] == "word" and token[1] != "size" and self.peek(1) == ("op", "("):
            name = self.take()[1]
            self.take("op", "(")
            args = [self.operand()]
            while self.at("op", ","):
                self.take()
                args.append(self.operand())
            self.take("op", ")")
            return ("func", name, args)
        left = self.operand()
        if self.at("kw", "BETWEEN"):
            self.take()
            low = self.operand()
            self.take("kw", "AND")
            return ("between", left, low, self.operand())
        if self.at("kw", "IN"):
            self.take()
            self.take("op", "(")
            options = [self.operand()]
            while self.at("op", ","):
                self.take()
                options.append(self.operand())
            self.take("op", ")")
            return ("in", left, options)
        op = self.take("op")[1]
        if op not in ("=", "<>", "<", "<=", ">", ">="):
            raise ExpressionError(f"unexpected {op}")
        return ("cmp", op, left, self.operand())

    def operand(self) -> Node:
        if self.at("value"):
            return ("value", self.take()[1])
        if self.at("word", "size") and self.peek(1) == ("op", "("):
            self.take()
            self.take("op", "(")
            path = self.path()
            self.take("op", ")")
            return ("size", path)
        return ("path", self.path())

    def path(self) -> Node:
        kind, text = self.take()
        if kind not in ("name", "word"):
            raise ExpressionError(f"expected an attribute, found {text}")
        parts: list[Any] = [text]
        while self.at("op", ".") or self.at("op", "["):
            if self.take()[1] == ".":
                kind, text = self.take()
                if kind not in ("name", "word"):
                    raise ExpressionError("expected an attribute after '.'")
                parts.append(text)
            else:
                parts.append(int(self.take("num")[1]))
                self.take("op", "]")
        return tuple(parts)

    # ---- updates

    def update(self) -> list[Node]:
        actions: list[Node] = []
        while self.peek() is not None:
            clause = self.take("kw")[1]
            while True:
                if clause == "SET":
                    path = self.path()
                    self.take("op", "=")
                    actions.append(("SET", path, self.set_value()))
                elif clause == "REMOVE":
                    actions.append(("REMOVE", self.path(), None))
                elif clause in ("ADD", "DELETE"):
                    path = self.path()
                    actions.append((clause, path, ("value", self.take("value")[1])))
                else:
                    raise ExpressionError(f"unknown clause {clause}")
                if not self.at("op", ","):
                    break
                self.take()
        return actions

    def set_value(self) -> Node:
        left = self.set_operand()
        if self.at("op", "+") or self.at("op", "-"):
            op = self.take()[1]
            return (op, left, self.set_operand())
        return left

    def set_operand(self) -> Node:
        token = self.peek()
        if token and token[0] == "word" and token[1] in ("if_not_exists", "list_append") \
                and self.peek(1) == ("op", "("):
            name = self.take()[1]
            self.take("op", "(")
            first = self.set_operand()
            self.take("op", ",")
            second = self.set_operand()
            self.take("op", ")")
            return (name, first, second)
        return self.operand()


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Node:
    parser = _Parser(text)
    tree = parser.condition()
    parser.done()
    return tree


@lru_cache(maxsize=1024)
def parse_update(text: str) -> list[Node]:
    parser = _Parser(text)
    return parser.update()


@lru_cache(maxsize=1024)
def parse_projection(text: str) -> list[Node]:
    parser = _Parser(text)
    paths = [parser.path()]
    while parser.at("op", ","):
        parser.take()
        paths.append(parser.path())
    parser.done()
    return paths


# --------------------------------------------------------------------------- evaluation


class Context:
    def __init__(self, names: dict[str, str] | None, values: dict[str, Any] | None):
        self.names = names or {}
        self.values = values or {}

    def name(self, part: Any) -> Any:
        if isinstance(part, str) and part.startswith("#"):
            if part not in self.names:
                raise ExpressionError(f"name {part} is not defined")
            return self.names[part]
        return part

    def value(self, placeholder: str) -> Value:
        if placeholder not in self.values:
            raise ExpressionError(f"value {placeholder} is not defined")
        value: Value = self.values[placeholder]
        return value


def _resolve(item: dict[str, Any], path: Node, ctx: Context) -> Value | None:
    current: Any = item.get(ctx.name(path[0]))
    for part in path[1:]:
        if current is None:
            return None
        if isinstance(part, int):
            items = current.get("L")
            current = items[part] if items is not None and part < len(items) else None
        else:
            members = current.get("M")
            current = members.get(ctx.name(part)) if members is not None else None
    return current if isinstance(current, dict) else None


def _operand(item: dict[str, Any], node: Node, ctx: Context) -> Value | None:
    kind = node[0]
    if kind == "value":
        return ctx.value(node[1])
    if kind == "path":
        return _resolve(item, node[1], ctx)
    if kind == "size":
        value = _resolve(item, node[1], ctx)
        if value is None:
            return None
        (vtype, body), = value.items()
        length = len(body.encode("utf-8")) if vtype == "S" else len(body)
        return {"N": str(length)}
    raise ExpressionError(f"unexpected operand {node}")


def _comparable(value: Value) -> tuple[str, Any]:
    (kind, body), = value.items()
    if kind == "N":
        return kind, Decimal(body)
    if kind in ("SS", "BS"):
        return kind, frozenset(body)
    if kind == "NS":
        return kind, frozenset(Decimal(n) for n in body)
    return kind, body


def _equal(a: Value | None, b: Value | None) -> bool:
    return a is not None and b is not None and _comparable(a) == _comparable(b)


def _compare(op: str, a: Value | None, b: Value | None) -> bool:
    if op == "=":
        return _equal(a, b)
    if op == "<>":
        return not _equal(a, b)
    if a is None or b is None:
        return False
    (ka, va), (kb, vb) = _comparable(a), _comparable(b)
    if ka != kb or ka not in ("S", "N", "B"):
        return False
    return bool({"<": va < vb, "<=": va <= vb, ">": va > vb, ">=": va >= vb}[op])


def evaluate(tree: Node, item: dict[str, Any] | None, ctx: Context) -> bool:
    item = item or {}
    kind = tree[0]
    if kind == "or":
        return evaluate(tree[1], item, ctx) or evaluate(tree[2], item, ctx)
    if kind == "and":
        return evaluate(tree[1], item, ctx) and evaluate(tree[2], item, ctx)
    if kind == "not":
        return not evaluate(tree[1], item, ctx)
    if kind == "cmp":
        return _compare(tree[1], _operand(item, tree[2], ctx), _operand(item, tree[3], ctx))
    if kind == "between":
        value = _operand(item, tree[1], ctx)
        return _compare(">=", value, _operand(item, tree[2], ctx)) and _compare("<=", value, _operand(item, tree[3], ctx))
    if kind == "in":
        value = _operand(item, tree[1], ctx)
        return any(_equal(value, _operand(item, option, ctx)) for option in tree[2])
    if kind == "func":
        return _function(tree[1], tree[2], item, ctx)
    raise ExpressionError(f"unexpected node {tree}")


def _function(name: str, args: list[Node], item: dict[str, Any], ctx: Context) -> bool:
    if name == "attribute_exists":
        return _operand(item, args[0], ctx) is not None
    if name == "attribute_not_exists":
        return _operand(item, args[0], ctx) is None
    if name == "attribute_type":
        value = _operand(item, args[0], ctx)
        return value is not None and next(iter(value)) == ctx.value(args[1][1])["S"]
    if name == "begins_with":
        value, prefix = _operand(item, args[0], ctx), _operand(item, args[1], ctx)
        if value is None or prefix is None:
            return False
        (kind, body), = value.items()
        (pkind, pbody), = prefix.items()
        return bool(kind == pkind and kind in ("S", "B") and body.startswith(pbody))
    if name == "contains":
        value, member = _operand(item, args[0], ctx), _operand(item, args[1], ctx)
        if value is None or member is None:
            return False
        (kind, body), = value.items()
        (mkind, mbody), = member.items()
        if kind == "S":
            return bool(mkind == "S" and mbody in body)
        if kind in ("SS", "NS", "BS"):
            return bool(mbody in body)
        if kind == "L":
            return any(_equal(element, member) for element in body)
        return False
    raise ExpressionError(f"unknown function {name}")


def key_condition(text: str, ctx: Context, hash_attr: str,
                  range_attr: str | None) -> tuple[Value, Callable[[Value], bool]]:
    """(hash value, range test) of a KeyConditionExpression; the range test is a
    function of a sort key string, or None for the whole partition."""
    tree = parse_condition(text)
    parts: list[Node] = []

    def flatten(node: Node) -> None:
        if node[0] == "and":
            flatten(node[1])
            flatten(node[2])
        else:
            parts.append(node)

    flatten(tree)
    hash_value, range_test = None, None
    for part in parts:
        if part[0] == "cmp" and part[1] == "=" and part[2][0] == "path" and ctx.name(part[2][1][0]) == hash_attr:
            hash_value = ctx.value(part[3][1])
            continue
        if part[0] == "func" and part[1] == "begins_with":
            attr = ctx.name(part[2][0][1][0])
        elif part[0] in ("cmp", "between"):
            attr = ctx.name(part[2][1][0]) if part[0] == "cmp" else ctx.name(part[1][1][0])
        else:
            raise ExpressionError("unsupported key condition")
        if attr != range_attr or range_test is not None:
            raise ExpressionError("a key condition names the partition key once and the sort key at most once")
        range_test = part
    if hash_value is None:
        raise ExpressionError("the key condition must name the partition key with =")

    def test(sort_value: Value) -> bool:
        return evaluate(range_test, {str(range_attr): sort_value}, ctx) if range_test else True

    return hash_value, test


def project(item: dict[str, Any], text: str, names: dict[str, str] | None) -> dict[str, Any]:
    """The attributes a ProjectionExpression names (top-level attributes of nested paths whole)."""
    ctx = Context(names, None)
    wanted = {ctx.name(path[0]) for path in parse_projection(text)}
    return {name: value for name, value in item.items() if name in wanted}


# --------------------------------------------------------------------------- updates


def _number(value: Value) -> Decimal:
    if "N" not in value:
        raise ExpressionError("an arithmetic operand is not a number")
    return Decimal(value["N"])


def _format(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _set_value(item: dict[str, Any], node: Node, ctx: Context) -> Value:
    kind = node[0]
    if kind in ("+", "-"):
        left, right = _number(_set_value(item, node[1], ctx)), _number(_set_value(item, node[2], ctx))
        return {"N": _format(left + right if kind == "+" else left - right)}
    if kind == "if_not_exists":
        existing = _resolve(item, node[1][1], ctx)
        return existing if existing is not None else _set_value(item, node[2], ctx)
    if kind == "list_append":
        a, b = _set_value(item, node[1], ctx), _set_value(item, node[2], ctx)
        return {"L": [*a["L"], *b["L"]]}
    value = _operand(item, node, ctx)
    if value is None:
        raise ExpressionError("an update names an attribute that does not exist")
    return value


def _container(item: dict[str, Any], path: Node, ctx: Context) -> tuple[Any, Any]:
    """The map or list holding the last part of the path, and that part."""
    if len(path) == 1:
        return item, ctx.name(path[0])
    parent = _resolve(item, path[:-1], ctx)
    if parent is None:
        raise ExpressionError("the document path of an update does not exist")
    last = path[-1]
    return (parent["L"] if isinstance(last, int) else parent["M"]), (last if isinstance(last, int) else ctx.name(last))


def apply_update(item: dict[str, Any], text: str, ctx: Context) -> tuple[dict[str, Any], set[str]]:
    """The item after the update expression, and the top-level attributes it touched."""
    new = copy.deepcopy(item)
    touched: set[str] = set()
    for action, path, operand in parse_update(text):
        touched.add(ctx.name(path[0]))
        container, last = _container(new, path, ctx)
        if action == "SET":
            value = _set_value(new, operand, ctx)
            if isinstance(last, int) and last >= len(container):
                container.append(value)
            else:
                container[last] = value
        elif action == "REMOVE":
            if isinstance(last, int):
                if last < len(container):
                    del container[last]
            else:
                container.pop(last, None)
        elif action == "ADD":
            value = ctx.value(operand[1])
            existing = container[last] if (isinstance(last, int) and last < len(container)) or \
                (not isinstance(last, int) and last in container) else None
            if "N" in value:
                base = _number(existing) if existing is not None else Decimal(0)
                container[last] = {"N": _format(base + _number(value))}
            else:
                (kind, members), = value.items()
                current = list(existing[kind]) if existing is not None else []
                container[last] = {kind: current + [m for m in members if m not in current]}
        elif action == "DELETE":
            value = ctx.value(operand[1])
            (kind, members), = value.items()
            if not isinstance(last, int) and last in container:
                remaining = [m for m in container[last][kind] if m not in members]
                if remaining:
                    container[last] = {kind: remaining}
                else:
                    del container[last]
    return new, touched
