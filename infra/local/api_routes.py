"""The template's REST API(s) as API Gateway sees them: APIs, authorizers, routes.

API Gateway picks the most specific resource (literal segments before
{param} before {proxy+}), then the method on it. Routes are matched on the
decoded path segments; the values handed to the function stay as received.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .cfn import Resolver, merge_globals
from .functions import LambdaFunction
from .log import warn, warn_once


@dataclass
class Authorizer:
    name: str
    function: LambdaFunction
    payload_type: str                 # REQUEST or TOKEN
    headers: list[str]
    query_strings: list[str]
    ttl_seconds: int
    validation: str | None = None
    _cache: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def identity(self, headers: dict[str, str], query: dict[str, str]) -> tuple[str, ...] | None:
        """The identity sources' values, or None when one is missing (API Gateway then answers 401
        without calling the authorizer)."""
        lowered = {name.lower(): value for name, value in headers.items()}
        found = [lowered.get(name.lower()) for name in self.headers] + [query.get(name) for name in self.query_strings]
        values = [value for value in found if value]
        if len(values) < len(found):
            return None
        if self.validation and self.payload_type == "TOKEN" and not re.fullmatch(self.validation, values[0]):
            return None
        return tuple(values)

    # `now` is the system's clock (seconds): moving the local stack's clock past the TTL
    # ends a cached answer, as time passing does on AWS.
    def cached(self, identity: tuple[str, ...], now: float) -> dict[str, Any] | None:
        with self._lock:
            hit = self._cache.get(identity)
            return hit[1] if hit and hit[0] > now else None

    def remember(self, identity: tuple[str, ...], output: dict[str, Any], now: float) -> None:
        if self.ttl_seconds > 0:
            with self._lock:
                self._cache[identity] = (now + self.ttl_seconds, output)


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


def _match_resource(segments: list[str], raw_segments: list[str]) -> dict[str, str] | None:
    """Literal segments compare decoded; parameters keep the raw (percent-encoded) text."""
    parameters = {}
    for index, segment in enumerate(segments):
        if _segment_rank(segment) == 2:
            if index >= len(raw_segments):
                return None
            parameters[segment[1:-2]] = "/".join(raw_segments[index:])
            return parameters
        if index >= len(raw_segments):
            return None
        if _segment_rank(segment) == 1:
            parameters[segment[1:-1]] = raw_segments[index]
        elif segment != unquote(raw_segments[index]):
            return None
    return parameters if len(segments) == len(raw_segments) else None


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """API Gateway picks the most specific resource first, then the method on it: a method the
    resource does not have is not found, even if a less specific resource has it.
    `path` is the path as received; the parameters are returned as received (REST APIs
    hand them over percent-encoded, serverless/serverless#5037)."""
    raw_segments = [part for part in path.split("/") if part]
    candidates = []
    for route in routes:
        parameters = _match_resource(route.segments, raw_segments)
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
            found = apis.get(api_id)
            if found is None:
                warn(f"{function.logical_id}.{event_name}: RestApiId {api_id} is not an API of this template")
                continue
            api = found
            authorizer_name = ((props.get("Auth") or {}).get("Authorizer")) or api.default_authorizer
            if authorizer_name == "AWS_IAM":
                warn_once(f"{function.logical_id}.{event_name}: AWS_IAM auth is not emulated; the route is open")
            authorizer = api.authorizers.get(authorizer_name) if authorizer_name not in (None, "NONE") else None
            routes.append(Route(api=api, resource=props["Path"], method=str(props["Method"]).upper(),
                                function=function, authorizer=authorizer))
    return routes, list(apis.values())

