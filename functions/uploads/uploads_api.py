"""Partner file uploads (signals-api.md): POST /signals/uploads, GET /signals/uploads/{upload_id}.
Thin: HTTP in, services.uploads, HTTP out. (Uses only api.install, json_response, read_json,
require_partner and ApiError of vroegsignaal.api.)"""
from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from vroegsignaal import api, observability
from vroegsignaal.adapters.uploads import DynamoUploads, UploadsBucket
from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.domain.uploads.results_csv import results_csv
from vroegsignaal.services.uploads import Uploads

REQUEST_MAX_BYTES = 64 * 1024
CSV = "text/csv"

logger = Logger()
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app)

uploads = Uploads(DynamoUploads(), UploadsBucket())


@app.exception_handler(ValidationFailed)
def _validation(exc: ValidationFailed):
    return api.json_response(422, {"error": "validation", "details": exc.details})


@app.exception_handler(NotFound)
def _not_found(exc: NotFound):
    return api.json_response(404, {"error": "not_found", "message": str(exc)})


@app.post("/signals/uploads")
@tracer.capture_method
def create_upload():
    partner = api.require_partner(app.current_event)
    body = api.read_json(app.current_event, max_bytes=REQUEST_MAX_BYTES)
    created = uploads.create(partner, body)
    logger.info("upload created", extra={"partner_id": partner["partner_id"], "upload_id": created["upload_id"]})
    return api.json_response(201, created)


@app.get("/signals/uploads/<upload_id>")
@tracer.capture_method
def get_upload(upload_id: str):
    partner = api.require_partner(app.current_event)
    report = uploads.report(partner, upload_id, app.current_event.query_string_parameters)
    if _wants_csv(app.current_event.headers.get("accept") or app.current_event.headers.get("Accept") or ""):
        headers = {"X-Next-Cursor": report["next_cursor"]} if report["next_cursor"] else None
        return Response(status_code=200, content_type=f"{CSV}; charset=utf-8", body=results_csv(report["results"]),
                        headers=headers)
    return api.json_response(200, report)


def _wants_csv(accept: str) -> bool:
    return any(part.split(";")[0].strip().lower() == CSV for part in accept.split(","))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
