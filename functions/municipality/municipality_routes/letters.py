"""Letters (municipality-api.md, "Letters"): a case's PDF letters and the letter template."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import json_body, log
from .services import templates, views

TEMPLATE_MAX_BYTES = 64 * 1024

router = APIGatewayRouter()


@router.get("/cases/<case_id>/letters/<letter_id>")
def get_letter(code: str, case_id: str, letter_id: str):
    # The PDF bytes whatever the request's Accept (the API's binary media types are */*).
    return api.pdf_response(views.letter(code, case_id, letter_id), filename=f"{letter_id}.pdf")


@router.get("/letter-template")
def get_letter_template(code: str):
    return api.json_response(200, templates.get(code))


@router.delete("/letter-template")
def delete_letter_template(code: str):
    answer = templates.delete(code)
    log(code, "letter template removed: the default applies")
    return api.json_response(200, answer)


@router.put("/letter-template")
def put_letter_template(code: str):
    content_type = (router.current_event.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        body = json_body(router, TEMPLATE_MAX_BYTES)
    else:  # text/plain (or anything else): the raw Jinja2 text
        raw = api.read_bytes(router.current_event, max_bytes=TEMPLATE_MAX_BYTES)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise api.ApiError(400, "bad_request", "the template is not valid UTF-8 text") from None
    answer = templates.put(code, body)
    log(code, "letter template stored", variables=len(answer["variables"]))
    return api.json_response(200, answer)
