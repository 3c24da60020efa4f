"""The audit trail (identity.md): who did what, when. An entry holds ids, actions and
enum values only, never debtor data, a note's text or a search term."""
from __future__ import annotations

from typing import Any

# Every action an entry can name (the municipality API's route table records them).
ACTIONS = ("basket.cases_listed", "case.closed", "case.moved", "case.viewed", "contact_attempt.registered",
           "criteria.activated", "criteria.uploaded", "export.downloaded", "letter.downloaded",
           "letter_template.changed", "search.performed", "task.assigned", "task.finished", "task.reopened",
           "task.unassigned", "tasks.listed")

# Actions that can change a case's expiry (a pick-up keeps it; a close starts its 18 months):
# the case's entries follow the new expiry, as its log does.
CHANGES_CASE_EXPIRY = frozenset({"case.moved", "contact_attempt.registered", "task.assigned", "task.finished",
                                 "task.reopened", "case.closed"})

ENTRY_FIELDS = ("at", "actor", "action", "municipality_code", "case_id", "details")


def entry(*, at: str, actor: dict[str, str], action: str, code: str, case_id: str | None,
          details: dict[str, Any]) -> dict[str, Any]:
    """An entry as the API shows it (`case_id` only when it is about a case)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    found: dict[str, Any] = {"at": at, "actor": dict(actor), "action": action, "municipality_code": code}
    if case_id:
        found["case_id"] = case_id
    found["details"] = dict(details)
    return found
