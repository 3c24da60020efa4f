"""Reading partner files (CSV and XLSX) into the bodies POST /signals takes."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from vroegsignaal.domain.signal import validate_signal
from vroegsignaal.domain.uploads import COLUMNS, MAX_ROWS, UnreadableFile, count_rows, read_rows
from vroegsignaal.domain.uploads.csv_file import separator_of

from tests.factories import signal_body

TODAY = date(2026, 11, 27)
HEADER = ["reference", "municipality_code", "signal_date", "arrears_since", "amount", "crisis",
          "debtor.last_name", "debtor.date_of_birth", "debtor.bsn", "debtor.address.house_number",
          "debtor.address.postcode"]
ROW = ["EN-1", "GM0632", "2026-11-20", "2026-10-01", "412.50", "false", "Dijk", "2001-04-02", "111222333", "12",
       "3441 AB"]


def csv_bytes(rows, *, separator=",", bom=False) -> bytes:
    text = "\r\n".join(separator.join(cells) for cells in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    workbook.create_sheet("second sheet").append(["ignored"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bodies(data: bytes) -> list[dict]:
    return [row.body for row in read_rows(io.BytesIO(data))]


def signal(body):
    return validate_signal(body, partner_type="energy", today=TODAY, is_known_municipality=lambda code: True)


EXPECTED = signal(signal_body(reference="EN-1", customer_number=None, warm_transfer=None, supply_ending=None,
                              debtor__initials=None, debtor__prefix=None, debtor__gender=None, debtor__phone=None,
                              debtor__email=None, debtor__address__street=None, debtor__address__city=None,
                              debtor__address__house_number_suffix=None))


def test_a_csv_row_is_the_json_body_of_post_signals():
    (body,) = bodies(csv_bytes([HEADER, ROW]))
    assert body == {"reference": "EN-1", "municipality_code": "GM0632", "signal_date": "2026-11-20",
                    "arrears_since": "2026-10-01", "amount": "412.50", "crisis": False,
                    "debtor": {"last_name": "Dijk", "date_of_birth": "2001-04-02", "bsn": "111222333",
                               "address": {"house_number": 12, "postcode": "3441 AB"}}}
    assert signal(body) == EXPECTED


def test_semicolon_separator_is_sniffed_from_the_header_line():
    assert separator_of("reference;amount;debtor.last_name\r\n") == ";"
    assert separator_of('"a;b",amount\r\n') == ","
    (body,) = bodies(csv_bytes([HEADER, ROW], separator=";"))
    assert signal(body) == EXPECTED


def test_a_byte_order_mark_is_allowed():
    (body,) = bodies(csv_bytes([HEADER, ROW], bom=True))
    assert body["reference"] == "EN-1"


def test_decimal_comma_ja_nee_and_dutch_dates():
    row = dict(zip(HEADER, ROW, strict=True)) | {"amount": "412,50", "crisis": "Nee", "signal_date": "20-11-2026",
                                    "arrears_since": "01-10-2026", "debtor.date_of_birth": "02-04-2001"}
    (body,) = bodies(csv_bytes([HEADER, [f'"{row[name]}"' for name in HEADER]], separator=";"))
    assert (body["amount"], body["crisis"], body["signal_date"]) == ("412.50", False, "2026-11-20")
    assert signal(body) == EXPECTED


@pytest.mark.parametrize("text, value", [("ja", True), ("JA", True), ("True", True), ("nee", False),
                                         ("FALSE", False), ("misschien", "misschien")])
def test_booleans(text, value):
    row = dict(zip(HEADER, ROW, strict=True)) | {"crisis": text}
    (body,) = bodies(csv_bytes([HEADER, list(row.values())]))
    assert body["crisis"] == value  # anything else goes to the intake, which names the field


def test_an_empty_cell_is_an_absent_field_and_blank_lines_are_not_rows():
    row = dict(zip(HEADER, ROW, strict=True)) | {"signal_date": "", "debtor.bsn": "  "}
    data = csv_bytes([HEADER, [], list(row.values()), [""] * len(HEADER), ROW])
    first, second = read_rows(io.BytesIO(data))
    assert (first.number, second.number) == (1, 2)
    assert "signal_date" not in first.body and "bsn" not in first.body["debtor"]


def test_quoted_cells_may_hold_separators_and_line_breaks():
    row = dict(zip(HEADER, ROW, strict=True)) | {"debtor.last_name": '"Dijk, van;\nDijk"'}
    (body,) = bodies(csv_bytes([HEADER, list(row.values())]))
    assert body["debtor"]["last_name"] == "Dijk, van;\nDijk"


def test_a_row_without_debtor_fields_is_told_each_required_one():
    header = ["reference", "municipality_code", "arrears_since", "amount", "debtor.last_name",
              "debtor.address.house_number", "debtor.address.postcode"]
    (body,) = bodies(csv_bytes([header, ["EN-1", "GM0632", "2026-10-01", "1", "", "", ""]]))
    assert body["debtor"] == {"address": {}}


def test_a_value_under_a_nameless_column_is_a_problem_of_the_row():
    (row,) = read_rows(io.BytesIO(csv_bytes([HEADER + [""], ROW + ["extra"]])))
    assert row.problems == [{"loc": ["column", str(len(HEADER) + 1)],
                             "msg": "a value in a column the header row does not name"}]
    (row,) = read_rows(io.BytesIO(csv_bytes([HEADER, ROW + ["extra"]])))
    assert row.problems and row.problems[0]["loc"] == ["column", str(len(HEADER) + 1)]


def test_every_column_of_the_spec_is_accepted():
    (row,) = read_rows(io.BytesIO(csv_bytes([list(COLUMNS), ["x"] * len(COLUMNS)])))
    assert row.problems == []


def test_header_names_are_trimmed_and_case_blind():
    (body,) = bodies(csv_bytes([[f" {name.upper()} " for name in HEADER], ROW]))
    assert signal(body) == EXPECTED


@pytest.mark.parametrize("header, named", [
    (HEADER + ["debtor.adress.city"], "unknown column(s) 'debtor.adress.city'"),
    ([name for name in HEADER if name != "amount"], "missing required column(s) 'amount'"),
    (HEADER + ["amount"], "column(s) named twice 'amount'"),
])
def test_a_bad_header_fails_the_whole_file_naming_the_problem(header, named):
    data = csv_bytes([header, ROW])
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(data))
    assert named in failed.value.message


def test_a_file_without_header_row_fails_without_quoting_its_first_row():
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(csv_bytes([ROW, ROW])))
    assert "header row is missing" in failed.value.message and "Dijk" not in failed.value.message


def test_every_header_problem_is_named_at_once():
    header = [name for name in HEADER if name not in ("reference", "amount")] + ["colour"]
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(csv_bytes([header, ROW])))
    assert "'colour'" in failed.value.message and "'reference', 'amount'" in failed.value.message


@pytest.mark.parametrize("data, named", [
    (b"", "no header row"),
    (b"\r\n;;\r\n", "no header row"),
    ("reference,amount\r\nEN-1,caf\u00e9\r\n".encode("cp1252"), "not UTF-8"),
    ("reference".encode("utf-16"), "UTF-16"),
    (b"reference\x00,amount\r\n", "NUL"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
    (b"%PDF-1.7 ...", "PDF"),
    (b"PK\x03\x04 not really a zip", "not a readable Excel"),
])
def test_an_unreadable_file_fails_with_a_message(data, named):
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(data))
    assert named in failed.value.message


def test_a_bad_byte_in_a_later_row_fails_the_file_before_any_row_is_handed_on():
    data = csv_bytes([HEADER, ROW]) + b"EN-2,\xff\r\n"
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(data))
    assert "not UTF-8" in failed.value.message


def test_more_than_the_row_limit_fails_the_file():
    data = b"\r\n".join([",".join(HEADER).encode()] + [b"x"] * (MAX_ROWS + 1))
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(data))
    assert str(MAX_ROWS) in failed.value.message


def test_count_rows_counts_data_rows_and_rewinds():
    file = io.BytesIO(csv_bytes([HEADER, ROW, [], ROW]))
    assert count_rows(file) == 2 and file.tell() == 0


def test_rows_are_read_one_at_a_time():
    def lines():
        yield ",".join(HEADER).encode() + b"\r\n"
        for _ in range(3):
            yield ",".join(ROW).encode() + b"\r\n"
        raise AssertionError("read past the row asked for")

    class Stream(io.RawIOBase):
        def __init__(self):
            self.source, self.pending = lines(), b""

        def readable(self):
            return True

        def readinto(self, buffer):
            if not self.pending:
                self.pending = next(self.source)
            size = min(len(buffer), len(self.pending))
            buffer[:size], self.pending = self.pending[:size], self.pending[size:]
            return size

    rows = read_rows(Stream())
    assert next(rows).number == 1 and next(rows).number == 2


# ----------------------------------------------------------------------------- XLSX

def test_xlsx_first_sheet_with_date_cells_and_numbers():
    row = [date(2026, 11, 20) if c == "2026-11-20" else c for c in ROW]
    row[HEADER.index("arrears_since")] = datetime(2026, 10, 1, 0, 0)
    row[HEADER.index("debtor.date_of_birth")] = date(2001, 4, 2)
    row[HEADER.index("amount")] = 412.5
    row[HEADER.index("debtor.address.house_number")] = 12
    row[HEADER.index("debtor.bsn")] = 111222333
    row[HEADER.index("crisis")] = False
    (body,) = bodies(xlsx_bytes([HEADER, row]))
    assert (body["signal_date"], body["arrears_since"], body["amount"]) == ("2026-11-20", "2026-10-01", "412.5")
    assert body["debtor"]["address"]["house_number"] == 12 and body["crisis"] is False
    assert signal(body) == EXPECTED


def test_xlsx_text_cells_are_read_as_in_csv():
    row = list(ROW)
    row[HEADER.index("amount")] = "412,50"
    row[HEADER.index("signal_date")] = "20-11-2026"
    row[HEADER.index("crisis")] = "nee"
    (body,) = bodies(xlsx_bytes([HEADER, row]))
    assert signal(body) == EXPECTED


def test_xlsx_number_cells_in_text_columns_keep_their_digits():
    header = HEADER + ["customer_number"]
    row = list(ROW) + [880012345]
    row[HEADER.index("debtor.bsn")] = 11222333  # the sheet dropped the leading zero
    (body,) = bodies(xlsx_bytes([header, row]))
    assert body["customer_number"] == "880012345" and body["debtor"]["bsn"] == "011222333"


def test_xlsx_blank_rows_are_skipped_and_a_bad_header_fails():
    rows = list(read_rows(io.BytesIO(xlsx_bytes([HEADER, [], ROW, [None] * 3, ROW]))))
    assert [row.number for row in rows] == [1, 2]
    with pytest.raises(UnreadableFile) as failed:
        count_rows(io.BytesIO(xlsx_bytes([HEADER[1:], ROW[1:]])))
    assert "'reference'" in failed.value.message


def test_the_template_file_of_the_docs_is_read_into_valid_signals():
    from pathlib import Path
    template = Path(__file__).resolve().parents[2] / "examples" / "signals-template.csv"
    with template.open("rb") as file:
        rows = list(read_rows(file))
    assert [row.number for row in rows] == [1, 2] and all(row.problems == [] for row in rows)
    first, second = (signal(row.body) for row in rows)
    assert (first.amount_cents, first.debtor.phone, first.debtor.address.postcode) == (41250, "+31612345678", "3441AB")
    assert (second.amount_cents, second.crisis, second.signal_date) == (8995, True, date(2026, 11, 20))
    with template.open("rb") as file:
        header = file.readline().decode().strip().split(";")
    assert tuple(header) == COLUMNS  # every column, in the order of signals-api.md


def test_a_row_never_shows_its_debtor_data_in_a_repr():
    (row,) = read_rows(io.BytesIO(csv_bytes([HEADER, ROW])))
    assert "Dijk" not in repr(row) and "111222333" not in repr(row) and "number=1" in repr(row)
