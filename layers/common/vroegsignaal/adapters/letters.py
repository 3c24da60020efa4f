"""Letters (PDF) and municipalities' letter templates in S3.

Keys: `letters/<code>/<case_id>/<letter_id>.pdf` and `templates/<code>/letter.j2`.
A letter's id is derived from its case and step, so rendering it twice
overwrites the same object instead of making a second letter.
"""
from __future__ import annotations

import os
import time

from botocore.exceptions import ClientError

from vroegsignaal import ids

from .aws import client


def _bucket() -> str:
    return os.environ["BUCKET_NAME"]


def letter_id_for(case_id: str, step_id: str) -> str:
    return ids.derived_id("letter", case_id, step_id)


def letter_key(code: str, case_id: str, letter_id: str) -> str:
    return f"letters/{code}/{case_id}/{letter_id}.pdf"


def put_letter(code: str, case_id: str, letter_id: str, pdf: bytes) -> str:
    key = letter_key(code, case_id, letter_id)
    client("s3").put_object(Bucket=_bucket(), Key=key, Body=pdf, ContentType="application/pdf")
    return key


def get_letter(code: str, case_id: str, letter_id: str) -> bytes | None:
    try:
        return client("s3").get_object(Bucket=_bucket(), Key=letter_key(code, case_id, letter_id))["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def _template_key(code: str) -> str:
    return f"templates/{code}/letter.j2"


def get_template(code: str) -> str | None:
    """The municipality's own letter template, or None for the default."""
    try:
        body = client("s3").get_object(Bucket=_bucket(), Key=_template_key(code))["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    return body.decode("utf-8")


def put_template(code: str, source: str) -> None:
    client("s3").put_object(Bucket=_bucket(), Key=_template_key(code), Body=source.encode("utf-8"),
                            ContentType="text/plain; charset=utf-8")


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
