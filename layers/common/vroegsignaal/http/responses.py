"""Answers: JSON (UTF-8, readable) and PDF bytes."""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

JSON = "application/json"
PDF = "application/pdf"
CSV = "text/csv"


def json_text(body: Any) -> str:
    """JSON as UTF-8 can carry it: readable non-ASCII, and \\u escapes only when the
    body holds text UTF-8 cannot encode (a field name with a lone surrogate, echoed
    in a validation problem)."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body)
    return text


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, content_type=JSON, body=json_text(body), headers=headers)


def pdf_response(pdf: bytes, filename: str) -> Response[bytes]:
    """Bytes: Powertools answers them base64 with isBase64Encoded, and API Gateway
    (binary media types */*) hands the caller the bytes whatever its Accept."""
    return Response(status_code=200, content_type=PDF, body=pdf, compress=False,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def csv_response(text: str, filename: str) -> Response[str]:
    return Response(status_code=200, content_type=f"{CSV}; charset=utf-8", body=text,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
