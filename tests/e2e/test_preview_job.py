"""The criteria preview of a large window, as a job, on the local stack (real
template, real handlers, in-process so the test can lower the line): the POST
answers 202, the preview queue's worker runs the job, and the job's result is
what the synchronous preview gave over the same cases."""
from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from infra.local import LocalStack
from tests.e2e.client import request
from tests.factories import signal_body

pytestmark = pytest.mark.e2e
TENANTS = Path(__file__).resolve().parents[2] / "infra" / "tenants.demo.json"
GM = "GM0632"
CRITERIA = {"schema_version": 1, "baskets": [
    {"id": "crisis", "name": "Crisis", "action": "phone_call", "when": {"fact": "crisis", "equals": True}},
    {"id": "rest", "name": "Rest", "action": "letter"}]}


@contextmanager
def every_window_a_job():
    """The municipality function's line at nothing (it runs in this process)."""
    admin = sys.modules["municipality_routes.services"].criteria_admin
    line, admin.at_once_cases = admin.at_once_cases, -1
    try:
        yield
    finally:
        admin.at_once_cases = line


def test_a_large_windows_job_gives_what_the_synchronous_preview_gives():
    tenants = json.loads(TENANTS.read_text())
    partner = tenants["partners"][0]
    key = next(m["api_key"] for m in tenants["municipalities"] if m["code"] == GM)
    with LocalStack(port=0, tenants=TENANTS, environment={"POWERTOOLS_LOG_LEVEL": "ERROR"}) as stack:
        for n in range(3):
            status, _ = request(stack, "POST", "/signals", key=partner["api_key"], body=signal_body(
                reference=f"EN-PJ-{n}", crisis=n == 0, debtor__address__house_number=n + 1))
            assert status == 201
        stack.wait_until_quiet(timeout=60)
        status, at_once = request(stack, "POST", f"/municipalities/{GM}/criteria/preview", key=key, body=CRITERIA)
        assert status == 200 and at_once["cases"] == 3

        with every_window_a_job():
            status, job = request(stack, "POST", f"/municipalities/{GM}/criteria/preview", key=key, body=CRITERIA)
        assert status == 202 and job["status"] == "queued"
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            status, job = request(stack, "GET", f"/municipalities/{GM}/criteria/preview/{job['job_id']}", key=key)
            assert status == 200
        assert job["status"] == "done" and job["result"] == at_once
        other = next(m["api_key"] for m in tenants["municipalities"] if m["code"] != GM)
        other_code = next(m["code"] for m in tenants["municipalities"] if m["code"] != GM)
        status, _ = request(stack, "GET", f"/municipalities/{other_code}/criteria/preview/{job['job_id']}", key=other)
        assert status == 404
