"""Lambda proxy integration: HTTP request -> event, the function's result -> HTTP response."""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from .api_routes import Route
from .cfn import ACCOUNT_ID, REGION
from .log import warn, warn_once
from .policies import wildcard


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def json_reply(status: int, document: Any) -> Reply:
    return Reply(status, [("Content-Type", "application/json")], json.dumps(document).encode())



def proxy_event(route: Route, method: str, path: str, query: str, headers: list[tuple[str, str]],
                 body: bytes, path_parameters: dict[str, str], source_ip: str, now: datetime) -> dict[str, Any]:
    """The REST API's Lambda proxy event (payload format 1.0). `path` and `pathParameters` stay
    percent-encoded as received: a REST API does not decode them (an HTTP API would)."""
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        single_headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    for name, value in (("X-Forwarded-For", source_ip), ("X-Forwarded-Proto", "https"),
                        ("X-Forwarded-Port", "443")):
        if not any(existing.lower() == name.lower() for existing in single_headers):
            single_headers[name] = value
            multi_headers[name] = [value]
    multi_query = parse_qs(query, keep_blank_values=True)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    text, is_base64 = _request_body(body, content_type, route.api.binary_media_types)
    request_id = str(uuid.uuid4())
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": uuid.uuid5(uuid.NAMESPACE_URL, route.resource).hex[:6],
            "resourcePath": route.resource,
            "httpMethod": method,
            "extendedRequestId": request_id[:16],
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "path": f"/{route.api.stage}{path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": route.api.stage,
            "domainPrefix": route.api.api_id,
            "domainName": f"{route.api.api_id}.execute-api.{REGION}.amazonaws.com",
            "requestId": request_id,
            "apiId": route.api.api_id,
            "identity": {"sourceIp": source_ip, "userAgent": single_headers.get("User-Agent"),
                         "accountId": None, "caller": None, "user": None, "userArn": None,
                         "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
                         "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None,
                         "accessKey": None, "apiKey": None, "apiKeyId": None, "principalOrgId": None},
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }

def proxy_reply(route: Route, result: Any, request_headers: list[tuple[str, str]]) -> Reply:
    name = route.function.logical_id
    if not isinstance(result, dict) or "statusCode" not in result:
        warn(f"{name} returned no statusCode: API Gateway answers 502 (malformed Lambda proxy response)")
        return json_reply(502, {"error": "internal", "message": "Internal server error"})
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        warn(f"{name} returned a body that is not a string: API Gateway answers 502 "
             "(malformed Lambda proxy response)")
        return json_reply(502, {"error": "internal", "message": "Internal server error"})
    headers = [(key, str(value)) for key, value in (result.get("headers") or {}).items()]
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((key, str(value)) for value in values)
    payload = (body or "").encode()
    if result.get("isBase64Encoded"):
        accept = next((value for key, value in request_headers if key.lower() == "accept"), "")
        if _is_binary(accept, route.api.binary_media_types):
            payload = base64.b64decode(body or "")
        else:
            warn_once(f"{name} returned base64 but the request's Accept ({accept or 'none'}) is not one of "
                      f"the API's BinaryMediaTypes {route.api.binary_media_types}: API Gateway passes the "
                      "base64 text through, and so does the local stack")
    if not any(key.lower() == "content-type" for key, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return Reply(int(result["statusCode"]), headers, payload)



def _media_type_matches(media_type: str, binary_types: list[str]) -> bool:
    media_type = media_type.split(";", 1)[0].strip().lower()
    return bool(media_type) and any(wildcard(kind.lower(), media_type) for kind in binary_types)


def _is_binary(accept: str, binary_types: list[str]) -> bool:
    """API Gateway decodes a base64 proxy response when the request's first Accept type is binary."""
    first = accept.split(",", 1)[0]
    return "*/*" in binary_types or _media_type_matches(first, binary_types)


def _request_body(body: bytes, content_type: str, binary_types: list[str]) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if _media_type_matches(content_type, binary_types):
        return base64.b64encode(body).decode(), True
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), True

