"""An import killed half-way and retried, through the import function against moto:
each row stored once, progress that never lies, counts that add up.

The larger of the upload tests (3 000 rows, 30 chunks: about 6 s of CPU); the
50 000-row file runs on the local stack (tests/e2e/test_uploads.py) and in
`python -m bench.bench_import`."""
from __future__ import annotations

import threading

import pytest

from tests.integration.events import PARTNERS, LambdaContext, api_event, call
from tests.integration.uploads_helpers import CSV, csv_file, data_row, s3_event, uploads_bucket

pytestmark = pytest.mark.usefixtures("tenants", "uploads_bucket")
__all__ = ["uploads_bucket"]
ENERGY = PARTNERS["energie-noord"]
ROWS, KILLED_AFTER = 3000, 1234


class Killed(Exception):
    """The function dies (a timeout, out of memory) in the middle of the file."""


class DiesAfter:
    """The intake until `rows` rows were handled; then every call fails (the function is gone).
    Counted under a lock: the import function handles rows side by side."""

    def __init__(self, intake, rows: int):
        self.intake, self.rows_left, self.lock = intake, rows, threading.Lock()

    def receive(self, raw, partner):
        with self.lock:
            if self.rows_left == 0:
                raise Killed()
            self.rows_left -= 1
        return self.intake.receive(raw, partner)


def stored_references() -> list[str]:
    from vroegsignaal.adapters import table
    references, kwargs = [], {"TableName": table.table_name(), "FilterExpression": "#t = :signal",
                              "ExpressionAttributeNames": {"#t": "type"},
                              "ExpressionAttributeValues": {":signal": {"S": "signal"}}}
    while True:
        page = table.dynamodb().scan(**kwargs)
        references += [item["reference"]["S"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return references
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_an_import_killed_half_way_and_retried_stores_each_row_once(monkeypatch):
    import import_file
    import uploads_api
    from vroegsignaal.adapters.aws import client
    _, created = call(uploads_api.lambda_handler, api_event(
        "POST", "/signals/uploads", body={"filename": "groot.csv", "content_type": CSV}, principal=ENERGY))
    bucket, key = uploads_bucket_name(), f"uploads/{created['upload_id']}"
    rows = [data_row(n) for n in range(1, ROWS + 1)]
    rows[-1] = data_row(ROWS, amount="nul")
    client("s3").put_object(Bucket=bucket, Key=key, Body=csv_file(rows), ContentType=CSV)
    head = client("s3").head_object(Bucket=bucket, Key=key)
    event = s3_event(bucket, key, etag=head["ETag"], size=head["ContentLength"])

    intake = import_file.imports.intake
    monkeypatch.setattr(import_file.imports, "intake", DiesAfter(intake, KILLED_AFTER))
    with pytest.raises(Killed):
        import_file.lambda_handler(event, LambdaContext())
    view = report(uploads_api, created["upload_id"])
    assert (view["status"], view["rows"], view["rows_done"]) == ("processing", ROWS, KILLED_AFTER // 100 * 100)
    assert view["received"] == view["rows_done"]  # the progress does not lie

    monkeypatch.setattr(import_file.imports, "intake", intake)
    import_file.lambda_handler(event, LambdaContext())  # Lambda's retry of the same notification
    view = report(uploads_api, created["upload_id"])
    assert view["status"] == "done"
    assert view["received"] + view["duplicates"] + view["rejected"] == view["rows"] == ROWS
    assert (view["duplicates"], view["rejected"]) == (KILLED_AFTER % 100, 1)  # stored before the kill, redone
    references = stored_references()
    assert len(references) == len(set(references)) == ROWS - 1


def uploads_bucket_name() -> str:
    import os
    return os.environ["UPLOADS_BUCKET_NAME"]


def report(uploads_api, upload_id: str) -> dict:
    status, view = call(uploads_api.lambda_handler, api_event(
        "GET", "/signals/uploads/{upload_id}", {"upload_id": upload_id}, principal=ENERGY, query={"limit": "1"}))
    assert status == 200
    return view
