"""An in-memory upload store with the semantics of adapters/uploads.py (both ports)."""
from __future__ import annotations

import copy
import dataclasses
from typing import Any

from vroegsignaal.domain.uploads.progress import DONE, FAILED, PROCESSING, WAITING, Chunk, Upload


class InMemoryUploads:
    def __init__(self) -> None:
        self.uploads: dict[str, Upload] = {}
        self.chunks: dict[tuple[str, int], Chunk] = {}

    # UploadRecords
    def create(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload

    def get(self, upload_id: str) -> Upload | None:
        return self.uploads.get(upload_id)

    def results(self, upload_id: str, *, after: int, limit: int) -> list[dict[str, Any]]:
        rows = [r for (uid, _), c in sorted(self.chunks.items()) if uid == upload_id for r in c.results]
        return copy.deepcopy([r for r in rows if r["index"] > after][:limit])

    # ImportProgress
    def _set(self, upload_id: str, **changes: Any) -> Upload:
        self.uploads[upload_id] = dataclasses.replace(self.uploads[upload_id], **changes)
        return self.uploads[upload_id]

    def start(self, upload_id: str, object_tag: str) -> Upload | None:
        upload = self.uploads.get(upload_id)
        if upload is not None and upload.status == WAITING:
            return self._set(upload_id, status=PROCESSING, object_tag=object_tag)
        return upload

    def counted(self, upload_id: str, rows: int) -> None:
        self._set(upload_id, rows=rows)

    def recorded_chunk(self, upload_id: str, first: int, last: int) -> Chunk | None:
        chunk = self.chunks.get((upload_id, first))
        return chunk if chunk is not None and chunk.last == last else None

    def record_chunk(self, upload_id: str, chunk: Chunk) -> Chunk:
        return self.chunks.setdefault((upload_id, chunk.first), copy.deepcopy(chunk))

    def advance(self, upload_id: str, chunk: Chunk) -> int:
        upload = self.uploads[upload_id]
        if upload.rows_done == chunk.first - 1:
            counts = chunk.counts()
            upload = self._set(upload_id, rows_done=chunk.last, received=upload.received + counts["received"],
                               duplicates=upload.duplicates + counts["duplicates"],
                               rejected=upload.rejected + counts["rejected"])
        return upload.rows_done

    def finish(self, upload_id: str) -> Upload:
        return self._set(upload_id, status=DONE)

    def fail(self, upload_id: str, message: str) -> Upload:
        return self._set(upload_id, status=FAILED, message=message)
