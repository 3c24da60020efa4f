"""Partner files (signals-api.md, "Files: CSV and Excel uploads"): a CSV or XLSX
file read row by row into the JSON bodies ``POST /signals`` takes.

No AWS here: a file is any binary stream. Rows are yielded one at a time, so an
import never holds all of a file's rows as Python objects.
"""
from __future__ import annotations

from .columns import COLUMNS, MAX_ROWS, REQUIRED_COLUMNS, Header, UnreadableFile
from .reading import FileRow, count_rows, read_rows

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "MAX_ROWS", "Header", "UnreadableFile", "FileRow", "read_rows",
           "count_rows"]
