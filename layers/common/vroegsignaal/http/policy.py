"""Who may use each route of the municipality API, and what the audit trail
records of it (identity.md): ONE table, `RULES`, a row per route (method and
path below /municipalities/{code}), read by one middleware (`guard`).

Per request, before the route runs: a caller without a membership of `{code}`
is 403 (a partner key has none; a municipality key is the `coordinator` of its
own), a role the row does not name is 403, and a `bezoeker` reaches only the
tasks assigned to them and those tasks' cases (any other id 404, as if absent).
After a 2xx answer the row's audit action is recorded with the caller as
actor and the row's details: ids and enum values only, never debtor data, a
note or a search term. A route without a row is refused (403): a test checks
that every route of the app has one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.domain.identity import COORDINATORS, EVERY_ROLE, STAFF, Caller, Role
from vroegsignaal.domain.json_text import NotJson, loads

from . import callers
from .bodies import raw_body
from .errors import ApiError

PREFIX = "/municipalities/{code}"


class Exchange:
    """What a request and its answer hold that a row's details may name (the answer
    is read only when a detail asks for it: a case view can be large)."""

    def __init__(self, path: dict[str, str], query: dict[str, str], body: Any, answer: Any = None,
                 answer_text: str | None = None) -> None:
        self.path, self.query, self.body = path, query, body
        self._answer, self._answer_text = answer, answer_text

    @property
    def answer(self) -> Any:
        if self._answer is None and self._answer_text is not None:
            self._answer, self._answer_text = _json(self._answer_text), None
        return self._answer


Detail = Callable[[Exchange], Any]
Actions = Callable[[Exchange], tuple[str, ...]]


def from_path(name: str) -> Detail:
    return lambda exchange: exchange.path.get(name)


def from_query(name: str) -> Detail:
    return lambda exchange: exchange.query.get(name)


def from_body(name: str) -> Detail:
    return lambda exchange: exchange.body.get(name) if isinstance(exchange.body, dict) else None


def from_answer(name: str) -> Detail:
    return lambda exchange: exchange.answer.get(name) if isinstance(exchange.answer, dict) else None


def constant(value: str) -> Detail:
    return lambda _exchange: value


SEARCH_KINDS = {"kenmerk": "kenmerk", "postcode": "address", "house_number": "address", "name": "name"}


def search_kind(exchange: Exchange) -> str | None:
    """Which search it was (kenmerk, address, name), never its terms."""
    kinds = sorted({SEARCH_KINDS[name] for name in exchange.query if name in SEARCH_KINDS})
    return ",".join(kinds) or None


def task_change_actions(exchange: Exchange) -> tuple[str, ...]:
    """A task change is an assignment, a finish (or both), an un-assignment or a reopening."""
    body = exchange.body if isinstance(exchange.body, dict) else {}
    actions = []
    if "assignee" in body:
        actions.append("task.assigned" if body["assignee"] is not None else "task.unassigned")
    if body.get("status") == "done":
        actions.append("task.finished")
    elif body.get("status") == "open":
        actions.append("task.reopened")
    return tuple(actions)


Visitor = Literal["case", "task", "tasks"]


@dataclass(frozen=True, slots=True)
class Rule:
    """`roles`: who may; `action`: the audit action after a 2xx (a callable when the
    body decides, None: not recorded); `details`: enum-only values it records;
    `visitor`: how a bezoeker's reach is checked when `roles` names bezoeker
    (the case of the path, the task of the path, or the task list, filtered by
    the route to their own); `case_in_answer`: the entry is about the answer's case."""

    roles: frozenset[Role]
    action: str | Actions | None = None
    details: tuple[tuple[str, Detail], ...] = ()
    visitor: Visitor | None = None
    case_in_answer: bool = False

    def actions(self, exchange: Exchange) -> tuple[str, ...]:
        if self.action is None:
            return ()
        return (self.action,) if isinstance(self.action, str) else self.action(exchange)


# Every route of the municipality API (municipality-api.md, identity.md), also those
# other parts of the system are still building (reports, users, audit, search).
RULES: dict[tuple[str, str], Rule] = {
    # criteria: a consulent may read them, only a coordinator changes them
    ("GET", "/criteria"): Rule(STAFF),
    ("PUT", "/criteria"): Rule(COORDINATORS, "criteria.uploaded", (("version", from_answer("version")),)),
    ("GET", "/criteria/versions"): Rule(STAFF),
    ("POST", "/criteria/versions/{version}/activate"):
        Rule(COORDINATORS, "criteria.activated", (("version", from_path("version")),)),
    ("POST", "/criteria/preview"): Rule(COORDINATORS),
    ("GET", "/criteria/preview/{job_id}"): Rule(COORDINATORS),  # a large window's preview, as a job
    # baskets and cases
    ("GET", "/baskets"): Rule(STAFF),
    ("GET", "/baskets/{basket_id}/cases"):
        Rule(STAFF, "basket.cases_listed", (("basket_id", from_path("basket_id")), ("status", from_query("status")))),
    ("GET", "/cases"): Rule(STAFF, "search.performed", (("kind", search_kind),)),
    ("GET", "/cases/{case_id}"): Rule(EVERY_ROLE, "case.viewed", visitor="case"),
    ("POST", "/cases/{case_id}/move"): Rule(STAFF, "case.moved", (("basket_id", from_body("basket_id")),)),
    ("POST", "/cases/{case_id}/contact-attempts"):
        Rule(EVERY_ROLE, "contact_attempt.registered",
             (("attempt_id", from_answer("attempt_id")), ("type", from_body("type")),
              ("reached", from_body("reached")), ("part_of_day", from_body("part_of_day"))), visitor="case"),
    ("POST", "/cases/{case_id}/close"): Rule(STAFF, "case.closed", (("outcome", from_body("outcome")),)),
    ("GET", "/cases/{case_id}/letters/{letter_id}"):
        Rule(STAFF, "letter.downloaded", (("letter_id", from_path("letter_id")),)),
    # tasks: a bezoeker sees and finishes their own
    ("GET", "/tasks"): Rule(EVERY_ROLE, "tasks.listed", (("status", from_query("status")),), visitor="tasks"),
    ("PATCH", "/tasks/{task_id}"):
        Rule(EVERY_ROLE, task_change_actions, (("task_id", from_path("task_id")), ("assignee", from_body("assignee")),
                                               ("status", from_body("status"))), visitor="task", case_in_answer=True),
    # the letter template
    ("GET", "/letter-template"): Rule(COORDINATORS),
    ("PUT", "/letter-template"): Rule(COORDINATORS, "letter_template.changed", (("template", constant("custom")),)),
    ("DELETE", "/letter-template"):
        Rule(COORDINATORS, "letter_template.changed", (("template", constant("default")),)),
    # the national monitor and the reports
    ("GET", "/exports/ddas"):
        Rule(COORDINATORS, "export.downloaded", (("from", from_query("from")), ("to", from_query("to")))),
    ("GET", "/reports/monthly"): Rule(COORDINATORS),
    # people and the audit trail
    ("GET", "/users"): Rule(STAFF),
    ("GET", "/audit"): Rule(COORDINATORS),
}


def rule_for(method: str, path: str) -> Rule | None:
    """The row of a route (`path` as the app spells it, with {name} parameters)."""
    if not path.startswith(PREFIX):
        return None
    return RULES.get((method.upper(), path[len(PREFIX):]))


# --------------------------------------------------------------------------- the middleware


class Visits(Protocol):
    """Whether a bezoeker reaches an id: a task assigned to them, or a case holding one."""

    def case_reachable(self, code: str, case_id: str, user_id: str) -> bool: ...

    def task_reachable(self, code: str, task_id: str, user_id: str) -> bool: ...


class Trail(Protocol):
    def record(self, *, code: str, actor: dict[str, str], action: str, case_id: str | None,
               details: dict[str, Any], change: bool) -> None: ...


def check(caller: Caller, code: str, rule: Rule) -> None:
    """403 without a membership of `code` or without a role the row names."""
    role = caller.role_in(code)
    if role is None:
        raise ApiError(403, "forbidden", "no access to that municipality")
    if role not in rule.roles:
        raise ApiError(403, "forbidden", f"the role {role.value} may not use this route")


def task_list_query(caller: Caller, code: str, query: dict[str, str] | None) -> dict[str, str]:
    """The task list's query as the caller may ask it: a bezoeker's own tasks whatever
    the query says; `assignee=me` is the signed-in person (422 for a key, no person)."""
    asked = dict(query or {})
    if caller.is_visitor_in(code):
        return {**asked, "assignee": caller.id}
    if asked.get("assignee") == "me":
        if not caller.is_person:
            raise ValidationFailed([{"loc": ["query", "assignee"],
                                     "msg": "'me' is a signed-in person; a key is none"}])
        asked["assignee"] = caller.id
    return asked


INSPECTED_MAX_BYTES = 64 * 1024  # the municipality API's bodies are this small; a larger one is the route's 413


def _request_json(raw: bytes) -> Any:
    """The request body as JSON, when it is small enough to be one the route accepts."""
    return _json(raw) if len(raw) <= INSPECTED_MAX_BYTES else None


def _json(text: Any) -> Any:
    """JSON text -> value; None for anything else (the route answers a bad body itself)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str) or not text:
        return None
    try:
        return loads(text)
    except NotJson:
        return None


def _visitor_reach(visits: Visits, caller: Caller, code: str, rule: Rule, arguments: dict[str, str],
                   body: Any) -> None:
    """A bezoeker's ids: 404 for anything not theirs; a task's assignee is not theirs to set."""
    if rule.visitor == "case" and not visits.case_reachable(code, arguments["case_id"], caller.id):
        raise NotFound("no case with that id in this municipality")
    if rule.visitor == "task":
        if not visits.task_reachable(code, arguments["task_id"], caller.id):
            raise NotFound("no task with that id in this municipality")
        if isinstance(body, dict) and "assignee" in body:
            raise ApiError(403, "forbidden", "the role bezoeker may set a task's status, not its assignee")


def _details(rule: Rule, exchange: Exchange) -> dict[str, Any]:
    found = {name: read(exchange) for name, read in rule.details}
    return {name: value for name, value in found.items() if isinstance(value, str | bool | int)}


def guard(visits: Visits, trail: Trail) -> Callable[[Any, Callable[[Any], Any]], Any]:
    """The municipality API's middleware (after the path parameters are decoded)."""

    def municipality_guard(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
        route = app.context.get("_route")
        rule = rule_for(route.method, route.openapi_path) if route is not None else None
        arguments = dict(app.context.get("_route_args") or {})
        caller = callers.caller(app.current_event)  # 401 without a principal
        if rule is None:
            raise ApiError(403, "forbidden", "this route has no access rule")
        code = arguments.get("code") or ""
        check(caller, code, rule)
        event = app.current_event
        body = _request_json(raw_body(event)) if rule.visitor == "task" or rule.action is not None else None
        if caller.is_visitor_in(code):
            _visitor_reach(visits, caller, code, rule, arguments, body)
        app.append_context(caller=caller)
        response = next_middleware(app)
        if 200 <= response.status_code < 300 and rule.action is not None:
            exchange = Exchange(path=arguments, query=dict(event.query_string_parameters or {}), body=body,
                                answer_text=response.body if "json" in str(response.content_type) else None)
            case_id = arguments.get("case_id") or (
                exchange.answer.get("case_id") if rule.case_in_answer and isinstance(exchange.answer, dict) else None)
            for action in rule.actions(exchange):
                trail.record(code=code, actor=caller.actor(), action=action, case_id=case_id,
                             details=_details(rule, exchange), change=route.method != "GET")
        return response

    return municipality_guard
