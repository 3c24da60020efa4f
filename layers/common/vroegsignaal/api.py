"""The HTTP edge in one import for the handlers: callers, bodies, answers, and
`install(app)`, which wires the per-request middlewares and the one error mapping
(the modules of vroegsignaal/http/ hold each idea)."""
from __future__ import annotations

from typing import Any

from vroegsignaal.http import callers, errors, paths
from vroegsignaal.http.bodies import decode_json, read_bytes, read_json
from vroegsignaal.http.callers import principal, require_municipality, require_partner
from vroegsignaal.http.errors import ApiError, status_and_body
from vroegsignaal.http.responses import CSV, JSON, csv_response, json_response, pdf_response

__all__ = [
    "CSV", "JSON", "ApiError", "csv_response", "decode_json", "install", "json_response", "pdf_response", "principal",
    "read_bytes", "read_json", "require_municipality", "require_partner", "status_and_body",
]

_CALLER_CHECKS = {"partner": callers.partners_only, "municipality": callers.municipality_of_path, None: None}


def install(app: Any, *, callers_of: str | None = None) -> None:
    """Errors as the spec's JSON bodies; path parameters decoded; and, when `callers_of`
    names the API's kind of caller ("partner" or "municipality"), the key checked once
    per request before any route runs."""
    errors.install(app)
    middlewares = [paths.decode_path_parameters]
    check = _CALLER_CHECKS[callers_of]
    if check is not None:
        middlewares.append(check)
    app.use(middlewares=middlewares)
