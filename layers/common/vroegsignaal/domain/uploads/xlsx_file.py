"""XLSX: the first sheet, with real date cells (and numbers) as Python values.

python-calamine (Rust) reads a 50 000-row sheet in well under a second;
openpyxl's streaming mode takes about 8 s for the same sheet (bench/bench_import.py,
docs/decisions.md). It is imported on first use, so no other handler pays for it.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .columns import UnreadableFile


def xlsx_rows(binary: BinaryIO) -> Iterator[list[Any]]:
    """The rows of the first sheet as lists of cell values ("" for an empty cell), the
    header row first. The zip's directory is at its end: `binary` must be seekable."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(binary)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except python_calamine.PasswordError:
        raise UnreadableFile("the Excel file is protected by a password") from None
    except (python_calamine.CalamineError, python_calamine.WorksheetNotFound, python_calamine.ZipError,
            python_calamine.XmlError, IndexError, ValueError):
        raise UnreadableFile("the file is not a readable Excel (XLSX) workbook") from None
    try:
        yield from rows
    finally:
        workbook.close()
