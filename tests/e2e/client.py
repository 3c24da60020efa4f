"""Talking to the running local stack over HTTP, as curl would."""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


def request(stack, method, path, *, key=None, body=None, accept=None):
    """(status, JSON document or raw bytes)."""
    url = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if accept is not None:
        headers["Accept"] = accept
    payload = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    try:
        document = json.loads(content)
    except ValueError:
        document = content
    return response.status, document
