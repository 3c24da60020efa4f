"""Municipality API (municipality-api.md): criteria, baskets, cases, tasks,
letters. Thin: HTTP in, a service call, HTTP out.

Every route first checks the key: a municipality key for this `{code}` only
(a partner key or another municipality's key is 403); ids of another
municipality are 404 (the services look them up within `{code}`). Logs and
metrics carry ids and counts, never debtor data.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from vroegsignaal import api, observability
from vroegsignaal.adapters import letters as letter_store
from vroegsignaal.adapters import queues
from vroegsignaal.adapters.cases import CursorError
from vroegsignaal.adapters.criteria_store import CriteriaRepository
from vroegsignaal.adapters.workbaskets import MunicipalityCaseStore, MunicipalityTaskStore
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.services.casework import Casework
from vroegsignaal.services.criteria_admin import CriteriaAdmin, LetterTemplates
from vroegsignaal.services.views import Conflict, NotFound, Views

CRITERIA_MAX_BYTES = 64 * 1024
TEMPLATE_MAX_BYTES = 64 * 1024
BODY_MAX_BYTES = 64 * 1024  # move, contact attempt, close, task change: small JSON

logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app)

_cases = MunicipalityCaseStore()
_tasks = MunicipalityTaskStore()
_criteria = CriteriaRepository()
views = Views(cases=_cases, tasks=_tasks, criteria=_criteria, letters=letter_store)
casework = Casework(cases=_cases, tasks=_tasks, criteria=_criteria, send_steps=queues.send_steps)
criteria_admin = CriteriaAdmin(repository=_criteria, cases=_cases)
templates = LetterTemplates(store=letter_store)


@app.exception_handler(ValidationFailed)
def _validation(exc: ValidationFailed):
    return api.json_response(422, {"error": "validation", "details": exc.details})


@app.exception_handler(NotFound)
def _not_found(exc: NotFound):
    return api.json_response(404, {"error": "not_found", "message": str(exc)})


@app.exception_handler(Conflict)
def _conflict(exc: Conflict):
    return api.json_response(409, {"error": "conflict", "message": str(exc)})


@app.exception_handler(CursorError)
def _cursor(_exc: CursorError):
    return api.json_response(422, {"error": "validation",
                                   "details": [{"loc": ["query", "cursor"], "msg": "not a cursor of this list"}]})


def _caller(code: str) -> None:
    api.require_municipality(app.current_event, code)


def _log(code: str, message: str, **ids) -> None:
    """Ids and counts only: never debtor data, nor free text a consultant typed."""
    logger.info(message, extra={"municipality_code": code, **ids})


def _query() -> dict[str, str] | None:
    return app.current_event.query_string_parameters


def _body(max_bytes: int = BODY_MAX_BYTES):
    return api.read_json(app.current_event, max_bytes=max_bytes)


def _count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


# --------------------------------------------------------------------------- criteria


@app.get("/municipalities/<code>/criteria")
@tracer.capture_method
def get_criteria(code: str):
    _caller(code)
    return api.json_response(200, criteria_admin.get(code))


@app.put("/municipalities/<code>/criteria")
@tracer.capture_method
def put_criteria(code: str):
    _caller(code)
    body = criteria_admin.upload(code, _body(CRITERIA_MAX_BYTES))
    _log(code, "criteria uploaded", version=body["version"])
    _count("CriteriaUploaded")
    return api.json_response(201, body)


@app.get("/municipalities/<code>/criteria/versions")
@tracer.capture_method
def list_criteria_versions(code: str):
    _caller(code)
    return api.json_response(200, criteria_admin.versions(code))


@app.post("/municipalities/<code>/criteria/versions/<version>/activate")
@tracer.capture_method
def activate_criteria_version(code: str, version: str):
    _caller(code)
    body = criteria_admin.activate(code, version)
    _log(code, "criteria activated", version=body["version"])
    return api.json_response(200, body)


@app.post("/municipalities/<code>/criteria/preview")
@tracer.capture_method
def preview_criteria(code: str):
    _caller(code)
    body = criteria_admin.preview(code, _body(CRITERIA_MAX_BYTES), _query())
    _log(code, "criteria previewed", days=body["days"], cases=body["cases"], moved=body["moved"])
    return api.json_response(200, body)


# --------------------------------------------------------------------------- baskets and cases


@app.get("/municipalities/<code>/baskets")
@tracer.capture_method
def list_baskets(code: str):
    _caller(code)
    return api.json_response(200, views.baskets(code))


@app.get("/municipalities/<code>/baskets/<basket_id>/cases")
@tracer.capture_method
def list_basket_cases(code: str, basket_id: str):
    _caller(code)
    return api.json_response(200, views.basket_cases(code, basket_id, _query()))


@app.get("/municipalities/<code>/cases/<case_id>")
@tracer.capture_method
def get_case(code: str, case_id: str):
    _caller(code)
    return api.json_response(200, views.case(code, case_id))


@app.post("/municipalities/<code>/cases/<case_id>/move")
@tracer.capture_method
def move_case(code: str, case_id: str):
    _caller(code)
    body = casework.move(code, case_id, _body())
    _log(code, "case moved by hand", case_id=case_id, basket_id=body["basket_id"])
    _count("CasesMovedByHand")
    return api.json_response(200, body)


@app.post("/municipalities/<code>/cases/<case_id>/contact-attempts")
@tracer.capture_method
def add_contact_attempt(code: str, case_id: str):
    _caller(code)
    attempt = casework.add_contact_attempt(code, case_id, _body())
    _log(code, "contact attempt registered", case_id=case_id, attempt_id=attempt["attempt_id"])
    _count("ContactAttempts")
    return api.json_response(201, attempt)


@app.post("/municipalities/<code>/cases/<case_id>/close")
@tracer.capture_method
def close_case(code: str, case_id: str):
    _caller(code)
    body = casework.close(code, case_id, _body())
    _log(code, "case closed", case_id=case_id)
    _count("CasesClosed")
    return api.json_response(200, body)


@app.get("/municipalities/<code>/cases/<case_id>/letters/<letter_id>")
@tracer.capture_method
def get_letter(code: str, case_id: str, letter_id: str):
    _caller(code)
    pdf = views.letter(code, case_id, letter_id)
    # bytes: Powertools answers base64 with isBase64Encoded (the API lists application/pdf as binary).
    return Response(status_code=200, content_type="application/pdf", body=pdf, compress=False,
                    headers={"Content-Disposition": f'inline; filename="{letter_id}.pdf"'})


# --------------------------------------------------------------------------- tasks


@app.get("/municipalities/<code>/tasks")
@tracer.capture_method
def list_tasks(code: str):
    _caller(code)
    return api.json_response(200, views.task_list(code, _query()))


@app.patch("/municipalities/<code>/tasks/<task_id>")
@tracer.capture_method
def update_task(code: str, task_id: str):
    _caller(code)
    task = casework.update_task(code, task_id, _body())
    _log(code, "task changed", task_id=task_id, case_id=task["case_id"], status=task["status"])
    return api.json_response(200, task)


# --------------------------------------------------------------------------- letter template


@app.put("/municipalities/<code>/letter-template")
@tracer.capture_method
def put_letter_template(code: str):
    _caller(code)
    content_type = (app.current_event.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        body = _body(TEMPLATE_MAX_BYTES)
    else:  # text/plain (or anything else): the raw Jinja2 text
        raw = api.read_bytes(app.current_event, max_bytes=TEMPLATE_MAX_BYTES)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise api.ApiError(400, "bad_request", "the template is not valid UTF-8 text") from None
    answer = templates.put(code, body)
    _log(code, "letter template stored", variables=len(answer["variables"]))
    return api.json_response(200, answer)


# --------------------------------------------------------------------------- DDAS export


@app.get("/municipalities/<code>/exports/ddas")
@tracer.capture_method
def export_ddas(code: str):
    _caller(code)
    raise api.ApiError(501, "not_implemented", "the DDAS export is not available yet")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
