"""An HTTP server that behaves like the template's API Gateway REST API(s).

Requests become Lambda proxy events for the route's function, after the
Lambda REQUEST (or TOKEN) authorizer has allowed them; responses come back as
API Gateway returns them. The pieces API Gateway decides by itself follow its
rules: the most specific resource wins, an unknown route is
MISSING_AUTHENTICATION_TOKEN, the authorizer's policy is evaluated against the
method ARN (and cached per identity for ReauthorizeEvery seconds), its context
values reach the function as strings, and the template's GatewayResponses
shape the errors.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from .cfn import ACCOUNT_ID, REGION, Resolver, merge_globals
from .functions import InvocationError, LambdaFunction
from .log import warn, warn_once

MAX_REQUEST_BYTES = 10 * 1024 * 1024   # API Gateway's payload limit
MAX_EVENT_BYTES = 6 * 1024 * 1024      # Lambda's synchronous payload limit

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


# --------------------------------------------------------------------------- routes

@dataclass
class Authorizer:
    name: str
    function: LambdaFunction
    payload_type: str                 # REQUEST or TOKEN
    headers: list[str]
    query_strings: list[str]
    ttl_seconds: int
    validation: str | None = None
    _cache: dict[tuple, tuple[float, dict]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def identity(self, headers: dict[str, str], query: dict[str, str]) -> tuple[str, ...] | None:
        """The identity sources' values, or None when one is missing (API Gateway then answers 401
        without calling the authorizer)."""
        lowered = {name.lower(): value for name, value in headers.items()}
        values = [lowered.get(name.lower()) for name in self.headers] + [query.get(name) for name in self.query_strings]
        if any(not value for value in values):
            return None
        if self.validation and self.payload_type == "TOKEN" and not re.fullmatch(self.validation, values[0]):
            return None
        return tuple(values)

    def cached(self, identity: tuple) -> dict | None:
        with self._lock:
            hit = self._cache.get(identity)
            return hit[1] if hit and hit[0] > time.monotonic() else None

    def remember(self, identity: tuple, output: dict) -> None:
        if self.ttl_seconds > 0:
            with self._lock:
                self._cache[identity] = (time.monotonic() + self.ttl_seconds, output)


@dataclass
class RestApi:
    logical_id: str
    api_id: str
    stage: str
    gateway_responses: dict[str, Any]
    binary_media_types: list[str]
    authorizers: dict[str, Authorizer]
    default_authorizer: str | None


@dataclass
class Route:
    api: RestApi
    resource: str          # the template Path, e.g. /signals/{reference}
    method: str            # upper case, or ANY
    function: LambdaFunction
    authorizer: Authorizer | None

    @property
    def segments(self) -> list[str]:
        return [part for part in self.resource.split("/") if part]


def _segment_rank(template_segment: str) -> int:
    """Literal segments are more specific than {param}, which are more specific than {proxy+}."""
    if template_segment.startswith("{") and template_segment.endswith("+}"):
        return 2
    return 1 if template_segment.startswith("{") else 0


def _match_resource(segments: list[str], path_segments: list[str]) -> dict[str, str] | None:
    parameters = {}
    for index, segment in enumerate(segments):
        if _segment_rank(segment) == 2:
            if index >= len(path_segments):
                return None
            parameters[segment[1:-2]] = "/".join(path_segments[index:])
            return parameters
        if index >= len(path_segments):
            return None
        if _segment_rank(segment) == 1:
            parameters[segment[1:-1]] = path_segments[index]
        elif segment != path_segments[index]:
            return None
    return parameters if len(segments) == len(path_segments) else None


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """API Gateway picks the most specific resource first, then the method on it: a method the
    resource does not have is not found, even if a less specific resource has it."""
    path_segments = [unquote(part) for part in path.split("/") if part]
    candidates = []
    for route in routes:
        parameters = _match_resource(route.segments, path_segments)
        if parameters is not None:
            rank = [_segment_rank(segment) for segment in route.segments]
            candidates.append((rank, route, parameters))
    if not candidates:
        return None
    best_rank = min(rank for rank, _, _ in candidates)
    on_resource = [(route, parameters) for rank, route, parameters in candidates if rank == best_rank]
    for wanted in (method.upper(), "ANY"):
        for route, parameters in on_resource:
            if route.method == wanted:
                return route, parameters
    return None


def build_routes(template: dict[str, Any], resolver: Resolver,
                 functions: dict[str, LambdaFunction]) -> tuple[list[Route], list[RestApi]]:
    """Routes from the functions' Api events; APIs from AWS::Serverless::Api (with Globals.Api)."""
    resources = template.get("Resources") or {}
    global_api = (template.get("Globals") or {}).get("Api") or {}
    functions_by_arn = {function.arn: function for function in functions.values()}
    apis: dict[str, RestApi] = {}

    def make_api(logical_id: str, raw_props: dict[str, Any]) -> RestApi:
        merged = merge_globals(global_api, raw_props)
        props = {key: resolver.resolve(merged[key])   # only what the gateway uses
                 for key in ("StageName", "Auth", "GatewayResponses", "BinaryMediaTypes") if key in merged}
        auth = props.get("Auth") or {}
        authorizers = {}
        for name, spec in (auth.get("Authorizers") or {}).items():
            function = functions_by_arn.get(spec.get("FunctionArn"))
            if function is None:
                warn(f"{logical_id}: authorizer {name} is not a Lambda function of this template; ignored")
                continue
            identity = spec.get("Identity") or {}
            payload_type = spec.get("FunctionPayloadType", "TOKEN")
            headers = identity.get("Headers") or ([] if payload_type == "REQUEST" else [identity.get("Header", "Authorization")])
            authorizers[name] = Authorizer(
                name=name, function=function, payload_type=payload_type, headers=list(headers),
                query_strings=list(identity.get("QueryStrings") or []),
                ttl_seconds=int(identity.get("ReauthorizeEvery", 300)),
                validation=identity.get("ValidationExpression"))
        return RestApi(
            logical_id=logical_id, api_id=resolver.attributes[logical_id]["Ref"],
            stage=str(props.get("StageName", "Prod")), gateway_responses=props.get("GatewayResponses") or {},
            binary_media_types=[kind.replace("~1", "/") for kind in props.get("BinaryMediaTypes") or []],
            authorizers=authorizers, default_authorizer=auth.get("DefaultAuthorizer"))

    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Api" and resolver.resource_enabled(resource):
            api = make_api(logical_id, resource.get("Properties") or {})
            apis[api.api_id] = api

    routes = []
    for function in functions.values():
        for event_name, props in function.events_of_type("Api"):
            api_id = props.get("RestApiId")
            if api_id is None:  # SAM's implicit API
                resolver.attributes.setdefault("ServerlessRestApi", {"Ref": "implicitapi"})
                api_id = "implicitapi"
                if api_id not in apis:
                    apis[api_id] = make_api("ServerlessRestApi", {})
            api = apis.get(api_id)
            if api is None:
                warn(f"{function.logical_id}.{event_name}: RestApiId {api_id} is not an API of this template")
                continue
            authorizer_name = ((props.get("Auth") or {}).get("Authorizer")) or api.default_authorizer
            if authorizer_name == "AWS_IAM":
                warn_once(f"{function.logical_id}.{event_name}: AWS_IAM auth is not emulated; the route is open")
            authorizer = api.authorizers.get(authorizer_name) if authorizer_name not in (None, "NONE") else None
            routes.append(Route(api=api, resource=props["Path"], method=str(props["Method"]).upper(),
                                function=function, authorizer=authorizer))
    return routes, list(apis.values())


# --------------------------------------------------------------------------- policies

def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def evaluate_policy(policy: dict[str, Any], method_arn: str) -> str:
    """'Allow', 'Deny' (an explicit deny wins) or 'NotAllowed' for execute-api:Invoke on method_arn."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(_wildcard(action, "execute-api:Invoke", ignore_case=True) for action in actions):
            continue
        targets = statement.get("Resource") or []
        targets = [targets] if isinstance(targets, str) else targets
        if not any(_wildcard(target, method_arn) for target in targets):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        if statement.get("Effect") == "Allow":
            allowed = True
    return "Allow" if allowed else "NotAllowed"


def authorizer_context(output: dict[str, Any]) -> dict[str, str]:
    """API Gateway passes the authorizer's context on as strings (true, 1, ...);
    a nested value makes the authorizer's answer invalid."""
    context = {}
    for key, value in (output.get("context") or {}).items():
        if isinstance(value, (dict, list)):
            raise ValueError(f"authorizer context value {key!r} is an object or array")
        if value is None:
            continue
        context[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return context


# --------------------------------------------------------------------------- the server

@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _json_reply(status: int, document: Any) -> Reply:
    return Reply(status, [("Content-Type", "application/json")], json.dumps(document).encode())


LocalRoute = Callable[[str, bytes], tuple[int, Any]]


class Gateway:
    """The HTTP front door: template routes, plus the local-only /_local/* routes."""

    def __init__(self, routes: list[Route], apis: list[RestApi], *, local_routes: dict[str, LocalRoute],
                 now: Callable[[], datetime], port: int = 0, access_log: bool = False):
        self.routes = routes
        self.apis = apis
        self.local_routes = local_routes
        self.now = now
        self.access_log = access_log
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
        api = self.apis[0] if self.apis else None
        if len(body) > MAX_REQUEST_BYTES:
            return self.gateway_response(api, "REQUEST_TOO_LARGE")
        matched = match_route(self.routes, method, path)
        if matched is None:
            return self.gateway_response(api, "MISSING_AUTHENTICATION_TOKEN")
        route, path_parameters = matched
        event = self._proxy_event(route, method, path, url.query, headers, body, path_parameters, source_ip)
        if route.authorizer is not None:
            denied = self._authorize(route, event)
            if denied is not None:
                return denied
        if len(json.dumps(event)) > MAX_EVENT_BYTES:
            warn(f"{method} {path}: the event is over Lambda's 6 MB limit; on AWS this request fails")
        try:
            result = route.function.invoke(event)
        except InvocationError as error:
            error.report()
            return _json_reply(502, {"error": "internal", "message": "Internal server error"})
        return self._proxy_reply(route, result, headers)

    def _local(self, method: str, path: str, body: bytes) -> Reply:
        handler = self.local_routes.get(path)
        if handler is None or method != "POST":
            return _json_reply(404, {"error": "not_found", "message": f"no local route {method} {path}"})
        try:
            status, document = handler(method, body)
        except Exception as error:  # noqa: BLE001 - report it to the caller
            traceback.print_exc()
            return _json_reply(500, {"error": "internal", "message": str(error)})
        return _json_reply(status, document)

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
                return _json_reply(404, {"error": "not_found", "message": "unknown route"})
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

    def _proxy_event(self, route: Route, method: str, path: str, query: str, headers: list[tuple[str, str]],
                     body: bytes, path_parameters: dict[str, str], source_ip: str) -> dict[str, Any]:
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
        # The request time comes from the system's clock, so a request made after
        # POST /_local/clock is as late as everything else the system sees.
        now = self.now()
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

    def _authorize(self, route: Route, event: dict[str, Any]) -> Reply | None:
        """Run the route's authorizer; None when allowed (event gets requestContext.authorizer)."""
        authorizer, api = route.authorizer, route.api
        identity = authorizer.identity(event["headers"], event["queryStringParameters"] or {})
        if identity is None:
            return self.gateway_response(api, "UNAUTHORIZED")
        method_arn = (f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{api.api_id}/{api.stage}/"
                      f"{event['httpMethod']}/{event['path'].lstrip('/')}")
        started = time.monotonic()
        output = authorizer.cached(identity)
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
                output = authorizer.function.invoke(request)
            except InvocationError as error:
                if error.message == "Unauthorized":  # the documented way to answer 401
                    return self.gateway_response(api, "UNAUTHORIZED")
                error.report()
                return self.gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR")
            if not isinstance(output, dict) or "principalId" not in output or "policyDocument" not in output:
                warn(f"{authorizer.function.logical_id} returned no principalId/policyDocument: "
                     "API Gateway answers 500 (AuthorizerConfigurationException)")
                return self.gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR")
            authorizer.remember(identity, output)
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

    def _proxy_reply(self, route: Route, result: Any, request_headers: list[tuple[str, str]]) -> Reply:
        name = route.function.logical_id
        if not isinstance(result, dict) or "statusCode" not in result:
            warn(f"{name} returned no statusCode: API Gateway answers 502 (malformed Lambda proxy response)")
            return _json_reply(502, {"error": "internal", "message": "Internal server error"})
        body = result.get("body")
        if body is not None and not isinstance(body, str):
            warn(f"{name} returned a body that is not a string: API Gateway answers 502 "
                 "(malformed Lambda proxy response)")
            return _json_reply(502, {"error": "internal", "message": "Internal server error"})
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
    return bool(media_type) and any(_wildcard(kind.lower(), media_type) for kind in binary_types)


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
                reply = _json_reply(500, {"error": "internal", "message": "local stack error"})
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
                warn(f"{self.command} {self.path} -> {reply.status} ({elapsed:.0f} ms)")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            pass  # the access log above is shorter

    return Handler
