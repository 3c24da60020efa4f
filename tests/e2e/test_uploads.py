"""File uploads on the local stack (issue 12): POST /signals/uploads, the PUT to the
presigned address, the stack's S3 notification to the import function, and the results.

The 50 000-row file (the limit per file) runs on a stack of its own whose pipeline does
not classify: the import's accounting is what it shows, and classifying 50 000 signals
on moto would take far longer than the import (every other e2e test classifies what it
sends). It prints its rows per second.
"""
from __future__ import annotations

import os
import time
import urllib.request
import uuid

import pytest

from tests.e2e.client import request
from tests.e2e.conftest import ROOT, serving_stack
from tests.integration.uploads_helpers import CSV, csv_file, data_row

pytestmark = pytest.mark.e2e
# make test imports a file of this many rows on the session's stack (its pipeline then classifies
# them); the 50 000-row figure (the limit per file) comes from make bench (bench/bench_import.py).
LARGE_ROWS = 250  # three chunks of the import (services/imports.CHUNK_ROWS)
FULL_ROWS = int(os.environ.get("VS_E2E_FULL_ROWS", "50000"))  # signals-api.md: at most 50 000 rows a file
DEADLINE_SECONDS = 1200
NOTIFICATION_SECONDS = 60
STALL_SECONDS = 300


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


def wait_until_finished(stack, key: str, upload_id: str, *, deadline_seconds: float | None = DEADLINE_SECONDS,
                        poll_seconds: float = 1) -> dict:
    """The upload once done or failed. Without a deadline it waits as long as the import moves
    on (rows_done grows at least every STALL_SECONDS): a loaded machine is slow, not wrong."""
    started = moved = time.monotonic()
    rows_done = 0
    while True:
        status, view = request(stack, "GET", f"/signals/uploads/{upload_id}?limit=1", key=key)
        assert status == 200, view
        if view["status"] in ("done", "failed"):
            return view
        now = time.monotonic()
        assert view["status"] != "waiting" or now - started < NOTIFICATION_SECONDS, (
            f"no import started {NOTIFICATION_SECONDS} s after the PUT: the local stack did not deliver "
            f"the S3 notification to ImportFunction\n{stack.log_tail()}")
        if view["rows_done"] > rows_done:
            rows_done, moved = view["rows_done"], now
        assert now - moved < STALL_SECONDS, f"no row handled for {STALL_SECONDS} s: {view}"
        assert deadline_seconds is None or now - started < deadline_seconds, (
            f"still {view['status']} after {deadline_seconds} s: {view}")
        time.sleep(poll_seconds)


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


@pytest.fixture(scope="module")
def stack_without_classification(tmp_path_factory):
    """A stack of its own whose stream feeds no signal to classification (its filter matches
    none), stopped with whatever it still holds when the module is done."""
    folder = tmp_path_factory.mktemp("stack-50k")
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    pattern = '''{"NewImage": {"type": {"S": ["signal"]}}}'''
    assert text.count(pattern) == 1, "the classify function's stream filter changed: adapt this test"
    text = text.replace(pattern, '''{"NewImage": {"type": {"S": ["not-classified-on-this-stack"]}}}''')
    for folder_key in ("CodeUri: functions/", "ContentUri: layers/"):  # the code stays where it is
        text = text.replace(folder_key, folder_key.replace(": ", f": {ROOT}/"))
    template = folder / "template.yaml"
    template.write_text(text, encoding="utf-8")
    with serving_stack(folder, template) as stack:
        yield stack


@pytest.mark.large
def test_a_50000_row_csv_is_imported_with_every_row_accounted_for(stack_without_classification):
    stack = stack_without_classification
    key = stack.partner_keys["energie-noord"]
    prefix = f"E2E{uuid.uuid4().hex[:8]}"
    body = [data_row(n, reference=f"{prefix}-{n:06d}") for n in range(1, FULL_ROWS - 1)]
    body.append(data_row(1, reference=f"{prefix}-{1:06d}"))  # row 1 again: a duplicate
    body.append(data_row(FULL_ROWS, reference=f"{prefix}-BAD", amount="nul"))
    started = time.monotonic()
    upload_id = upload_file(stack, key, csv_file(body))
    view = wait_until_finished(stack, key, upload_id, deadline_seconds=None, poll_seconds=5)
    seconds = time.monotonic() - started
    print(f"\nimport on the local stack: {FULL_ROWS} rows in {seconds:.0f} s ({FULL_ROWS / seconds:.0f} rows/s, "
          "PUT and notification included)")
    assert view["status"] == "done", view
    assert view["rows"] == view["rows_done"] == FULL_ROWS
    assert view["received"] + view["duplicates"] + view["rejected"] == view["rows"]
    assert (view["received"], view["duplicates"], view["rejected"]) == (FULL_ROWS - 2, 1, 1)
    statuses, cursor = [], None
    for _ in range(FULL_ROWS // 1000 + 2):
        path = f"/signals/uploads/{upload_id}?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        status, page = request(stack, "GET", path, key=key)
        assert status == 200
        statuses += [(r["index"], r["status"]) for r in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [index for index, _ in statuses] == list(range(1, FULL_ROWS + 1))  # every row has its result
    assert statuses[-2:] == [(FULL_ROWS - 1, 200), (FULL_ROWS, 422)]
