"""The partner API's answers for intake results (signals-api.md, "Responses" and the batch)."""
from __future__ import annotations

from typing import Any

from vroegsignaal.services.intake import BatchResult, IntakeResult, ResultKind

STATUS = {
    ResultKind.RECEIVED: 201,
    ResultKind.DUPLICATE: 200,
    ResultKind.CONFLICT: 409,
    ResultKind.REJECTED: 422,
    ResultKind.FAILED: 500,
}


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


def batch_item(index: int, result: IntakeResult) -> dict[str, Any]:
    """One entry of a batch's (or an upload's) `results`."""
    item: dict[str, Any] = {"index": index, "reference": result.reference, "status": STATUS[result.kind]}
    if result.signal_id is not None:
        item["signal_id"] = result.signal_id
    if result.kind is ResultKind.REJECTED:
        item["details"] = list(result.details)
    if result.message is not None:
        item["message"] = result.message
    return item


def batch_answer(batch: BatchResult, *, first_index: int = 0) -> dict[str, Any]:
    """POST /signals/batch's 200 body (`first_index` 1 numbers rows as an upload does)."""
    return {"received": batch.received, "duplicates": batch.duplicates, "rejected": batch.rejected,
            "results": [batch_item(first_index + i, result) for i, result in enumerate(batch.results)]}
