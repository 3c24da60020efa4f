"""What the upload tests share: the two handlers on the path, the uploads bucket in the
environment, files to upload, and the S3 notification event Lambda gets."""
from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Until pyproject.toml lists them with the other handler folders.
for _folder in ("uploads", "imports"):
    if str(ROOT / "functions" / _folder) not in sys.path:
        sys.path.insert(0, str(ROOT / "functions" / _folder))

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["reference", "municipality_code", "signal_date", "arrears_since", "amount", "crisis",
          "debtor.initials", "debtor.last_name", "debtor.date_of_birth", "debtor.address.street",
          "debtor.address.house_number", "debtor.address.postcode", "debtor.address.city"]


def data_row(number: int, **cells: object) -> list[object]:
    values = {"reference": f"EN-UP-{number:06d}", "municipality_code": "GM0632", "signal_date": "20-11-2026",
              "arrears_since": "01-10-2026", "amount": f"{100 + number % 900},50", "crisis": "nee",
              "debtor.initials": "A.", "debtor.last_name": "Jansen", "debtor.date_of_birth": "02-04-1980",
              "debtor.address.street": "Rijnstraat", "debtor.address.house_number": str(number % 2000 + 1),
              "debtor.address.postcode": "3441 AB", "debtor.address.city": "Woerden"} | cells
    return [values[name] for name in HEADER]


def csv_file(rows: list[list[object]], *, header: list[str] = HEADER, separator: str = ";") -> bytes:
    lines = [separator.join(header)] + [separator.join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file(rows: list[list[object]], *, header: list[str] = HEADER) -> bytes:
    import openpyxl
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def s3_event(bucket: str, key: str, *, etag: str, size: int) -> dict:
    """An s3:ObjectCreated:Put notification as Lambda receives it (the key URL-encoded)."""
    from urllib.parse import quote_plus
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
        "eventTime": "2026-11-27T09:00:00.000Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:EXAMPLE"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16], "x-amz-id-2": "x"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "FileUploaded",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "EXAMPLE"},
                          "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key), "size": size, "eTag": etag.strip('"'),
                          "sequencer": uuid.uuid4().hex[:16].upper()}},
    }]}


@pytest.fixture
def uploads_bucket(aws, monkeypatch):
    """The uploads bucket's name, in the environment as the template gives UploadsFunction."""
    name = aws.buckets["UploadsBucket"]
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", name)
    return name
