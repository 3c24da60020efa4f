"""The Jinja2 sandbox that renders municipalities' templates, and its bounds.

A template is code written by a municipality, run for every letter. Jinja2's
`ImmutableSandboxedEnvironment` keeps it away from Python internals and from
changing lists and dicts; on top of that every render is bounded:

- in time: a deadline (RENDER_SECONDS) checked on every loop iteration (each
  `{% for %}` iterates through `guarded_iter`), call, operator, filter and
  piece of output;
- in memory: no string or list a template builds, and no block it buffers
  (`{% set %}…{% endset %}`, macros, `{% filter %}`), may hold more than
  VALUE_MAX_CHARS; `~`, `*`, `+`, `%`, `**`, the filters and literals are
  checked before they allocate, numbers are kept below INT_MAX_BITS;
- at compile time too: nothing a template says is evaluated while it is
  compiled. Jinja2 folds constant expressions then (which is how
  `{% if false %}{{ 9 ** 30000000 }}{% endif %}` used to cost a minute of
  CPU): the sandbox's intercepted operators are never folded, and every filter
  takes the render context, which Jinja2 cannot fold either.

A bound exceeded raises `TemplateLimit`, whose message names the bound and
never a value. jinja2 is imported only when a template is compiled.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

TEMPLATE_MAX_CHARS = 20_000
# A rendered letter longer than this is a runaway template (about 15 pages).
RENDERED_MAX_CHARS = 50_000
# Any text or list a template builds (counting the items of nested lists).
VALUE_MAX_CHARS = RENDERED_MAX_CHARS
# About 3 000 digits: letters print amounts, not big numbers.
INT_MAX_BITS = 10_000
# `range()` inside a template; letters never need long loops.
RANGE_MAX = 1_000
# A letter renders in milliseconds; a template that takes longer loops on purpose.
RENDER_SECONDS = 0.5

# str methods that build a longer text: the filters (which are bounded) do the same.
_GROWING_STR_METHODS = frozenset({
    "center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join",
    "format", "format_map", "translate", "encode", "maketrans",
})
# %-format specs: "%s", "%-20s", "%(name)08.3f", "%*d"
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")

_deadline: ContextVar[float | None] = ContextVar("letter_render_deadline", default=None)
_clock: Callable[[], float] = time.monotonic


class TemplateLimit(Exception):
    """A template exceeded a bound. The message names the bound, never a value."""


# --------------------------------------------------------------------------- bounds


def check_time() -> None:
    deadline = _deadline.get()
    if deadline is not None and _clock() > deadline:
        raise TemplateLimit(f"the letter takes longer than {RENDER_SECONDS} s to render")


def weight(value: Any, limit: int = VALUE_MAX_CHARS) -> int:
    """The size of a value as the characters and items it holds, nested lists,
    dicts and namespaces included; counting stops just past `limit`, so it
    costs at most `limit` steps (and ends on a namespace that holds itself)."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += max(len(item), 1)
        elif isinstance(item, Mapping):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)) or type(item).__name__ in (
                "dict_keys", "dict_values", "dict_items"):
            total += 1
            stack.extend(item)
        elif type(item).__name__ == "Namespace" and type(item).__module__.startswith("jinja2"):
            total += 1
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        else:
            total += 1
    return total


def checked(value: Any, what: str = "a value") -> Any:
    """The value, if it is within the bounds."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > INT_MAX_BITS:
            raise TemplateLimit(f"{what} is too large (more than {INT_MAX_BITS} bits)")
        return value
    if not isinstance(value, (int, float, bool)) and weight(value) > VALUE_MAX_CHARS:
        raise TemplateLimit(f"{what} is too long (more than {VALUE_MAX_CHARS} characters)")
    return value


def _too_long(what: str) -> TemplateLimit:
    return TemplateLimit(f"{what} is too long (more than {VALUE_MAX_CHARS} characters)")


def _percent_size(template: str, arguments: Any) -> int:
    """An upper bound of the length of `template % arguments`."""
    widths = []
    for star_or_width, precision in _PERCENT_SPEC.findall(template):
        if "*" in (star_or_width, precision):
            raise TemplateLimit("a * width in a %-format is not allowed")
        widths.append(max(int(star_or_width or 0), int(precision or 0)))
    if isinstance(arguments, Mapping):
        values = list(arguments.values())
    elif isinstance(arguments, tuple):
        values = list(arguments)
    else:
        values = [arguments]
    longest = max((len(str(value)) for value in values), default=0)
    return len(template) + len(widths) * (max(widths, default=0) + longest)


class GuardedRange:
    """What `range()` gives a template: a range (length, index, repr) whose
    iteration checks the deadline per item."""

    def __init__(self, values: range):
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[int]:
        return guarded_iter(self._values)

    def __getitem__(self, index: int) -> int:
        return self._values[index]

    def __repr__(self) -> str:
        return repr(self._values)


def guarded_range(*args: int) -> GuardedRange:
    values = range(*args)
    if len(values) > RANGE_MAX:
        raise TemplateLimit(f"range() is limited to {RANGE_MAX} items")
    return GuardedRange(values)


def guarded_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    """What every `{% for %}` iterates: the deadline is checked per item."""
    check_time()
    for item in iterable:
        check_time()
        yield item


def guarded_tilde(*values: Any) -> str:
    """`a ~ b`, refused before it is built when the result would be too long."""
    check_time()
    pieces = [str(value) for value in values]
    if sum(len(piece) for piece in pieces) > VALUE_MAX_CHARS:
        raise _too_long("the result of ~")
    return "".join(pieces)


def guarded_literal(value: Any) -> Any:
    """A list, tuple or dict written in the template, e.g. `[s, s, s]`."""
    return checked(value, "a list or dict")


def guarded_concat(pieces: Iterable[str]) -> str:
    """Jinja2 joins buffered output (`{% set %}` blocks, macros, `{% filter %}`)
    with `environment.concat`: this one stops at the bound."""
    kept: list[str] = []
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > RENDERED_MAX_CHARS:
            raise _too_long("a block of the template")
        kept.append(piece)
    check_time()
    return "".join(kept)


def guarded_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse `left <operator> right` before it is computed when the result would
    exceed a bound."""
    numbers = all(isinstance(side, int) and not isinstance(side, bool) for side in (left, right))
    if operator == "**" and numbers:
        if right > 0 and abs(left) > 1 and abs(left).bit_length() * right > INT_MAX_BITS:
            raise TemplateLimit(f"the result of ** is too large (more than {INT_MAX_BITS} bits)")
    elif operator == "*":
        if numbers and left.bit_length() + right.bit_length() > INT_MAX_BITS:
            raise TemplateLimit(f"the result of * is too large (more than {INT_MAX_BITS} bits)")
        for sequence, times in ((left, right), (right, left)):
            if (isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                    and max(weight(sequence), 1) * times > VALUE_MAX_CHARS):
                raise _too_long("the result of *")
    elif operator == "+":
        if (isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple))
                and weight(left) + weight(right) > VALUE_MAX_CHARS):
            raise _too_long("the result of +")
    elif operator == "%" and isinstance(left, str) and _percent_size(left, right) > VALUE_MAX_CHARS:
        raise _too_long("the result of %")


# The filters that can make a value much longer than their input, and how long at most.
def _center_size(value: Any, width: Any = 80, *_: Any, **__: Any) -> int:
    return max(len(str(value)), width if isinstance(width, int) else 0)


def _indent_size(value: Any, width: Any = 4, *_: Any, **__: Any) -> int:
    text = str(value)
    step = width if isinstance(width, int) else len(str(width))
    return len(text) + (text.count("\n") + 1) * max(step, 0)


def _wordwrap_size(value: Any, width: Any = 79, break_long_words: Any = True,
                   wrapstring: Any = None, *_: Any, **kwargs: Any) -> int:
    text = str(value)
    separator = kwargs.get("wrapstring", wrapstring)
    width = kwargs.get("width", width)
    lines = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count(" ") + text.count("\n") + 1
    return len(text) + lines * len(str(separator) if separator is not None else "\n")


def _replace_size(value: Any, old: Any = "", new: Any = "", count: Any = None, *_: Any, **__: Any) -> int:
    text, old_text, new_text = str(value), str(old), str(new)
    times = text.count(old_text) if old_text else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * max(len(new_text) - len(old_text), 0)


def _format_size(value: Any, *args: Any, **kwargs: Any) -> int:
    return _percent_size(str(value), kwargs or tuple(args))


def _count_size(value: Any, count: Any = 1, *_: Any, **__: Any) -> int:
    return count if isinstance(count, int) else 0


_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": _center_size,
    "indent": _indent_size,
    "wordwrap": _wordwrap_size,
    "replace": _replace_size,
    "format": _format_size,
    "batch": _count_size,   # fills the last batch up to that many items
    "slice": _count_size,   # that many slices
}
# Not needed in a letter, and each turns a value into a text many times its size.
_LEFT_OUT_FILTERS = frozenset({"pprint", "tojson", "xmlattr", "urlize", "filesizeformat"})


def guarded_join(value: Iterable[Any], separator: Any = "", attribute: Any = None) -> str:
    """The `join` filter, stopping at the bound while it joins."""
    items: Iterable[Any] = value
    if attribute is not None:
        from jinja2.filters import make_attrgetter

        items = map(make_attrgetter(environment(), attribute), value)
    joint = str(separator)
    pieces: list[str] = []
    total = 0
    for item in items:
        check_time()
        piece = str(item)
        total += len(piece) + len(joint)
        if total > VALUE_MAX_CHARS:
            raise _too_long("the result of |join")
        pieces.append(piece)
    return joint.join(pieces)


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """The filter, with the deadline and the bounds checked around it. It takes
    the render context, so Jinja2 never runs it while compiling."""
    from jinja2 import pass_context

    passes = getattr(getattr(function, "jinja_pass_arg", None), "name", None)
    size_of = _FILTER_SIZES.get(name)

    @pass_context
    def guarded(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        check_time()
        if size_of is not None and size_of(value, *args, **kwargs) > VALUE_MAX_CHARS:
            raise _too_long(f"the result of |{name}")
        if passes == "context":
            result = function(context, value, *args, **kwargs)
        elif passes == "eval_context":
            result = function(context.eval_ctx, value, *args, **kwargs)
        elif passes == "environment":
            result = function(context.environment, value, *args, **kwargs)
        else:
            result = function(value, *args, **kwargs)
        return checked(result, f"the result of |{name}")

    return guarded


# --------------------------------------------------------------------------- environment


@lru_cache(maxsize=1)
def environment() -> Any:
    """The one sandbox every template is compiled in (also for checks)."""
    from jinja2 import StrictUndefined, nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    class Guards(NodeTransformer):
        """Rewrites the parsed template so that loops, `~` and literals pass
        through the guards (nothing of it is evaluated here)."""

        @staticmethod
        def _call(name: str, args: list[Any], lineno: int) -> Any:
            call = nodes.Call(nodes.EnvironmentAttribute(name), args, [], None, None, lineno=lineno)
            return call.set_lineno(lineno)

        def visit_For(self, node: Any) -> Any:
            self.generic_visit(node)
            node.iter = self._call("guarded_iter", [node.iter], node.lineno)
            return node

        def visit_Concat(self, node: Any) -> Any:
            self.generic_visit(node)
            return self._call("guarded_tilde", list(node.nodes), node.lineno)

        def visit_List(self, node: Any) -> Any:
            self.generic_visit(node)
            return self._call("guarded_literal", [node], node.lineno)

        visit_Dict = visit_List

        def visit_Tuple(self, node: Any) -> Any:
            self.generic_visit(node)
            return self._call("guarded_literal", [node], node.lineno) if node.ctx == "load" else node

    class LetterSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        concat = staticmethod(guarded_concat)
        guarded_iter = staticmethod(guarded_iter)
        guarded_tilde = staticmethod(guarded_tilde)
        guarded_literal = staticmethod(guarded_literal)

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = Guards().visit(super()._parse(source, name, filename))
            tree.set_environment(self)
            return tree

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, str) and attr in _GROWING_STR_METHODS:
                return False
            return bool(super().is_safe_attribute(obj, attr, value))

        def wrap_str_format(self, value: Any) -> None:
            # Jinja2 hands out a sandboxed str.format before asking is_safe_attribute;
            # its width ({:>99999999}) is not bounded: format is refused with the others.
            return None

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            check_time()
            guarded_binop(operator, left, right)
            return checked(super().call_binop(context, operator, left, right), f"the result of {operator}")

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            check_time()
            return checked(super().call(__context, __obj, *args, **kwargs), "the result of a call")

    env = LetterSandbox(
        undefined=StrictUndefined,
        autoescape=False,          # plain text, not HTML
        trim_blocks=True,          # a line holding only {% ... %} leaves no empty line
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters = {name: _guard_filter(name, function) for name, function in env.filters.items()
                   if name not in _LEFT_OUT_FILTERS}
    env.filters["join"] = _guard_filter("join", guarded_join)
    env.globals["range"] = guarded_range
    env.globals.pop("lipsum", None)
    return env


@lru_cache(maxsize=32)
def compiled(source: str) -> Any:
    return environment().from_string(source)


def parse(source: str) -> Any:
    """The template's syntax tree, parsed by the sandbox (nothing is evaluated)."""
    return environment().parse(source)


def render(source: str, variables: dict[str, Any]) -> str:
    """The raw text of `source` with `variables`, within the bounds.

    Raises TemplateLimit for a bound, jinja2's TemplateSyntaxError when it does
    not compile, and whatever the template raises while it renders."""
    template = compiled(source)
    token = _deadline.set(_clock() + RENDER_SECONDS)
    try:
        pieces: list[str] = []
        total = 0
        for piece in template.generate(variables):
            total += len(piece)
            if total > RENDERED_MAX_CHARS:
                raise TemplateLimit(f"the letter is longer than {RENDERED_MAX_CHARS} characters")
            pieces.append(piece)
            check_time()
        return "".join(pieces)
    finally:
        _deadline.reset(token)


def template_line(exc: BaseException) -> int | None:
    """The template line where a runtime error happened (Jinja2 rewrites the
    traceback so the template's frames carry template line numbers)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line if isinstance(line, int) else None
