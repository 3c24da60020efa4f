"""The criteria preview as a job, through the handlers against moto: a window over
the line answers 202 and queues the job's ids; the preview worker, fed the queue's
message, stores the spec's body; GET criteria/preview/{job_id} reads it."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from vroegsignaal.domain.criteria import example_document

from tests.integration.events import LambdaContext, sqs_event
from tests.integration.test_municipality_api import GM, OLD, OTHER, YOUNG, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")


@pytest.fixture
def h(aws, monkeypatch):
    import classify_stream
    import intake_api
    import municipality_api
    import preview_worker
    from municipality_routes import services

    return SimpleNamespace(intake=intake_api.lambda_handler, classify=classify_stream.lambda_handler,
                           mun=municipality_api.lambda_handler, worker=preview_worker.lambda_handler,
                           admin=services.criteria_admin, queue=aws.queues["PreviewQueue"].url)


def in_days(days: int) -> int:
    from vroegsignaal import clock
    return int(clock.now().timestamp()) + days * 86400


def queued_job(code: str, job_id: str = "pj-" + "a" * 24) -> str:  # shaped as ids.new_id("pj")
    """A queued preview job of that municipality, as POST criteria/preview stores it."""
    from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs
    DynamoPreviewJobs().create({"job_id": job_id, "municipality_code": code, "asked_by": "key-1", "status": "queued",
                                "days": 90, "created_at": "2026-11-27T09:00:00.000000Z",
                                "document": example_document(), "expires_at": in_days(3)})
    return job_id


def three_cases(h):
    open_case(h, reference="EN-1", debtor__date_of_birth=YOUNG)
    open_case(h, reference="EN-2", debtor__date_of_birth=OLD, debtor__address__house_number=14)
    open_case(h, reference="EN-3", debtor__date_of_birth=OLD, crisis=True, debtor__address__house_number=16)


def queued_messages(h):
    from vroegsignaal.adapters.aws import client
    messages = client("sqs").receive_message(QueueUrl=h.queue, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_a_large_windows_job_gives_what_the_synchronous_preview_gives(h, monkeypatch):
    three_cases(h)
    status, at_once = request(h, "POST", "/criteria/preview", body=example_document())
    assert status == 200 and at_once["cases"] == 3
    monkeypatch.setattr(h.admin, "at_once_cases", 2)
    status, job = request(h, "POST", "/criteria/preview", body=example_document())
    assert status == 202 and job["status"] == "queued" and job["days"] == 90
    (message,) = queued_messages(h)
    assert message == {"municipality_code": GM, "job_id": job["job_id"]}
    status, polled = request(h, "GET", "/criteria/preview/{job_id}", {"job_id": job["job_id"]})
    assert status == 200 and polled["status"] == "queued" and "result" not in polled
    assert h.worker(sqs_event([message], "vroegsignaal-PreviewQueue"), LambdaContext()) == {"batchItemFailures": []}
    status, polled = request(h, "GET", "/criteria/preview/{job_id}", {"job_id": job["job_id"]})
    assert status == 200 and polled["status"] == "done" and polled["result"] == at_once


def test_the_202_names_where_the_job_is_read(h, monkeypatch):
    from tests.integration.events import api_event, call, municipality

    monkeypatch.setattr(h.admin, "at_once_cases", -1)
    event = api_event("POST", "/municipalities/{code}/criteria/preview", {"code": GM}, body=example_document(),
                      principal=municipality(GM))
    response = h.mun(event, LambdaContext())
    job = json.loads(response["body"])
    assert response["statusCode"] == 202
    headers = {k.lower(): v[-1] for k, v in response["multiValueHeaders"].items()}
    location = headers["location"]
    assert location == f"/municipalities/{GM}/criteria/preview/{job['job_id']}"
    assert call(h.mun, api_event("GET", "/municipalities/{code}/criteria/preview/{job_id}",
                                 {"code": GM, "job_id": job["job_id"]}, principal=municipality(GM)))[0] == 200


def test_another_municipalitys_job_is_404(h, monkeypatch):
    monkeypatch.setattr(h.admin, "at_once_cases", -1)
    status, job = request(h, "POST", "/criteria/preview", body=example_document())
    assert status == 202
    status, body = request(h, "GET", "/criteria/preview/{job_id}", {"job_id": job["job_id"]}, code=OTHER)
    assert status == 404 and body["error"] == "not_found"


def test_a_redelivered_message_leaves_the_result_as_it_was(h, monkeypatch):
    three_cases(h)
    monkeypatch.setattr(h.admin, "at_once_cases", -1)
    _, job = request(h, "POST", "/criteria/preview", body=example_document())
    (message,) = queued_messages(h)
    event = sqs_event([message], "vroegsignaal-PreviewQueue")
    h.worker(event, LambdaContext())
    _, first = request(h, "GET", "/criteria/preview/{job_id}", {"job_id": job["job_id"]})
    assert h.worker(event, LambdaContext()) == {"batchItemFailures": []}
    assert request(h, "GET", "/criteria/preview/{job_id}", {"job_id": job["job_id"]})[1] == first


def test_the_job_store_keeps_the_documents_numbers_as_posted(aws):
    from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs

    jobs = DynamoPreviewJobs()
    document = {"schema_version": 1, "settings": {"high_amount": {"default": 1250.5, "energy": 900}},
                "baskets": [{"id": "rest", "name": "Rest", "action": "none"}]}
    jobs.create({"job_id": "pj-1", "municipality_code": GM, "asked_by": "user-1", "status": "queued", "days": 90,
                 "created_at": "2026-11-27T09:00:00.000000Z", "document": document, "expires_at": in_days(3)})
    started = jobs.start(GM, "pj-1", started_at="2026-11-27T09:00:01.000000Z", last_attempt=True)
    assert started["status"] == "running" and started["last_attempt"] is True
    assert json.dumps(started["document"]) == json.dumps(document)
    jobs.finish(GM, "pj-1", {"days": 90, "cases": 0}, finished_at="2026-11-27T09:00:02.000000Z")
    done = jobs.get(GM, "pj-1")
    assert (done["status"], done["result"], done["document"]) == ("done", {"days": 90, "cases": 0}, None)
    assert jobs.start(GM, "pj-1", started_at="2026-11-27T09:00:03.000000Z", last_attempt=False) is None  # finished: not again
    assert jobs.get(OTHER, "pj-1") is None


def test_an_expired_job_is_gone_before_ttl_deletes_it(aws):
    from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs

    jobs = DynamoPreviewJobs()
    jobs.create({"job_id": "pj-old", "municipality_code": GM, "asked_by": "user-1", "status": "queued", "days": 90,
                 "created_at": "2026-11-01T09:00:00.000000Z", "document": example_document(),
                 "expires_at": in_days(-1)})
    assert jobs.get(GM, "pj-old") is None
