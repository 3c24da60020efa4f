"""The partner API's answers for intake results (signals-api.md, "Responses" and the batch)."""
from __future__ import annotations

from typing import Any

from vroegsignaal.services.intake import BATCH_STATUS, BatchResult, IntakeResult, ResultKind, batch_item

STATUS = BATCH_STATUS  # a signal's answer is the status its batch item shows


def signal_answer(result: IntakeResult) -> tuple[int, dict[str, Any]]:
    """POST /signals: (status, body)."""
    kind = result.kind
    if kind.stored:
        return STATUS[kind], {"signal_id": result.signal_id, "reference": result.reference, "status": result.status}
    if kind is ResultKind.CONFLICT:
        return 409, {"error": "conflict", "message": result.message, "signal_id": result.signal_id}
    if kind is ResultKind.REJECTED:
        return 422, {"error": "validation", "details": list(result.details)}
    return 500, {"error": "internal", "message": result.message}


def batch_answer(batch: BatchResult, *, first_index: int = 0) -> dict[str, Any]:
    """POST /signals/batch's 200 body (`first_index` 1 numbers rows as an upload does)."""
    return {"received": batch.received, "duplicates": batch.duplicates, "rejected": batch.rejected,
            "results": [batch_item(first_index + i, result) for i, result in enumerate(batch.results)]}
