"""A partner file, CSV or XLSX, as numbered rows of signal bodies."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from .cells import blank
from .columns import MAX_ROWS, Header, UnreadableFile
from .csv_file import csv_rows
from .rows import signal_body
from .xlsx_file import xlsx_rows

_ZIP = b"PK\x03\x04"  # an XLSX file is a zip archive
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary Excel (.xls) and Word formats
_PDF = b"%PDF"


@dataclass(frozen=True, slots=True, repr=False)
class FileRow:
    """Data row `number` (1 = the first after the header; blank rows are not counted):
    the JSON body for POST /signals, or `problems` that keep it from being one."""

    number: int
    body: dict[str, Any]
    problems: list[dict[str, Any]]

    def __repr__(self) -> str:  # the body is debtor data: never in logs or tracebacks
        return f"FileRow(number={self.number}, <personal data>)"


def file_format(start: bytes) -> str:
    """"xlsx" or "csv" by the file's first bytes, whatever it was uploaded as."""
    if start.startswith(_ZIP):
        return "xlsx"
    if start.startswith(_OLE):
        raise UnreadableFile("the file is an old Excel (.xls) file; save it as .xlsx or as CSV in UTF-8")
    if start.startswith(_PDF):
        raise UnreadableFile("the file is a PDF, not CSV or XLSX")
    return "csv"


def read_rows(binary: BinaryIO) -> Iterator[FileRow]:
    """`binary` must be seekable for XLSX (a zip is read from its end). Every data row of the file in order, one at a time. The header row is checked
    before the first row is yielded; UnreadableFile names what makes the file unreadable
    (raised mid-way for a bad byte or the row limit: `count_rows` finds those first)."""
    start = binary.read(len(_ZIP))
    if file_format(start) == "xlsx":
        binary.seek(0)
        raw_rows: Iterator[Sequence[object]] = xlsx_rows(binary)
    else:
        raw_rows = csv_rows(binary, start=start)
    rows = (row for row in raw_rows if not all(blank(cell) for cell in row))
    header_cells = next(rows, None)
    if header_cells is None:
        raise UnreadableFile("the file has no header row (it is empty)")
    header = Header.read(header_cells)
    number = 0
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise UnreadableFile(f"the file has more than {MAX_ROWS} rows; split it into smaller files")
        body, problems = signal_body(header, cells)
        yield FileRow(number, body, problems)


def count_rows(binary: BinaryIO) -> int:
    """Read the whole file once and count its data rows: UnreadableFile for anything that
    makes it unreadable (encoding, syntax, header, row limit), before a row is handled."""
    count = sum(1 for _row in read_rows(binary))
    binary.seek(0)
    return count
