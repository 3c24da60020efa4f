"""The one mapping of the domain's errors to HTTP (both APIs use it)."""
import json

import pytest
from vroegsignaal.domain.errors import ConcurrentChange, Conflict, CursorError, LetterFailed, NotFound, ValidationFailed
from vroegsignaal.http.errors import ApiError, status_and_body
from vroegsignaal.http.responses import json_text


@pytest.mark.parametrize("error, status, code", [
    (ValidationFailed([{"loc": ["x"], "msg": "bad"}]), 422, "validation"),
    (CursorError("x"), 422, "validation"),
    (NotFound("no case"), 404, "not_found"),
    (Conflict("closed"), 409, "conflict"),
    (ConcurrentChange(), 409, "conflict"),
    (LetterFailed("too long"), 422, "validation"),
    (ApiError(413, "too_large", "big"), 413, "too_large"),
    (RuntimeError("Dijk 111222333"), 500, "internal"),
], ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v))
def test_every_error_has_its_status_and_body(error, status, code):
    got_status, body = status_and_body(error)
    assert (got_status, body["error"]) == (status, code)
    assert "Dijk" not in json.dumps(body)
    if code == "validation":
        assert body["details"] and all("msg" in d for d in body["details"])


def test_a_body_that_utf8_cannot_carry_is_escaped_instead_of_failing():
    text = json_text({"details": [{"loc": ["\ud800"], "msg": "unknown field"}], "name": "Dijk é"})
    text.encode("utf-8")
    assert json.loads(text)["name"] == "Dijk é"


def test_readable_utf8_otherwise():
    assert json_text({"name": "é"}) == '{"name": "é"}'
