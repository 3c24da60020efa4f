"""Every key of the single table, spelled here and nowhere else (docs/design.md).

Item keys are (pk, sk) pairs; index keys are the gsiNpk/gsiNsk attributes.
A prefix names what an item is; the values after it are ids, never debtor data.
"""
from __future__ import annotations

PROFILE = "PROFILE"


def api_key(digest: str) -> tuple[str, str]:
    """An API key, by the SHA-256 of the key."""
    return f"KEY#{digest}", "KEY"


API_KEY_PREFIX = "KEY#"  # the authorizer's IAM condition (dynamodb:LeadingKeys) names it too


def partner(partner_id: str) -> tuple[str, str]:
    return f"PARTNER#{partner_id}", PROFILE


def municipality(code: str) -> tuple[str, str]:
    return f"MUN#{code}", PROFILE


# ---- criteria versions (in the municipality's partition)

CRITERIA_PREFIX = "CRITERIA#"


def criteria_version(code: str, number: int) -> tuple[str, str]:
    return f"MUN#{code}", f"{CRITERIA_PREFIX}{number:08d}"


# ---- signals

def signal(partner_id: str, reference: str) -> tuple[str, str]:
    """A stored signal, once per partner and reference."""
    return f"SIGNAL#{partner_id}#{reference}", "SIGNAL"


# ---- a household's partition: its head, its cases and each case's log

HEAD = "HEAD"
CASE_PREFIX = "CASE#"
# Log items sort after HEAD, so `sk <= HEAD` reads a household's cases and head
# without their logs, and `begins_with(sk, LOG#<case>#)` reads one case's log.
LOG_PREFIX = "LOG#"
LOG_KINDS = ("SIG", "CLS", "ATT", "MOVE")  # signal entry, classification, contact attempt, move


def household(household_key: str) -> str:
    return f"HH#{household_key}"


def household_head(household_key: str) -> tuple[str, str]:
    return household(household_key), HEAD


def case(household_key: str, case_id: str) -> tuple[str, str]:
    return household(household_key), f"{CASE_PREFIX}{case_id}"


def case_log_prefix(case_id: str) -> str:
    return f"{LOG_PREFIX}{case_id}#"


def case_log(household_key: str, case_id: str, kind: str, order: str) -> tuple[str, str]:
    """One entry of a case's log; `order` sorts the entries of a kind (arrival, time)."""
    return household(household_key), f"{case_log_prefix(case_id)}{kind}#{order}"


def log_kind(sk: str) -> str:
    """The kind of a log item from its sort key (LOG#<case>#<kind>#...)."""
    return sk.split("#", 3)[2]


# ---- case indexes

def basket_index(code: str, basket_id: str | None) -> str:
    return f"MUN#{code}#BASKET#{basket_id}"


def municipality_cases_index(code: str) -> str:
    return f"MUN#{code}#CASES"


def case_by_id_index(case_id: str) -> tuple[str, str]:
    return f"{CASE_PREFIX}{case_id}", "CASE"


DUE_PARTITION = "DUE"


def due_index(due: str, case_id: str) -> tuple[str, str]:
    return DUE_PARTITION, f"{due}#{case_id}"


def due_until(day: str) -> str:
    """The largest due-index sort key of a day."""
    return f"{day}#~"


# ---- tasks and e-mail claims

def task(task_id: str) -> tuple[str, str]:
    return f"TASK#{task_id}", "TASK"


def municipality_tasks_index(code: str) -> str:
    return f"MUN#{code}#TASKS"


def sent_email(once_key: str) -> tuple[str, str]:
    return f"SENT#{once_key}", "SENT"


# ---------------------------------------------------------------- uploads (files)
# An upload and its row results under one partition; a chunk of results is keyed by its
# last row, so the chunk holding row n is the first with a key >= CHUNK#n.

def upload(upload_id: str) -> tuple[str, str]:
    return f"UPLOAD#{upload_id}", "UPLOAD"


UPLOAD_CHUNK_PREFIX = "CHUNK#"


def upload_chunk_sort_key(last_row: int) -> str:
    return f"{UPLOAD_CHUNK_PREFIX}{last_row:06d}"


# ---- monitor: monthly counters, retention
# A month's figures of a municipality (no personal data), in its partition.
MONTHLY_PREFIX = "MONTHLY#"


def monthly_counter(code: str, month: str) -> tuple[str, str]:
    return f"MUN#{code}", f"{MONTHLY_PREFIX}{month}"


def retention_done(case_id: str) -> tuple[str, str]:
    """Retention counted this case's deletion (once, however often its REMOVE comes)."""
    return f"RETAINED#{case_id}", "RETAINED"


# What belongs to one case in its household partition: sort keys `<prefix><case_id>#...`.
# The retention function deletes every item under each (docs/design.md, "Retention");
# an area whose items belong to a case adds its prefix here.
CASE_SCOPED_PREFIXES: tuple[str, ...] = (LOG_PREFIX,)


def case_scoped_prefix(prefix: str, case_id: str) -> str:
    return f"{prefix}{case_id}#"
