"""Creating an upload and reporting its progress, with in-memory stores."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.domain.uploads.progress import Chunk
from vroegsignaal.services.uploads import MAX_LIMIT, Uploads, object_key, upload_id_of

from tests.factories import HOUSING, PARTNER
from tests.unit.upload_fakes import InMemoryUploads

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
CSV = "text/csv"


class Bucket:
    def __init__(self):
        self.presigned = []

    def presign_put(self, key, *, content_type, expires_in):
        self.presigned.append((key, content_type, expires_in))
        return f"https://bucket.example/{key}?signed"


def make():
    records, bucket = InMemoryUploads(), Bucket()
    return Uploads(records, bucket, now=lambda: NOW), records, bucket


def test_create_gives_a_presigned_put_for_15_minutes():
    uploads, records, bucket = make()
    answer = uploads.create(PARTNER, {"filename": "achterstanden.csv", "content_type": CSV})
    assert answer["upload_url"].startswith("https://bucket.example/uploads/upl-")
    assert answer["expires_at"] == "2026-11-27T09:15:00.000000Z"
    assert bucket.presigned == [(object_key(answer["upload_id"]), CSV, timedelta(minutes=15))]
    upload = records.get(answer["upload_id"])
    assert (upload.status, upload.partner_id, upload.filename) == ("waiting", "energie-noord", "achterstanden.csv")
    assert upload_id_of(object_key(answer["upload_id"])) == answer["upload_id"]


@pytest.mark.parametrize("body, locs", [
    ({}, {("filename",), ("content_type",)}),
    ({"filename": "a.pdf", "content_type": "application/pdf", "colour": 1}, {("content_type",), ("colour",)}),
    ({"filename": "", "content_type": CSV}, {("filename",)}),
    ({"filename": "a\nb.csv", "content_type": CSV}, {("filename",)}),
    ([], {()}),
])
def test_create_names_every_problem_of_the_request(body, locs):
    uploads, records, _ = make()
    with pytest.raises(ValidationFailed) as failed:
        uploads.create(PARTNER, body)
    assert {tuple(d["loc"]) for d in failed.value.details} == locs and records.uploads == {}


def _with_results(records, upload_id, rows):
    for first in range(1, rows + 1, 10):
        last = min(first + 9, rows)
        records.record_chunk(upload_id, Chunk(first, last, [{"index": n, "reference": f"EN-{n}", "status": 201,
                                                             "signal_id": f"sig-{n}"} for n in range(first, last + 1)]))


def test_report_pages_through_the_results():
    uploads, records, _ = make()
    upload_id = uploads.create(PARTNER, {"filename": "a.csv", "content_type": CSV})["upload_id"]
    _with_results(records, upload_id, 25)
    seen, cursor = [], None
    for _ in range(5):
        page = uploads.report(PARTNER, upload_id, {"limit": "7", **({"cursor": cursor} if cursor else {})})
        seen += [r["index"] for r in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(1, 26))
    assert page["status"] == "waiting" and page["filename"] == "a.csv"


def test_another_partner_gets_not_found():
    uploads, _, _ = make()
    upload_id = uploads.create(PARTNER, {"filename": "a.csv", "content_type": CSV})["upload_id"]
    with pytest.raises(NotFound):
        uploads.report(HOUSING, upload_id, None)
    with pytest.raises(NotFound):
        uploads.report(PARTNER, "upl-doesnotexist", None)


@pytest.mark.parametrize("query, loc", [({"limit": "0"}, "limit"), ({"limit": str(MAX_LIMIT + 1)}, "limit"),
                                        ({"cursor": "bm90IGpzb24"}, "cursor"), ({"cursor": "!!"}, "cursor"),
                                        ({"page": "2"}, "page")])
def test_bad_query_parameters_are_named(query, loc):
    uploads, _, _ = make()
    upload_id = uploads.create(PARTNER, {"filename": "a.csv", "content_type": CSV})["upload_id"]
    with pytest.raises(ValidationFailed) as failed:
        uploads.report(PARTNER, upload_id, query)
    assert failed.value.details[0]["loc"] == ["query", loc]
