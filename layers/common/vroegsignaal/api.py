"""The HTTP edge in one import for the handlers: callers, bodies, answers, and
`install(app)`, which wires the per-request middlewares and the one error mapping
(the modules of vroegsignaal/http/ hold each idea)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vroegsignaal.http import callers, errors, paths
from vroegsignaal.http.bodies import decode_json, read_bytes, read_json
from vroegsignaal.http.callers import principal, require_partner
from vroegsignaal.http.errors import ApiError, status_and_body
from vroegsignaal.http.responses import CSV, JSON, csv_response, json_response, pdf_response

__all__ = [
    "CSV", "JSON", "ApiError", "csv_response", "decode_json", "install", "json_response", "pdf_response", "principal",
    "read_bytes", "read_json", "require_partner", "status_and_body",
]

Middleware = Callable[[Any, Callable[[Any], Any]], Any]


def install(app: Any, *, callers_of: str | None = None, guard: Middleware | None = None) -> None:
    """Errors as the spec's JSON bodies; path parameters decoded; and the caller checked
    once per request before any route runs: `callers_of="partner"` for the partner
    API, or the municipality API's `guard` (http/policy.py: membership, role, audit)."""
    errors.install(app)
    middlewares: list[Middleware] = [paths.decode_path_parameters]
    if callers_of == "partner":
        middlewares.append(callers.partners_only)
    elif callers_of is not None:
        raise ValueError(f"unknown kind of caller {callers_of!r}: the municipality API passes its guard")
    if guard is not None:
        middlewares.append(guard)
    app.use(middlewares=middlewares)
