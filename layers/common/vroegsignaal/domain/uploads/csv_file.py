"""CSV: UTF-8 with or without a byte order mark, `,` or `;` as the separator (as
Dutch spreadsheet programs write it), sniffed from the header line."""
from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from typing import BinaryIO

from .columns import UnreadableFile

SEPARATORS = (",", ";")
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def csv_rows(binary: BinaryIO, *, start: bytes = b"") -> Iterator[list[str]]:
    """The rows as lists of cell texts, the header row first; read line by line.
    `start`: bytes already read from `binary` (no seek needed: an S3 body streams)."""
    start += binary.read(max(0, 4 - len(start)))
    if start.startswith(_UTF16_MARKS):
        raise UnreadableFile("the file is UTF-16 text; save it as CSV in UTF-8")
    text = io.TextIOWrapper(io.BufferedReader(_Prefixed(start, binary)), encoding="utf-8-sig", errors="strict",
                            newline="")
    line = 0
    try:
        leading = _up_to_first_line_with_text(text)
        reader = csv.reader(itertools.chain(leading, text), delimiter=separator_of(leading[-1]), strict=True)
        for line, row in enumerate(reader, start=1):
            if any("\x00" in cell for cell in row):
                raise UnreadableFile(f"line {line} holds a NUL character: this is not a text file "
                                     "(UTF-16? save it as CSV in UTF-8)")
            yield row
    except UnicodeDecodeError:
        raise UnreadableFile(f"the file is not UTF-8 text (after line {line}); save it as CSV in UTF-8") from None
    except csv.Error as error:  # csv's messages describe the syntax, never a cell's value
        raise UnreadableFile(f"the file is not valid CSV after line {line}: {error}") from None


def _up_to_first_line_with_text(text: io.TextIOWrapper) -> list[str]:
    """The lines up to the first that is not blank (the header line, to sniff), at least one."""
    lines = [text.readline()]
    while lines[-1] and not lines[-1].strip():
        lines.append(text.readline())
    return lines


def separator_of(header_line: str) -> str:
    """`;` when the header line holds more semicolons than commas (outside quotes), else `,`."""
    outside_quotes = header_line.split('"')[::2]
    semicolons = sum(part.count(";") for part in outside_quotes)
    commas = sum(part.count(",") for part in outside_quotes)
    return ";" if semicolons > commas else ","


class _Prefixed(io.RawIOBase):
    """A binary stream with bytes already read put back in front (no seek needed: an S3 body)."""

    def __init__(self, prefix: bytes, rest: BinaryIO):
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
