"""File uploads end to end in process: POST /signals/uploads, the PUT to the presigned
address, the S3 notification to the import function, GET /signals/uploads/{id}."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import requests

from tests.integration.events import PARTNERS, LambdaContext, api_event, call, municipality
from tests.integration.uploads_helpers import CSV, HEADER, XLSX, csv_file, data_row, s3_event, uploads_bucket, xlsx_file

pytestmark = pytest.mark.usefixtures("tenants", "uploads_bucket")
ENERGY, HOUSING = PARTNERS["energie-noord"], PARTNERS["woonstede"]
__all__ = ["uploads_bucket"]  # the fixture, used by pytestmark


@pytest.fixture
def handlers():
    import import_file
    import uploads_api
    return uploads_api.lambda_handler, import_file.lambda_handler


def create(api, *, content_type=CSV, principal=ENERGY):
    return call(api, api_event("POST", "/signals/uploads", body={"filename": "achterstanden.csv",
                                                               "content_type": content_type}, principal=principal))


def upload(handlers, data: bytes, *, content_type=CSV, principal=ENERGY) -> str:
    """What a partner does: ask for an address, PUT the file; then S3 notifies the import."""
    from vroegsignaal.adapters.aws import client
    api, importer = handlers
    status, created = create(api, content_type=content_type, principal=principal)
    assert status == 201
    response = requests.put(created["upload_url"], data=data, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == 200
    bucket, key = _bucket_and_key(created["upload_url"])
    head = client("s3").head_object(Bucket=bucket, Key=key)
    importer(s3_event(bucket, key, etag=head["ETag"], size=head["ContentLength"]), LambdaContext())
    return created["upload_id"]


def _bucket_and_key(url: str) -> tuple[str, str]:
    from urllib.parse import unquote, urlparse
    parsed = urlparse(url)
    host_bucket = parsed.netloc.split(".s3")[0]
    path = unquote(parsed.path.lstrip("/"))
    if parsed.netloc.startswith("s3.") or parsed.netloc.startswith("s3-"):  # path style
        bucket, _, key = path.partition("/")
        return bucket, key
    return host_bucket, path


def report(handlers, upload_id, *, principal=ENERGY, query=None, accept=None):
    event = api_event("GET", "/signals/uploads/{upload_id}", {"upload_id": upload_id}, principal=principal,
                      query=query)
    if accept:
        event["headers"]["Accept"] = accept
        event["multiValueHeaders"]["Accept"] = [accept]
    return call(handlers[0], event)


def signal_item(reference, partner="energie-noord"):
    from vroegsignaal.adapters import table
    return table.get(f"SIGNAL#{partner}#{reference}", "SIGNAL")


def test_create_answers_a_presigned_put_for_15_minutes(handlers):
    status, body = create(handlers[0])
    assert status == 201 and set(body) >= {"upload_id", "upload_url", "expires_at"}
    assert "X-Amz-Expires=900" in body["upload_url"] and "content-type" in body["upload_url"].lower()
    status, view = report(handlers, body["upload_id"])
    assert status == 200 and view["status"] == "waiting" and view["results"] == []


def test_a_csv_upload_stores_every_row_as_post_signals_would(handlers):
    upload_id = upload(handlers, csv_file([data_row(n) for n in range(1, 4)]))
    status, view = report(handlers, upload_id)
    assert status == 200 and view["status"] == "done"
    assert (view["rows"], view["received"], view["duplicates"], view["rejected"]) == (3, 3, 0, 0)
    assert [r["index"] for r in view["results"]] == [1, 2, 3] and view["next_cursor"] is None
    item = signal_item("EN-UP-000001")
    assert item["signal_id"] == view["results"][0]["signal_id"]
    assert item["signal"]["amount_cents"] == 10150 and item["signal"]["arrears_since"] == "2026-10-01"
    assert item["signal"]["debtor"]["address"]["postcode"] == "3441AB"


def test_an_xlsx_upload_with_date_cells(handlers):
    rows = [data_row(n, signal_date=date(2026, 11, 20), arrears_since=date(2026, 10, 1), amount=412.5,
                     **{"debtor.address.house_number": 12, "debtor.date_of_birth": date(1980, 4, 2)})
            for n in range(1, 3)]
    upload_id = upload(handlers, xlsx_file(rows), content_type=XLSX)
    _, view = report(handlers, upload_id)
    assert (view["status"], view["received"]) == ("done", 2)
    assert signal_item("EN-UP-000001")["signal"]["arrears_since"] == "2026-10-01"
    assert signal_item("EN-UP-000002")["signal"]["amount_cents"] == 41250


def test_a_bad_row_is_reported_with_its_number_and_every_problem(handlers):
    rows = [data_row(1), data_row(2, amount="0", **{"debtor.address.postcode": "12345", "debtor.last_name": ""}),
            data_row(3)]
    upload_id = upload(handlers, csv_file(rows))
    _, view = report(handlers, upload_id)
    assert (view["received"], view["rejected"]) == (2, 1)
    (bad,) = [r for r in view["results"] if r["status"] == 422]
    assert bad["index"] == 2 and bad["reference"] == "EN-UP-000002"
    assert {tuple(d["loc"]) for d in bad["details"]} == {("amount",), ("debtor", "address", "postcode"),
                                                          ("debtor", "last_name")}
    assert signal_item("EN-UP-000002") is None


@pytest.mark.parametrize("header, named", [(HEADER + ["colour"], "'colour'"),
                                           ([h for h in HEADER if h != "amount"], "'amount'")])
def test_an_unknown_or_missing_column_fails_the_file_and_stores_nothing(handlers, header, named):
    rows = [data_row(n)[:len(header)] for n in range(1, 3)]
    upload_id = upload(handlers, csv_file(rows, header=header))
    _, view = report(handlers, upload_id)
    assert view["status"] == "failed" and named in view["message"]
    assert view["results"] == [] and signal_item("EN-UP-000001") is None


def test_a_file_that_is_not_csv_or_xlsx_fails(handlers):
    upload_id = upload(handlers, b"%PDF-1.7 not a spreadsheet", content_type=CSV)
    _, view = report(handlers, upload_id)
    assert view["status"] == "failed" and "PDF" in view["message"]


def test_the_same_file_twice_gives_duplicates_never_a_second_signal(handlers):
    data = csv_file([data_row(n) for n in range(1, 4)])
    first = report(handlers, upload(handlers, data))[1]
    second = report(handlers, upload(handlers, data))[1]
    assert (second["received"], second["duplicates"]) == (0, 3)
    assert [r["signal_id"] for r in second["results"]] == [r["signal_id"] for r in first["results"]]


def test_another_partner_gets_404_and_a_municipality_key_403(handlers):
    upload_id = upload(handlers, csv_file([data_row(1)]))
    status, body = report(handlers, upload_id, principal=HOUSING)
    assert status == 404 and body["error"] == "not_found"
    assert report(handlers, upload_id, principal=municipality("GM0632"))[0] == 403
    assert create(handlers[0], principal=municipality("GM0632"))[0] == 403


def test_results_are_paginated_and_given_as_csv(handlers):
    upload_id = upload(handlers, csv_file([data_row(n) for n in range(1, 8)] + [data_row(8, amount="nul")]))
    seen, cursor = [], None
    for _ in range(10):
        _, page = report(handlers, upload_id, query={"limit": "3", **({"cursor": cursor} if cursor else {})})
        seen += [r["index"] for r in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(range(1, 9))
    status, text = report(handlers, upload_id, accept="text/csv", query={"limit": "1000"})
    assert status == 200
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["row"] for line in lines] == [str(n) for n in range(1, 9)]
    assert lines[7]["status"] == "422" and lines[7]["problems"].startswith("amount: ")
    assert report(handlers, upload_id, query={"limit": "0"})[0] == 422


def test_a_later_object_under_the_same_address_is_not_imported(handlers):
    from vroegsignaal.adapters.aws import client
    api, importer = handlers
    _, created = create(api)
    requests.put(created["upload_url"], data=csv_file([data_row(1)]), headers={"Content-Type": CSV}, timeout=30)
    bucket, key = _bucket_and_key(created["upload_url"])
    head = client("s3").head_object(Bucket=bucket, Key=key)
    importer(s3_event(bucket, key, etag=head["ETag"], size=head["ContentLength"]), LambdaContext())
    requests.put(created["upload_url"], data=csv_file([data_row(2)]), headers={"Content-Type": CSV}, timeout=30)
    head = client("s3").head_object(Bucket=bucket, Key=key)
    importer(s3_event(bucket, key, etag=head["ETag"], size=head["ContentLength"]), LambdaContext())
    _, view = report(handlers, created["upload_id"])
    assert (view["rows"], view["received"]) == (1, 1) and signal_item("EN-UP-000002") is None


def test_no_debtor_data_in_the_logs(handlers, capsys):
    rows = [data_row(1, **{"debtor.last_name": "Vermeulen-Secret"}), data_row(2, amount="nul")]
    upload_id = upload(handlers, csv_file(rows))
    report(handlers, upload_id)
    logs = capsys.readouterr()
    assert "Vermeulen-Secret" not in logs.out + logs.err and "3441" not in logs.out + logs.err
