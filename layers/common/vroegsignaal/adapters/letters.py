"""Letters (PDF) and municipalities' letter templates in S3.

Keys: `letters/<code>/<case_id>/<letter_id>.pdf` and `templates/<code>/letter.j2`.
A letter's id is derived from its case and step, so rendering it twice
overwrites the same object instead of making a second letter.
"""
from __future__ import annotations

from botocore.exceptions import ClientError

from vroegsignaal import ids

from . import bucket
from .aws import client


def letter_id_for(case_id: str, step_id: str) -> str:
    return ids.derived_id("letter", case_id, step_id)


LETTERS_PREFIX = "letters/"  # the S3 lifecycle rule of template.yaml names it too


def case_letters_prefix(code: str, case_id: str) -> str:
    """Every letter of one case sits under this prefix (retention deletes it whole)."""
    return f"{LETTERS_PREFIX}{code}/{case_id}/"


def letter_key(code: str, case_id: str, letter_id: str) -> str:
    return f"{case_letters_prefix(code, case_id)}{letter_id}.pdf"


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


def delete_template(code: str) -> None:
    """Back to the default template (deleting a missing object is no error)."""
    client("s3").delete_object(Bucket=bucket.name(), Key=_template_key(code))


class LetterStore:
    """The letter port of services.actions.

    A template change takes effect at once (municipality-api.md): each letter
    asks S3 whether the template changed, with a conditional GET on the ETag
    of the copy this container holds. Unchanged, S3 answers 304 without a body
    and the compiled template is reused; changed or deleted, the letter uses
    the new one. (A cache with a lifetime, per container or per batch, would
    let a letter rendered after the 200 of a PUT still use the old template.)
    """

    def __init__(self) -> None:
        self._templates: dict[str, tuple[str, str]] = {}  # code -> (ETag, source)

    letter_id_for = staticmethod(letter_id_for)
    put_letter = staticmethod(put_letter)

    def template(self, code: str) -> str | None:
        held = self._templates.get(code)
        condition = {"IfNoneMatch": held[0]} if held else {}
        try:
            answer = client("s3").get_object(Bucket=bucket.name(), Key=_template_key(code), **condition)
        except ClientError as error:
            if held and error.response["Error"]["Code"] in ("304", "NotModified"):
                return held[1]
            if bucket.is_missing(error):
                self._templates.pop(code, None)
                return None
            raise
        source = str(answer["Body"].read().decode("utf-8"))
        self._templates[code] = (str(answer["ETag"]), source)
        return source
