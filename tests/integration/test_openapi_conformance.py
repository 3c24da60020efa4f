"""The real handlers hold to docs/api/openapi.json: every route and every status
the document names is produced by a request here, the request conforms to the
document and so does the answer (status, content type, body schema)."""
from __future__ import annotations

import base64
import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, municipality
from tests.integration.test_municipality_api import OLD, add_letter, add_task, open_case
from tests.integration.uploads_helpers import uploads_bucket  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("tenants", "uploads_bucket")

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "docs" / "api" / "openapi.json").read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource("urn:openapi", Resource.from_contents(DOCUMENT, default_specification=DRAFT202012))
GM = "GM0632"
ENERGY = PARTNERS["energie-noord"]
MUNICIPALITY = municipality(GM)
CRITERIA = {"schema_version": 1, "baskets": [{"id": "alles", "name": "Alles", "action": "none"}]}


def pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def conforms(schema_path: tuple[str, ...], instance: Any) -> list[str]:
    """The errors of `instance` against the document's schema at that place."""
    validator = Draft202012Validator({"$ref": "urn:openapi#/" + pointer(*schema_path)}, registry=REGISTRY)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


class Answer:
    def __init__(self, response: dict[str, Any]):
        self.status = response["statusCode"]
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        headers.update({k.lower(): v[-1] for k, v in (response.get("multiValueHeaders") or {}).items() if v})
        self.content_type = headers.get("content-type", "").split(";")[0]
        raw = response.get("body") or ""
        self.bytes = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode("utf-8")
        self.body = json.loads(self.bytes) if self.content_type == "application/json" else self.bytes


class World:
    """What the scenarios need, made on first use."""

    def __init__(self, h):  # noqa: F811
        self.h = h

    @cached_property
    def case_id(self) -> str:
        return open_case(self.h, reference="EN-OPEN", debtor__date_of_birth=OLD)

    @cached_property
    def task_id(self) -> str:
        return add_task(self.case_id, step="s1")

    @cached_property
    def letter_id(self) -> str:
        return add_letter(self.case_id)

    @cached_property
    def closed_case_id(self) -> str:
        case_id = open_case(self.h, reference="EN-CLOSED", debtor__date_of_birth=OLD,
                            debtor__address__postcode="3441 ZZ", debtor__address__house_number=99)
        self.cancelled_task_id = add_task(case_id, step="s1")
        status = self.call("POST", f"/municipalities/{GM}/cases/{{case_id}}/close", {"case_id": case_id},
                           body={"outcome": "Verwijzing zonder contact"}).status
        assert status == 200
        return case_id

    @cached_property
    def stored_signal(self) -> dict:
        body = signal_body(reference="EN-STORED")
        assert self.call("POST", "/signals", body=body, principal=ENERGY).status == 201
        return body

    @cached_property
    def upload_id(self) -> str:
        answer = self.call("POST", "/signals/uploads", body={"filename": "a.csv", "content_type": "text/csv"},
                           principal=ENERGY)
        assert answer.status == 201
        return answer.body["upload_id"]

    def preview_as_a_job(self) -> Answer:
        """POST criteria/preview with the line at nothing: every window is a job."""
        from municipality_routes import services
        line = services.criteria_admin.at_once_cases
        services.criteria_admin.at_once_cases = -1
        try:
            return self.call("POST", f"/municipalities/{GM}/criteria/preview", body=CRITERIA)
        finally:
            services.criteria_admin.at_once_cases = line

    @cached_property
    def preview_job_id(self) -> str:
        answer = self.preview_as_a_job()
        assert answer.status == 202
        return answer.body["job_id"]

    def call(self, method: str, resource: str, params: dict | None = None, *, body: Any = None,
             raw_body: str | None = None, principal: dict | None = MUNICIPALITY, query: dict | None = None,
             content_type: str = "application/json") -> Answer:
        resource = resource.replace(f"/municipalities/{GM}", "/municipalities/{code}")
        params = {"code": GM, **(params or {})} if "{code}" in resource else (params or {})
        event = api_event(method, resource, params, body=body, raw_body=raw_body, principal=principal, query=query)
        event["headers"]["Content-Type"] = content_type
        event["multiValueHeaders"]["Content-Type"] = [content_type]
        if principal is None:
            event["requestContext"]["authorizer"] = None
        handler = self.h.intake if resource.startswith("/signals") else self.h.mun
        if resource.startswith("/signals/uploads"):
            import uploads_api
            handler = uploads_api.lambda_handler
        self.request = (method, resource, body)
        return Answer(handler(event, LambdaContext()))


# --------------------------------------------------------------------------- the scenarios

M = f"/municipalities/{GM}"
BODY_LIMIT = {"/signals": 1024 * 1024, "/signals/batch": 6 * 1024 * 1024}
SAMPLE_BODY = {
    ("POST", "/signals"): lambda w: signal_body(reference="EN-NEW"),
    ("POST", "/signals/batch"): lambda w: {"signals": [signal_body(reference="EN-B1"), signal_body(reference="EN-B2")]},
    ("POST", "/signals/uploads"): lambda w: {"filename": "achterstanden.csv", "content_type": "text/csv"},
    ("PUT", "/municipalities/{code}/criteria"): lambda w: CRITERIA,
    ("POST", "/municipalities/{code}/criteria/preview"): lambda w: CRITERIA,
    ("POST", "/municipalities/{code}/cases/{case_id}/move"): lambda w: {"basket_id": "crisis", "reason": "na gesprek"},
    ("POST", "/municipalities/{code}/cases/{case_id}/contact-attempts"):
        lambda w: {"type": "Telefoon", "reached": True, "part_of_day": "Ochtend"},
    ("POST", "/municipalities/{code}/cases/{case_id}/close"): lambda w: {"outcome": "Verwijzing zonder contact"},
    ("PATCH", "/municipalities/{code}/tasks/{task_id}"): lambda w: {"status": "done"},
    ("PUT", "/municipalities/{code}/letter-template"): lambda w: {"template": "Beste {{ naam }},\n\nGroet\n"},
}


SAMPLE_QUERY = {  # routes that answer only with a query (a search names what it looks for)
    ("GET", "/municipalities/{code}/cases"): {"name": "dijk"},
    ("GET", "/signals"): {"changed_since": "2026-11-20T08:00:00Z"},
    ("GET", "/municipalities/{code}/exports/ddas"): {"from": "2026-11-01", "to": "2026-11-30"},
    ("GET", "/municipalities/{code}/reports/monthly"): {"from": "2026-11", "to": "2026-12"},
}


def ids_of(w: World, resource: str) -> dict[str, str]:
    lazy = {"case_id": lambda: w.case_id, "task_id": lambda: w.task_id, "letter_id": lambda: w.letter_id,
            "reference": lambda: w.stored_signal["reference"], "version": lambda: "default",
            "basket_id": lambda: "enkelvoudig", "upload_id": lambda: w.upload_id,
            "job_id": lambda: w.preview_job_id}
    return {name: get() for name, get in lazy.items() if "{" + name + "}" in resource}


def success(w: World, method: str, resource: str) -> Answer:
    body = SAMPLE_BODY.get((method, resource), lambda w: None)(w)
    principal = ENERGY if resource.startswith("/signals") else MUNICIPALITY
    return w.call(method, resource, ids_of(w, resource), body=body, principal=principal,
                  query=SAMPLE_QUERY.get((method, resource)))


def unauthorized(w: World, method: str, resource: str) -> Answer:
    return w.call(method, resource, ids_of(w, resource), body=SAMPLE_BODY.get((method, resource), lambda w: None)(w),
                  principal=None)


def forbidden(w: World, method: str, resource: str) -> Answer:
    principal = MUNICIPALITY if resource.startswith("/signals") else ENERGY
    return w.call(method, resource, ids_of(w, resource), principal=principal,
                  body=SAMPLE_BODY.get((method, resource), lambda w: None)(w))


def not_json(w: World, method: str, resource: str) -> Answer:
    principal = ENERGY if resource.startswith("/signals") else MUNICIPALITY
    return w.call(method, resource, ids_of(w, resource), raw_body='{"not": json', principal=principal)


def too_large(w: World, method: str, resource: str) -> Answer:
    principal = ENERGY if resource.startswith("/signals") else MUNICIPALITY
    size = BODY_LIMIT.get(resource, 64 * 1024) + 1
    return w.call(method, resource, ids_of(w, resource), raw_body='"' + "x" * (size - 2) + '"', principal=principal)


def unknown_id(w: World, method: str, resource: str) -> Answer:
    principal = ENERGY if resource.startswith("/signals") else MUNICIPALITY
    ids = {name: "no-such-id" if name != "version" else "v99" for name in ids_of(w, resource)}
    if "letter_id" in ids:  # a real case, a letter it does not list
        ids["case_id"] = w.case_id
    return w.call(method, resource, ids, body=SAMPLE_BODY.get((method, resource), lambda w: None)(w),
                  principal=principal)


INVALID = {
    ("POST", "/signals"): dict(body=signal_body(amount="-1", debtor__address__postcode="ABCD")),
    ("POST", "/signals/batch"): dict(body={"signals": []}),
    ("GET", "/signals"): dict(query={"changed_since": "gisteren"}),
    ("POST", "/signals/uploads"): dict(body={"filename": "", "content_type": "text/plain"}),
    ("GET", "/signals/uploads/{upload_id}"): dict(query={"limit": "0"}),
    ("PUT", "/municipalities/{code}/criteria"): dict(body={"schema_version": 2, "baskets": []}),
    ("POST", "/municipalities/{code}/criteria/preview"): dict(body=CRITERIA, query={"days": "0"}),
    ("GET", "/municipalities/{code}/baskets/{basket_id}/cases"): dict(query={"limit": "0"}),
    ("POST", "/municipalities/{code}/cases/{case_id}/move"): dict(body={"basket_id": "crisis"}),
    ("POST", "/municipalities/{code}/cases/{case_id}/contact-attempts"): dict(body={"type": "Duif", "reached": 1}),
    ("POST", "/municipalities/{code}/cases/{case_id}/close"): dict(body={"outcome": "Klaar"}),
    ("GET", "/municipalities/{code}/tasks"): dict(query={"cursor": "not-one-of-ours"}),
    ("GET", "/municipalities/{code}/cases"): dict(query={"kenmerk": "K7QM-4XPD", "name": "dijk"}),
    ("PATCH", "/municipalities/{code}/tasks/{task_id}"): dict(body={"status": "later"}),
    ("PUT", "/municipalities/{code}/letter-template"): dict(body={"template": "{% if %}"}),
    ("GET", "/municipalities/{code}/audit"): dict(query={"from": "2026-13-01", "action": "case.eaten"}),
    ("GET", "/municipalities/{code}/exports/ddas"): dict(query={"from": "2026-12-01", "to": "2026-11-01"}),
    ("GET", "/municipalities/{code}/reports/monthly"): dict(query={"from": "2026-13", "to": "2026-11"}),
}


def invalid(w: World, method: str, resource: str) -> Answer:
    principal = ENERGY if resource.startswith("/signals") else MUNICIPALITY
    return w.call(method, resource, ids_of(w, resource), principal=principal, **INVALID[(method, resource)])


def in_a_state_that_forbids_it(w: World, method: str, resource: str) -> Answer:
    if resource == "/signals":
        assert w.stored_signal
        return w.call(method, resource, body=signal_body(reference="EN-STORED", amount="1.00"), principal=ENERGY)
    case_id = w.closed_case_id
    if "{task_id}" in resource:
        return w.call(method, resource, {"task_id": w.cancelled_task_id}, body={"status": "done"})
    return w.call(method, resource, {"case_id": case_id}, body=SAMPLE_BODY[(method, resource)](w))


def replayed(w: World, method: str, resource: str) -> Answer:
    return w.call(method, resource, body=w.stored_signal, principal=ENERGY)


def not_implemented(w: World, method: str, resource: str) -> Answer:
    return w.call(method, resource, query={"from": "2026-01-01", "to": "2026-01-31"})


def as_a_job(w: World, method: str, resource: str) -> Answer:
    return w.preview_as_a_job()


def scenario(method: str, resource: str, status: int):
    if (method, resource, status) == ("POST", "/signals", 200):
        return replayed
    if status == 202:
        return as_a_job
    if status in (200, 201):
        return success
    return {401: unauthorized, 403: forbidden, 400: not_json, 413: too_large, 404: unknown_id, 422: invalid,
            409: in_a_state_that_forbids_it, 501: not_implemented}[status]


ROUTES = [(method.upper(), path, sorted((int(status) for status in op["responses"]), key=lambda s: (s < 300, s)))
          for path, item in DOCUMENT["paths"].items() for method, op in item.items()]


def problems_of(answer: Answer, method: str, resource: str, status: int) -> list[str]:
    """How the answer departs from the document (nothing when it conforms)."""
    if answer.status != status:
        return [f"{status}: answered {answer.status} {answer.body!r:.200}"]
    documented = DOCUMENT["paths"][resource][method.lower()]["responses"][str(status)].get("content", {})
    if answer.content_type not in documented:
        return [f"{status}: content type {answer.content_type!r}, documented {list(documented)}"]
    if answer.content_type != "application/json":
        return [] if answer.bytes.startswith(b"%PDF") else [f"{status}: not a PDF"]
    where = ("paths", resource, method.lower(), "responses", str(status), "content", answer.content_type, "schema")
    return [f"{status}: {error}" for error in conforms(where, answer.body)]


@pytest.mark.parametrize("method,resource,statuses", ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_every_status_of_every_route_is_answered_as_documented(h, method, resource, statuses):  # noqa: F811
    """Errors first, then success (so a success that changes state, a close, comes last)."""
    world = World(h)
    problems = []
    for status in statuses:
        answer = scenario(method, resource, status)(world, method, resource)
        problems += problems_of(answer, method, resource, status)
    assert problems == []


@pytest.mark.parametrize("method,resource", list(SAMPLE_BODY), ids=[f"{m} {r}" for m, r in SAMPLE_BODY])
def test_the_requests_of_the_scenarios_conform_to_the_document(h, method, resource):  # noqa: F811
    body = SAMPLE_BODY[(method, resource)](World(h))
    where = ("paths", resource, method.lower(), "requestBody", "content", "application/json", "schema")
    assert conforms(where, body) == []


DESCRIBED_FUNCTIONS = ("IntakeFunction", "MunicipalityFunction")  # the partner API and the municipality API


def template_routes(functions: tuple[str, ...] | None = None) -> set[tuple[str, str]]:
    from infra.local.cfn import load_template
    template = load_template(ROOT / "template.yaml")
    routes = set()
    for name, resource in template["Resources"].items():
        if functions is not None and name not in functions:
            continue
        for event in (resource.get("Properties") or {}).get("Events", {}).values():
            if event.get("Type") == "Api":
                routes.add((event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return routes


DOCUMENTED = {(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item}


def test_the_document_describes_every_route_of_both_apis():
    assert template_routes(DESCRIBED_FUNCTIONS) - DOCUMENTED == set()


def test_every_documented_route_is_served():
    assert DOCUMENTED - template_routes() == set()
