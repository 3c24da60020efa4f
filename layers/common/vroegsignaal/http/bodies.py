"""Request bodies in the order signals-api.md fixes: size (413), JSON (400),
then the caller validates (422).

JSON is decoded strictly: UTF-8 (json.loads would guess UTF-16/32 from bytes),
no NaN or Infinity, nesting at most MAX_DEPTH deep (checked by a linear scan
before decoding, so neither the decoder nor a checker recurses into a
10 KB body of brackets), numbers through domain/json_numbers.py (integers
without fraction or exponent; huge integers become a value the validators
reject with 422 instead of a 4 300-digit conversion error).
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

from vroegsignaal.domain.json_numbers import parse_float, parse_int

from .errors import ApiError

MAX_DEPTH = 32  # the deepest valid body (a criteria document at its condition limit) needs 21

# A string (skipped whole, escapes included) or one bracket.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPENING = frozenset("[{")


def raw_body(event: Any) -> bytes:
    body = event.raw_event.get("body") or ""
    if event.raw_event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8", "surrogatepass")


def read_bytes(event: Any, *, max_bytes: int) -> bytes:
    """The raw body: 413 when too large."""
    raw = raw_body(event)
    if len(raw) > max_bytes:
        limit = (f"{max_bytes // (1024 * 1024)} MiB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KiB")
        raise ApiError(413, "too_large", f"body over {limit}", limit_bytes=max_bytes)
    return raw


def read_json(event: Any, *, max_bytes: int) -> Any:
    """The body as JSON: 413 when too large, 400 when not JSON (in that order)."""
    raw = read_bytes(event, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_request", "body is not valid UTF-8") from None
    return decode_json(text)


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


def decode_json(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """JSON text -> value; ApiError 400 when it is not JSON or nested deeper than max_depth."""
    if nesting_depth(text, limit=max_depth) > max_depth:
        raise ApiError(400, "bad_request", f"body is nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=parse_float, parse_int=parse_int)
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_request", "body is not valid JSON") from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
