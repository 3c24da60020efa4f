"""Serving the web app: what a static host (the local stack, a test server) answers for a
path, with the security headers CloudFront's response headers policy sends on AWS.

    from web import serving
    found = serving.static_file("/js/app.js")    # StaticFile(content, content_type, headers) or None
    serving.config_document(api_url="", cognito={...})   # the body of /config.json
"""
from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml"}
SERVED_SUFFIXES = frozenset(TYPES) - {".json"}


def content_security_policy(connect: tuple[str, ...] = ()) -> str:
    """No inline scripts or styles, no framing; `connect` adds origins the app calls (API, Cognito)
    when they are not its own."""
    sources = " ".join(("'self'", "blob:", *connect))
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            f"connect-src {sources}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")


def security_headers(connect: tuple[str, ...] = ()) -> dict[str, str]:
    return {"Content-Security-Policy": content_security_policy(connect), "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@dataclass
class StaticFile:
    content: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def static_file(path: str, connect: tuple[str, ...] = ()) -> StaticFile | None:
    """The file of the app at this URL path (`/` is index.html), or None: nothing outside web/,
    and only the app's kinds of files (no Python, no vendor copies)."""
    relative = "index.html" if path in ("", "/") else path.lstrip("/")
    target = (ROOT / relative).resolve()
    if ROOT not in target.parents or not target.is_file() or target.suffix not in SERVED_SUFFIXES:
        return None
    kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return StaticFile(target.read_bytes(), kind, {"Cache-Control": "no-cache", **security_headers(connect)})


def config_document(*, api_url: str = "", cognito: dict[str, Any] | None = None) -> bytes:
    """The body of /config.json (workspace.md): {"api_url", "cognito": {"region", "user_pool_id",
    "client_id", "endpoint"} (and optionally "domain", docs/workspace.md)}."""
    return json.dumps({"api_url": api_url, "cognito": cognito}).encode()
