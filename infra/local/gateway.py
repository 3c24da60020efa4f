"""An HTTP server that behaves like the template's API Gateway REST API(s).

Requests become Lambda proxy events (proxy_events.py) for the route's function
(api_routes.py), after the Lambda REQUEST (or TOKEN) authorizer has allowed
them (policies.py); responses come back as API Gateway returns them. The
pieces API Gateway decides by itself follow its rules: an unknown route is
MISSING_AUTHENTICATION_TOKEN, the authorizer's answer is cached per identity
for ReauthorizeEvery seconds, and the template's GatewayResponses shape the
errors. Besides the template's routes it serves the API's documentation
(GET /openapi.json, GET /docs, without the authorizer) and the local-only
/_local/* routes.
"""
from __future__ import annotations

import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .api_routes import RestApi, Route, match_route
from .cfn import ACCOUNT_ID, REGION
from .functions import InvocationError
from .lanes import API
from .log import console, warn, warn_once
from .policies import authorizer_context, evaluate_policy
from .proxy_events import Reply, json_reply, proxy_event, proxy_reply

MAX_REQUEST_BYTES = 10 * 1024 * 1024   # API Gateway's payload limit
MAX_EVENT_BYTES = 6 * 1024 * 1024      # Lambda's synchronous payload limit
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "api"
DOCUMENTS = {"/openapi.json": ("openapi.json", "application/json"),
             "/docs": ("index.html", "text/html; charset=utf-8")}

# API Gateway's own status and message per gateway response type.
_DEFAULT_RESPONSES = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "RESOURCE_NOT_FOUND": (404, "Not Found"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, None),
    "AUTHORIZER_FAILURE": (500, None),
}

LocalRoute = Callable[[str, bytes], tuple[int, Any]]


class Gateway:
    """The HTTP front door: template routes, plus the local-only /_local/* routes."""

    def __init__(self, routes: list[Route], apis: list[RestApi], *, local_routes: dict[str, LocalRoute],
                 now: Callable[[], datetime], port: int = 0, access_log: bool = False,
                 docs_dir: Path = DOCS_DIR, cognito: dict[str, Any] | None = None):
        self.routes = routes
        # /config.json's "cognito" (region, user_pool_id, client_id, endpoint): None without a user pool.
        self.cognito = cognito
        self.apis = apis
        self.local_routes = local_routes
        self.now = now
        self.access_log = access_log
        self.docs_dir = docs_dir
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="gateway", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # ---- one request

    def handle(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str) -> Reply:
        url = urlsplit(target)
        path = url.path or "/"
        if path.startswith("/_local/"):
            return self._local(method, path, body)
        if path in DOCUMENTS and method in ("GET", "HEAD"):
            return self._document(path)
        if path == "/config.json" and method in ("GET", "HEAD"):
            return self._web_config()
        api = self.apis[0] if self.apis else None
        if len(body) > MAX_REQUEST_BYTES:
            return self.gateway_response(api, "REQUEST_TOO_LARGE")
        matched = match_route(self.routes, method, path)
        if matched is None:
            # Beside the API, the werkbakjes web app (as CloudFront serves it from its bucket).
            web_file = _web_file(path, self._connect_origins()) if method in ("GET", "HEAD") else None
            return web_file or self.gateway_response(api, "MISSING_AUTHENTICATION_TOKEN")
        route, path_parameters = matched
        # The request time comes from the system's clock, so a request made after
        # POST /_local/clock is as late as everything else the system sees.
        event = proxy_event(route, method, path, url.query, headers, body, path_parameters, source_ip, self.now())
        if route.authorizer is not None:
            denied = self._authorize(route, event)
            if denied is not None:
                return denied
        if len(json.dumps(event)) > MAX_EVENT_BYTES:
            warn(f"{method} {path}: the event is over Lambda's 6 MB limit; on AWS this request fails")
        try:
            result = route.function.invoke(event, API)
        except InvocationError as error:
            error.report()
            return json_reply(502, {"error": "internal", "message": "Internal server error"})
        return proxy_reply(route, result, headers)

    def _connect_origins(self) -> tuple[str, ...]:
        """The web app may call the local Cognito (moto, another port): its CSP says so."""
        endpoint = (self.cognito or {}).get("endpoint")
        return (endpoint.rstrip("/"),) if endpoint else ()

    def _web_config(self) -> Reply:
        """/config.json (workspace.md): the API is this origin; the user pool, when the
        template declares one, is the local Cognito's."""
        from web import serving

        return Reply(200, [("Content-Type", "application/json"), ("Cache-Control", "no-cache")],
                     serving.config_document(api_url="", cognito=self.cognito))

    def _document(self, path: str) -> Reply:
        """The API's OpenAPI document and docs page (docs/api/), open to everyone, as the
        deployed docs are."""
        name, content_type = DOCUMENTS[path]
        file = self.docs_dir / name
        if not file.is_file():
            return json_reply(404, {"error": "not_found", "message": f"docs/api/{name} does not exist yet"})
        return Reply(200, [("Content-Type", content_type)], file.read_bytes())

    def _local(self, method: str, path: str, body: bytes) -> Reply:
        handler = self.local_routes.get(path)
        if handler is None or method != "POST":
            return json_reply(404, {"error": "not_found", "message": f"no local route {method} {path}"})
        try:
            status, document = handler(method, body)
        except Exception as error:  # noqa: BLE001 - report it to the caller
            traceback.print_exc()
            return json_reply(500, {"error": "internal", "message": str(error)})
        return json_reply(status, document)

    def gateway_response(self, api: RestApi | None, response_type: str, message: str | None = None) -> Reply:
        status, default_message = _DEFAULT_RESPONSES[response_type]
        message = message or default_message
        configured = api.gateway_responses if api else {}
        spec = configured.get(response_type)
        if spec is None and response_type == "MISSING_AUTHENTICATION_TOKEN":
            spec = configured.get("RESOURCE_NOT_FOUND")
            if spec is None:
                warn_once("the template has no MISSING_AUTHENTICATION_TOKEN gateway response: on AWS an unknown "
                          'route answers 403 {"message": "Missing Authentication Token"}')
                return json_reply(404, {"error": "not_found", "message": "unknown route"})
        if spec is not None and "StatusCode" in spec:
            status = int(spec["StatusCode"])
        spec = spec or configured.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX") or {}
        headers = [(name, str(value).strip("'"))
                   for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()]
        templates = spec.get("ResponseTemplates") or {}
        body_template = templates.get("application/json") or next(iter(templates.values()), None)
        if body_template is None:
            body = json.dumps({"message": message})
        else:
            body = (body_template.replace("$context.error.messageString", json.dumps(message))
                    .replace("$context.error.message", message or "")
                    .replace("$context.error.responseType", response_type)
                    .replace("$context.requestId", str(uuid.uuid4())))
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
        return Reply(status, headers, body.encode())

    # ---- events

    def _authorize(self, route: Route, event: dict[str, Any]) -> Reply | None:
        """Run the route's authorizer; None when allowed (event gets requestContext.authorizer)."""
        authorizer, api = route.authorizer, route.api
        assert authorizer is not None
        identity = authorizer.identity(event["headers"], event["queryStringParameters"] or {})
        if identity is None:
            return self.gateway_response(api, "UNAUTHORIZED")
        method_arn = (f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{api.api_id}/{api.stage}/"
                      f"{event['httpMethod']}/{event['path'].lstrip('/')}")
        started = time.monotonic()
        output = authorizer.cached(identity, self.now().timestamp())
        if output is None:
            if authorizer.payload_type == "REQUEST":
                request = {"type": "REQUEST", "methodArn": method_arn,
                           **{key: event[key] for key in (
                               "resource", "path", "httpMethod", "headers", "multiValueHeaders",
                               "queryStringParameters", "multiValueQueryStringParameters",
                               "pathParameters", "stageVariables", "requestContext")}}
            else:
                request = {"type": "TOKEN", "methodArn": method_arn, "authorizationToken": identity[0]}
            try:
                output = authorizer.function.invoke(request, API)
            except InvocationError as error:
                if error.message == "Unauthorized":  # the documented way to answer 401
                    return self.gateway_response(api, "UNAUTHORIZED")
                error.report()
                return self.gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR")
            if not isinstance(output, dict) or "principalId" not in output or "policyDocument" not in output:
                warn(f"{authorizer.function.logical_id} returned no principalId/policyDocument: "
                     "API Gateway answers 500 (AuthorizerConfigurationException)")
                return self.gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR")
            authorizer.remember(identity, output, self.now().timestamp())
        try:
            context = authorizer_context(output)
        except ValueError as error:
            warn(f"{authorizer.function.logical_id}: {error}; API Gateway answers 500")
            return self.gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR")
        decision = evaluate_policy(output["policyDocument"], method_arn)
        if decision != "Allow":
            message = ("User is not authorized to access this resource with an explicit deny"
                       if decision == "Deny" else None)
            return self.gateway_response(api, "ACCESS_DENIED", message)
        event["requestContext"]["authorizer"] = {
            "principalId": output["principalId"], **context,
            "integrationLatency": int((time.monotonic() - started) * 1000)}
        return None

def _web_file(path: str, connect: tuple[str, ...] = ()) -> Reply | None:
    """A file of the werkbakjes web app (web/) with its security headers, or None."""
    from web import serving

    found = serving.static_file(path, connect)
    if found is None:
        return None
    return Reply(200, [("Content-Type", found.content_type), *found.headers.items()], found.content)


def _handler_class(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "vroegsignaal-local"

        def _serve(self) -> None:
            started = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                reply = gateway.handle(self.command, self.path, list(self.headers.items()), body,
                                       self.client_address[0])
            except Exception:  # noqa: BLE001 - a bug of the local stack itself
                traceback.print_exc()
                reply = json_reply(500, {"error": "internal", "message": "local stack error"})
            self.send_response(reply.status)
            for name, value in reply.headers:
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            if gateway.access_log:
                elapsed = (time.monotonic() - started) * 1000
                console(f"{self.command} {self.path} -> {reply.status} ({elapsed:.0f} ms)")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            pass  # the access log above is shorter

    return Handler
