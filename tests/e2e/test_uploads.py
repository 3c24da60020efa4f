"""File uploads on the local stack (issue 12): POST /signals/uploads, the PUT to the
presigned address, the stack's S3 notification to the import function, and the results.

Needs the local stack to deliver S3 object notifications to their functions (engineer
"local", issue 12 item 3). The 50 000-row file is the slowest test of the suite
(a few minutes: one conditional write per row in moto).
"""
from __future__ import annotations

import time
import urllib.request
import uuid

import pytest

from tests.e2e.client import request
from tests.integration.uploads_helpers import CSV, csv_file, data_row

pytestmark = pytest.mark.e2e
# make test imports a file of this many rows on the session's stack (its pipeline then classifies
# them); the 50 000-row figure (the limit per file) comes from make bench (bench/bench_import.py).
LARGE_ROWS = 250  # three chunks of the import (services/imports.CHUNK_ROWS)
DEADLINE_SECONDS = 1200
NOTIFICATION_SECONDS = 60


def put(url: str, data: bytes, content_type: str) -> int:
    upload = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": content_type})
    with urllib.request.urlopen(upload, timeout=120) as response:
        return response.status


def upload_file(stack, key: str, data: bytes) -> str:
    status, created = request(stack, "POST", "/signals/uploads", key=key,
                              body={"filename": "achterstanden.csv", "content_type": CSV})
    assert status == 201, created
    assert put(created["upload_url"], data, CSV) == 200
    return created["upload_id"]


def wait_until_finished(stack, key: str, upload_id: str) -> dict:
    started = time.monotonic()
    while True:
        status, view = request(stack, "GET", f"/signals/uploads/{upload_id}?limit=1", key=key)
        assert status == 200, view
        if view["status"] in ("done", "failed"):
            return view
        waited = time.monotonic() - started
        assert view["status"] != "waiting" or waited < NOTIFICATION_SECONDS, (
            f"no import started {NOTIFICATION_SECONDS} s after the PUT: the local stack did not deliver "
            f"the S3 notification to ImportFunction\n{stack.log_tail()}")
        assert waited < DEADLINE_SECONDS, f"still {view['status']} after {DEADLINE_SECONDS} s: {view}"
        time.sleep(1)


def rows(count: int, prefix: str) -> bytes:
    return csv_file([data_row(n, reference=f"{prefix}-{n:06d}") for n in range(1, count + 1)])


def test_a_csv_is_imported_with_every_row_accounted_for(local_stack):
    key = local_stack.partner_keys["energie-noord"]
    prefix = f"E2E{uuid.uuid4().hex[:8]}"
    data = rows(LARGE_ROWS - 1, prefix)
    data += csv_file([data_row(LARGE_ROWS, reference=f"{prefix}-BAD", amount="nul")]).split(b"\r\n", 1)[1]
    upload_id = upload_file(local_stack, key, data)
    view = wait_until_finished(local_stack, key, upload_id)
    assert view["status"] == "done", view
    assert view["rows"] == LARGE_ROWS
    assert view["received"] + view["duplicates"] + view["rejected"] == view["rows"]
    assert (view["received"], view["rejected"]) == (LARGE_ROWS - 1, 1)
    seen, cursor = 0, None
    for _ in range(LARGE_ROWS // 100 + 2):
        path = f"/signals/uploads/{upload_id}?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page = request(local_stack, "GET", path, key=key)
        assert status == 200
        assert [r["index"] for r in page["results"]] == list(range(seen + 1, seen + 1 + len(page["results"])))
        seen += len(page["results"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == LARGE_ROWS
    status, signal = request(local_stack, "GET", f"/signals/{prefix}-{LARGE_ROWS - 1:06d}", key=key)
    assert status == 200 and signal["status"] in ("received", "in_progress")
    # The stack is shared with the tests after this one: let its pipeline classify these first.
    status, quiet = request(local_stack, "POST", "/_local/drain", body={"timeout": 240}, timeout=260)
    assert status == 200, quiet


def test_the_same_file_twice_gives_duplicates_and_another_partner_gets_404(local_stack):
    key = local_stack.partner_keys["energie-noord"]
    data = rows(20, f"E2E{uuid.uuid4().hex[:8]}")
    first = wait_until_finished(local_stack, key, upload_file(local_stack, key, data))
    second_id = upload_file(local_stack, key, data)
    second = wait_until_finished(local_stack, key, second_id)
    assert (first["received"], second["received"], second["duplicates"]) == (20, 0, 20)
    status, body = request(local_stack, "GET", f"/signals/uploads/{second_id}",
                           key=local_stack.partner_keys["woonstede"])
    assert (status, body["error"]) == (404, "not_found")
