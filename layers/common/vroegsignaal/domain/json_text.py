"""JSON text decoded strictly and in bounded depth, for every reader of outside
input (the HTTP edge, the command-line tools).

No NaN or Infinity; nesting at most MAX_DEPTH deep, checked by a linear scan
before decoding, so neither the decoder nor any checker recurses into a body of
a thousand brackets; numbers through json_numbers (integers without fraction
or exponent, huge integers as a value every validator rejects).
"""
from __future__ import annotations

import json
import re
from typing import Any

from .json_numbers import parse_float, parse_int

MAX_DEPTH = 32  # the deepest valid input (a criteria document at its condition limit) needs 21

# A string (skipped whole, escapes included) or one bracket.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPENING = frozenset("[{")


class NotJson(ValueError):
    """The text is not JSON we read; the message says why (never quoting the text)."""


def nesting_depth(text: str, *, limit: int) -> int:
    """The deepest nesting of arrays and objects outside strings, counted up to limit + 1."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """JSON text -> value; NotJson when it is not JSON or nested deeper than max_depth."""
    if nesting_depth(text, limit=max_depth) > max_depth:
        raise NotJson(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=parse_float, parse_int=parse_int)
    except (ValueError, RecursionError):
        raise NotJson("not valid JSON") from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
