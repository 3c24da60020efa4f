"""Letters (PDF) and municipalities' letter templates in S3.

Keys: `letters/<code>/<case_id>/<letter_id>.pdf` and `templates/<code>/letter.j2`.
A letter's id is derived from its case and step, so rendering it twice
overwrites the same object instead of making a second letter.
"""
from __future__ import annotations

import time

from vroegsignaal import ids

from . import bucket


def letter_id_for(case_id: str, step_id: str) -> str:
    return ids.derived_id("letter", case_id, step_id)


def letter_key(code: str, case_id: str, letter_id: str) -> str:
    return f"letters/{code}/{case_id}/{letter_id}.pdf"


def put_letter(code: str, case_id: str, letter_id: str, pdf: bytes) -> str:
    key = letter_key(code, case_id, letter_id)
    bucket.write(key, pdf, "application/pdf")
    return key


def get_letter(code: str, case_id: str, letter_id: str) -> bytes | None:
    return bucket.read(letter_key(code, case_id, letter_id))


def _template_key(code: str) -> str:
    return f"templates/{code}/letter.j2"


def get_template(code: str) -> str | None:
    """The municipality's own letter template, or None for the default."""
    body = bucket.read(_template_key(code))
    return None if body is None else body.decode("utf-8")


def put_template(code: str, source: str) -> None:
    bucket.write(_template_key(code), source.encode("utf-8"), "text/plain; charset=utf-8")


class LetterStore:
    """The letter port of services.actions: templates cached per container."""

    def __init__(self, template_ttl_seconds: float = 60.0):
        self._monotonic = time.monotonic
        self._ttl = template_ttl_seconds
        self._templates: dict[str, tuple[float, str | None]] = {}

    letter_id_for = staticmethod(letter_id_for)
    put_letter = staticmethod(put_letter)

    def template(self, code: str) -> str | None:
        hit = self._templates.get(code)
        if hit and hit[0] > self._monotonic():
            return hit[1]
        source = get_template(code)
        self._templates[code] = (self._monotonic() + self._ttl, source)
        return source
