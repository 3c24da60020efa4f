"""The import of an uploaded file through the intake service, with in-memory stores."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from vroegsignaal.domain.uploads.progress import MAX_FILE_BYTES, Upload
from vroegsignaal.services.imports import Imports
from vroegsignaal.services.intake import Intake, IntakeResult, ResultKind, batch_item

from tests.factories import PARTNER
from tests.fakes import InMemorySignalStore
from tests.unit.upload_fakes import InMemoryUploads

HEADER = "reference;municipality_code;arrears_since;amount;debtor.last_name;debtor.address.house_number;" \
         "debtor.address.postcode"
TAG = '"etag-1"'


def row(number: int, **cells: str) -> str:
    values = {"reference": f"EN-{number}", "municipality_code": "GM0632", "arrears_since": "01-10-2026",
              "amount": "412,50", "debtor.last_name": "Dijk", "debtor.address.house_number": str(number % 900 + 1),
              "debtor.address.postcode": "3441 AB"} | cells
    return ";".join(values[name] for name in HEADER.split(";"))


def csv_file(rows: list[str]) -> io.BytesIO:
    return io.BytesIO(("\r\n".join([HEADER, *rows]) + "\r\n").encode())


def new_upload(uploads: InMemoryUploads, upload_id: str = "upl-1") -> str:
    uploads.create(Upload(upload_id=upload_id, partner_id=PARTNER["partner_id"], partner_type=PARTNER["partner_type"],
                          filename="achterstanden.csv", content_type="text/csv", status="waiting",
                          created_at="2026-11-27T09:00:00.000000Z", url_expires_at="2026-11-27T09:15:00.000000Z"))
    return upload_id


def make(known=("GM0632",)):
    signals = InMemorySignalStore()
    intake = Intake(signals, is_known_municipality=lambda code: code in known, today=lambda: date(2026, 11, 27),
                    now=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    uploads = InMemoryUploads()
    return intake, signals, uploads


def run(intake, uploads, file, upload_id="upl-1", **kwargs):
    return Imports(intake, uploads, **kwargs).run(upload_id, lambda: file, size=len(file.getvalue()), object_tag=TAG)


def all_results(uploads, upload_id="upl-1"):
    return uploads.results(upload_id, after=0, limit=10**6)


def test_every_row_goes_through_the_intake_and_is_counted():
    intake, signals, uploads = make()
    new_upload(uploads)
    upload = run(intake, uploads, csv_file([row(n) for n in range(1, 251)]), chunk_rows=100)
    assert (upload.status, upload.rows, upload.rows_done, upload.received) == ("done", 250, 250, 250)
    assert len(signals.items) == 250
    results = all_results(uploads)
    assert [r["index"] for r in results] == list(range(1, 251))
    assert results[0]["reference"] == "EN-1" and results[0]["status"] == 201 and results[0]["signal_id"]


def test_a_bad_row_is_reported_with_its_number_and_every_problem():
    intake, signals, uploads = make()
    new_upload(uploads)
    rows = [row(1), row(2, amount="0", **{"debtor.address.postcode": "12345", "municipality_code": "GM9999"}), row(3)]
    upload = run(intake, uploads, csv_file(rows))
    assert (upload.received, upload.rejected) == (2, 1)
    bad = all_results(uploads)[1]
    assert bad["index"] == 2 and bad["reference"] == "EN-2" and bad["status"] == 422
    assert {tuple(d["loc"]) for d in bad["details"]} == {("amount",), ("debtor", "address", "postcode"),
                                                          ("municipality_code",)}


def test_same_reference_twice_in_a_file_is_handled_in_order():
    intake, signals, uploads = make()
    new_upload(uploads)
    upload = run(intake, uploads, csv_file([row(1), row(1), row(1, amount="9,99")]))
    assert [r["status"] for r in all_results(uploads)] == [201, 200, 409]
    assert (upload.received, upload.duplicates, upload.rejected) == (1, 1, 1)


def test_rows_handled_side_by_side_give_the_results_of_one_after_the_other():
    rows = [row(n % 7 + 1, amount="9,99" if n % 5 == 0 else "412,50") for n in range(1, 61)] + [row(0, amount="x")]
    outcomes = []
    for workers in (1, 4):
        intake, signals, uploads = make()
        new_upload(uploads)
        run(intake, uploads, csv_file(rows), chunk_rows=25, workers=workers)
        outcomes.append([(r["index"], r["reference"], r["status"]) for r in all_results(uploads)])
    assert outcomes[0] == outcomes[1] and {status for _, _, status in outcomes[0]} == {200, 201, 409, 422}


def test_the_same_file_twice_gives_duplicates_never_a_second_signal():
    intake, signals, uploads = make()
    new_upload(uploads, "upl-1")
    new_upload(uploads, "upl-2")
    rows = [row(n) for n in range(1, 6)]
    run(intake, uploads, csv_file(rows), "upl-1")
    second = run(intake, uploads, csv_file(rows), "upl-2")
    assert (second.received, second.duplicates) == (0, 5) and len(signals.items) == 5
    first_ids = [r["signal_id"] for r in all_results(uploads, "upl-1")]
    assert [r["signal_id"] for r in all_results(uploads, "upl-2")] == first_ids


@pytest.mark.parametrize("header", [HEADER + ";colour", HEADER.replace("amount;", "")])
def test_a_bad_header_fails_the_file_and_stores_nothing(header):
    intake, signals, uploads = make()
    new_upload(uploads)
    file = io.BytesIO(("\r\n".join([header, row(1)])).encode())
    upload = run(intake, uploads, file)
    assert upload.status == "failed" and ("'colour'" in upload.message or "'amount'" in upload.message)
    assert signals.items == {} and all_results(uploads) == []


def test_a_bad_byte_in_a_late_row_fails_the_file_and_stores_nothing():
    intake, signals, uploads = make()
    new_upload(uploads)
    file = io.BytesIO(csv_file([row(n) for n in range(1, 300)]).getvalue() + b"EN-x;\xe9\r\n")
    upload = run(intake, uploads, file)
    assert upload.status == "failed" and "UTF-8" in upload.message and signals.items == {}


def test_a_file_over_20_mib_fails_without_being_read():
    intake, signals, uploads = make()
    new_upload(uploads)
    upload = Imports(intake, uploads).run("upl-1", lambda: pytest.fail("opened"), size=MAX_FILE_BYTES + 1,
                                           object_tag=TAG)
    assert upload.status == "failed" and "20 MiB" in upload.message and signals.items == {}


class Killed(Exception):
    pass


class DiesAfter:
    """The intake, until the function is killed after `rows` rows."""

    def __init__(self, intake: Intake, rows: int):
        self.intake, self.rows_left = intake, rows

    def receive(self, raw: Any, partner: dict[str, Any]):
        if self.rows_left == 0:
            raise Killed()
        self.rows_left -= 1
        return self.intake.receive(raw, partner)


class DiesBeforeAdvance(InMemoryUploads):
    """The store, killed after recording chunk `first` and before the upload advanced past it."""

    def __init__(self, first: int):
        super().__init__()
        self.die_at = first

    def advance(self, upload_id: str, chunk):
        if chunk.first == self.die_at:
            self.die_at = None
            raise Killed()
        return super().advance(upload_id, chunk)


@pytest.mark.parametrize("dies_after", [1, 99, 100, 101, 250, 449])
def test_an_import_killed_half_way_and_retried_stores_each_row_once(dies_after):
    intake, signals, uploads = make()
    new_upload(uploads)
    rows = [row(n) for n in range(1, 451)]
    rows[449] = row(450, amount="nul")  # one bad row, the last
    with pytest.raises(Killed):
        run(DiesAfter(intake, dies_after), uploads, csv_file(rows), chunk_rows=100)
    assert uploads.get("upl-1").rows_done == dies_after // 100 * 100  # the progress does not lie
    upload = run(intake, uploads, csv_file(rows), chunk_rows=100)
    assert upload.status == "done" and len(signals.items) == 449
    assert upload.received + upload.duplicates + upload.rejected == upload.rows == 450
    assert upload.rejected == 1 and upload.duplicates == dies_after % 100  # stored before the crash, redone
    assert [r["index"] for r in all_results(uploads)] == list(range(1, 451))


def test_killed_between_recording_a_chunk_and_advancing_the_chunk_is_counted_once():
    intake, signals, uploads = make()
    uploads = DiesBeforeAdvance(first=101)
    new_upload(uploads)
    rows = [row(n) for n in range(1, 301)]
    with pytest.raises(Killed):
        run(intake, uploads, csv_file(rows), chunk_rows=100)
    upload = run(intake, uploads, csv_file(rows), chunk_rows=100)
    assert (upload.received, upload.duplicates, upload.rows_done) == (300, 0, 300)  # the record, as it was


def test_a_repeated_notification_after_the_end_does_nothing():
    intake, signals, uploads = make()
    new_upload(uploads)
    run(intake, uploads, csv_file([row(1)]))
    again = run(DiesAfter(intake, 0), uploads, csv_file([row(1)]))
    assert again.status == "done" and again.received == 1


def test_another_object_under_the_same_address_is_not_imported():
    intake, signals, uploads = make()
    new_upload(uploads)
    uploads.start("upl-1", TAG)
    other = Imports(intake, uploads).run("upl-1", lambda: csv_file([row(1)]), size=10, object_tag='"etag-2"')
    assert other.object_tag == TAG and signals.items == {}


def test_an_unknown_upload_is_none():
    intake, _, uploads = make()
    assert Imports(intake, uploads).run("upl-x", lambda: csv_file([row(1)]), size=10, object_tag=TAG) is None


# ----------------------------------------------------------------------------- batch items


@pytest.mark.parametrize("result, item", [
    (IntakeResult(kind=ResultKind.RECEIVED, reference="EN-3", signal_id="sig-1", status="received"),
     {"index": 3, "reference": "EN-3", "status": 201, "signal_id": "sig-1"}),
    (IntakeResult(kind=ResultKind.DUPLICATE, reference="EN-3", signal_id="sig-1", status="in_progress"),
     {"index": 3, "reference": "EN-3", "status": 200, "signal_id": "sig-1"}),
    (IntakeResult(kind=ResultKind.CONFLICT, reference="EN-3", signal_id="sig-1", message="m"),
     {"index": 3, "reference": "EN-3", "status": 409, "signal_id": "sig-1", "message": "m"}),
    (IntakeResult(kind=ResultKind.REJECTED, reference=None, details=({"loc": ["x"], "msg": "m"},)),
     {"index": 3, "reference": None, "status": 422, "details": [{"loc": ["x"], "msg": "m"}]}),
])
def test_a_row_result_is_a_batch_result_item(result, item):
    assert batch_item(3, result) == item
