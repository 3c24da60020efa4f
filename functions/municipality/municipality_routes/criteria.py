"""Criteria (municipality-api.md, "Criteria"): the active version, uploads, versions, preview."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import count, json_body, log, query
from .services import criteria_admin

CRITERIA_MAX_BYTES = 64 * 1024

router = APIGatewayRouter()


@router.get("/criteria")
def get_criteria(code: str):
    return api.json_response(200, criteria_admin.get(code))


@router.put("/criteria")
def put_criteria(code: str):
    body = criteria_admin.upload(code, json_body(router, CRITERIA_MAX_BYTES))
    log(code, "criteria uploaded", version=body["version"])
    count("CriteriaUploaded")
    return api.json_response(201, body)


@router.get("/criteria/versions")
def list_criteria_versions(code: str):
    return api.json_response(200, criteria_admin.versions(code))


@router.post("/criteria/versions/<version>/activate")
def activate_criteria_version(code: str, version: str):
    body = criteria_admin.activate(code, version)
    log(code, "criteria activated", version=body["version"])
    return api.json_response(200, body)


@router.post("/criteria/preview")
def preview_criteria(code: str):
    """At once (200, the spec's body) for a small window; else 202 and a job to poll."""
    answer = criteria_admin.ask_preview(code, json_body(router, CRITERIA_MAX_BYTES), query(router),
                                        asked_by=router.context["caller"].id)
    if answer.result is not None:
        body = answer.result
        log(code, "criteria previewed", days=body["days"], cases=body["cases"], moved=body["moved"])
        return api.json_response(200, body)
    job = answer.job
    log(code, "criteria preview queued", job_id=job["job_id"], days=job["days"])
    count("CriteriaPreviewJobs")
    return api.json_response(202, job,
                             headers={"Location": f"/municipalities/{code}/criteria/preview/{job['job_id']}"})


@router.get("/criteria/preview/<job_id>")
def get_preview_job(code: str, job_id: str):
    return api.json_response(200, criteria_admin.preview_job(code, job_id))
