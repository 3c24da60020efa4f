"""An upload and the results of its rows, as the import records them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WAITING, PROCESSING, DONE, FAILED = "waiting", "processing", "done", "failed"
MAX_FILE_BYTES = 20 * 1024 * 1024
CONTENT_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True, slots=True, kw_only=True)
class Upload:
    """`rows_done`: every row up to it has its result recorded and counted (the resume point)."""

    upload_id: str
    partner_id: str
    partner_type: str
    filename: str
    content_type: str
    status: str
    created_at: str
    url_expires_at: str
    object_tag: str | None = None  # the object's ETag the import started on
    rows: int | None = None
    rows_done: int = 0
    received: int = 0
    duplicates: int = 0
    rejected: int = 0
    message: str | None = None  # why it failed; names the problem, never a cell's value

    def view(self) -> dict[str, Any]:
        """The GET /signals/uploads/{id} fields (without results and cursor)."""
        body: dict[str, Any] = {
            "upload_id": self.upload_id, "filename": self.filename, "content_type": self.content_type,
            "status": self.status, "created_at": self.created_at, "rows": self.rows,
            "rows_done": self.rows_done, "received": self.received, "duplicates": self.duplicates,
            "rejected": self.rejected,
        }
        if self.message is not None:
            body["message"] = self.message
        return body


@dataclass(frozen=True, slots=True)
class Chunk:
    """The results of rows `first`..`last`, recorded together after all of them were handled."""

    first: int
    last: int
    results: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        statuses = [result["status"] for result in self.results]
        received, duplicates = statuses.count(201), statuses.count(200)
        return {"received": received, "duplicates": duplicates,
                "rejected": len(statuses) - received - duplicates}
