"""Importing an uploaded partner file: every row through the same intake as POST /signals.

Nothing is lost when the import dies half-way, and nothing is counted twice: rows
are handled in chunks; a chunk's results are recorded once all its rows are
handled (the intake stores a 201/200 row durably before it answers), and only then
does the upload's resume point (`rows_done`) move past the chunk, counts and all,
in one conditional write. A retry starts after `rows_done`: a chunk whose results
were recorded is counted from the record; a chunk that died before its record is
handled again, and its rows stored the first time come back as duplicates (200)
(docs/decisions.md).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Protocol

from vroegsignaal.domain.signal import reference_of
from vroegsignaal.domain.uploads import FileRow, UnreadableFile, count_rows, read_rows
from vroegsignaal.domain.uploads.progress import MAX_FILE_BYTES, PROCESSING, Chunk, Upload
from vroegsignaal.services.intake import IntakeResult, batch_item

CHUNK_ROWS = 100  # worst case ~20 details of ~80 bytes a row: a chunk's record stays well under 400 KB

logger = logging.getLogger(__name__)


class ReceivesSignals(Protocol):
    """services.intake.Intake: one signal, as POST /signals handles it."""

    def receive(self, raw: Any, partner: dict[str, Any]) -> IntakeResult: ...


class ImportProgress(Protocol):
    """The upload store, as the import writes it."""

    def start(self, upload_id: str, object_tag: str) -> Upload | None:
        """Mark the upload processing for this object (waiting -> processing, or the same object
        again); the upload as it is after that, or None when there is no such upload."""

    def counted(self, upload_id: str, rows: int) -> None:
        """The file has this many data rows."""

    def recorded_chunk(self, upload_id: str, first: int, last: int) -> Chunk | None:
        """The results recorded for the chunk of rows `first`..`last`, if any."""

    def record_chunk(self, upload_id: str, chunk: Chunk) -> Chunk:
        """Record the chunk's results unless a chunk starting at the same row is recorded
        (a concurrent import); the chunk as recorded."""

    def advance(self, upload_id: str, chunk: Chunk) -> int:
        """Add the chunk's counts and move rows_done to chunk.last, only if rows_done is
        chunk.first - 1; rows_done after the call."""

    def finish(self, upload_id: str) -> Upload:
        """status done."""

    def fail(self, upload_id: str, message: str) -> Upload:
        """status failed with the message."""


class Imports:
    """`workers`: rows of a chunk handled at once (each is a write that waits on the
    network); rows with the same reference stay in file order, one after the other."""

    def __init__(self, intake: ReceivesSignals, progress: ImportProgress, *, chunk_rows: int = CHUNK_ROWS,
                 workers: int = 1):
        self.intake = intake
        self.progress = progress
        self.chunk_rows = chunk_rows
        self.workers = workers

    def run(self, upload_id: str, open_file: Callable[[], BinaryIO], *, size: int,
            object_tag: str) -> Upload | None:
        """Import the upload's file (`open_file()`: a seekable copy, read twice; opened only when
        there is something to import). Returns the upload at the end; None when there is no such
        upload. Raises what the intake or the store raise (the caller retries; the retry resumes)."""
        upload = self.progress.start(upload_id, object_tag)
        if upload is None or upload.status != PROCESSING or upload.object_tag != object_tag:
            return upload  # no such upload, finished already, or a later object under its address
        if size > MAX_FILE_BYTES:
            return self.progress.fail(upload_id, f"the file is over {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        with open_file() as file:
            return self._import(upload, file)

    def _import(self, upload: Upload, file: BinaryIO) -> Upload:
        upload_id = upload.upload_id
        try:
            # The whole file is read once before any row is handed on: a file that cannot be
            # read (encoding, syntax, header, too many rows) stores nothing.
            rows = count_rows(file)
        except UnreadableFile as unreadable:
            return self.progress.fail(upload_id, unreadable.message)
        if upload.rows is None:
            self.progress.counted(upload_id, rows)
        partner = {"partner_id": upload.partner_id, "partner_type": upload.partner_type}
        done = upload.rows_done
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for chunk_rows in self._chunks(row for row in read_rows(file) if row.number > upload.rows_done):
                if chunk_rows[0].number <= done:
                    continue  # a concurrent import of the same object went past it
                first = chunk_rows[0].number
                chunk = self.progress.recorded_chunk(upload_id, first, chunk_rows[-1].number)
                if chunk is None:
                    results = self._handle_chunk(chunk_rows, partner, pool)
                    chunk = self.progress.record_chunk(upload_id, Chunk(first, chunk_rows[-1].number, results))
                done = self.progress.advance(upload_id, chunk)
        logger.info("upload imported", extra={"upload_id": upload_id, "rows": rows})
        return self.progress.finish(upload_id)

    def _chunks(self, rows: Iterator[FileRow]) -> Iterator[list[FileRow]]:
        chunk: list[FileRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == self.chunk_rows:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _handle_chunk(self, rows: list[FileRow], partner: dict[str, Any],
                      pool: ThreadPoolExecutor) -> list[dict[str, Any]]:
        """The results of the chunk's rows, in row order. Rows are grouped by reference (a
        malformed one is a group of its own: the intake stores nothing for it); the groups
        run side by side, each in file order (the second of a reference is 200 or 409)."""
        if self.workers == 1:
            return [self._handle(row, partner) for row in rows]
        groups: dict[str, list[FileRow]] = {}
        for row in rows:
            groups.setdefault(reference_of(row.body) or f"row {row.number}", []).append(row)

        def handle_group(group: list[FileRow]) -> list[tuple[int, dict[str, Any]]]:
            return [(row.number, self._handle(row, partner)) for row in group]

        results = dict(pair for handled in pool.map(handle_group, groups.values()) for pair in handled)
        return [results[row.number] for row in rows]

    def _handle(self, row: FileRow, partner: dict[str, Any]) -> dict[str, Any]:
        reference = reference_of(row.body)
        if row.problems:  # not a signal body at all: the intake never sees it
            return {"index": row.number, "reference": reference, "status": 422, "details": row.problems}
        return batch_item(row.number, self.intake.receive(row.body, partner))

