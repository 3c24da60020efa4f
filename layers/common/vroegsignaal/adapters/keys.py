"""Every key of the single table, spelled here and nowhere else (docs/design.md).

Item keys are (pk, sk) pairs; index keys are the gsiNpk/gsiNsk attributes.
A prefix names what an item is; the values after it are ids, never debtor data.
"""
from __future__ import annotations

import zlib

PROFILE = "PROFILE"


def api_key(digest: str) -> tuple[str, str]:
    """An API key, by the SHA-256 of the key."""
    return f"KEY#{digest}", "KEY"


API_KEY_PREFIX = "KEY#"  # the authorizer's IAM condition (dynamodb:LeadingKeys) names it too


# ---- tokens: the key listing (admin), a key's last use (authorizer), a municipality's usage key

KEY_LISTING = "KEYS"      # one partition listing every key by its key id; only the admin reads it
KEY_USE_PREFIX = "KEYUSE#"  # the one prefix the authorizer may write (last used, at most hourly)


def key_listing(key_id: str) -> tuple[str, str]:
    return KEY_LISTING, f"KEY#{key_id}"


def key_use(key_id: str) -> tuple[str, str]:
    return f"{KEY_USE_PREFIX}{key_id}", "USED"


def municipality_usage_key(code: str) -> tuple[str, str]:
    """The municipality's usage plan key for its people's requests (under KEY#: the authorizer reads it)."""
    return f"{API_KEY_PREFIX}MUN#{code}", "USAGE"


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

def case_by_id_index(case_id: str) -> tuple[str, str]:
    return f"{CASE_PREFIX}{case_id}", "CASE"


# ---- followups: the due index (gsi4) per municipality and shard; the municipalities it holds

DUE_PREFIX = "DUE#"
DUE_SHARDS = 16  # each municipality's due cases over this many partitions (read in parallel, no hot key)
MUNICIPALITY_LISTING = "MUNICIPALITIES"  # one partition naming every municipality (the schedule's fan-out)


def due_partition(code: str, shard: int) -> str:
    """One of a municipality's due partitions: its burst is its own partitions' work."""
    return f"{DUE_PREFIX}{code}#{shard:02d}"


def legacy_due_partition(shard: int) -> str:
    """The country's 16 due partitions before issue 13 (infra/admin_followups.py moves
    their cases to their municipalities' partitions, once)."""
    return f"{DUE_PREFIX}{shard:02d}"


def due_shard(case_id: str) -> int:
    return zlib.crc32(case_id.encode()) % DUE_SHARDS


def due_index(code: str, due: str, case_id: str) -> tuple[str, str]:
    """gsi4: the case in its municipality's shard partition (from its id), sorted by due date."""
    return due_partition(code, due_shard(case_id)), f"{due}#{case_id}"


def due_until(day: str) -> str:
    """The largest due-index sort key of a day."""
    return f"{day}#~"


def municipality_listing(code: str) -> tuple[str, str]:
    return MUNICIPALITY_LISTING, f"MUN#{code}"


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


# ---- scale: per-basket counters, the open/closed basket index, removal markers

BASKET_COUNTER_PREFIX = "BASKETCOUNT#"
BASKET_COUNTER_SHARDS = 16  # cases of one basket spread their counter writes over this many items


def basket_counter(code: str, basket_id: str, shard: int) -> tuple[str, str]:
    """One shard of a basket's counters, in the municipality's partition."""
    return f"MUN#{code}", f"{BASKET_COUNTER_PREFIX}{basket_id}#{shard:02d}"


def basket_of_counter(sk: str) -> str:
    """The basket id of a counter's sort key (BASKETCOUNT#<basket>#<shard>)."""
    return sk[len(BASKET_COUNTER_PREFIX):].rsplit("#", 1)[0]


def basket_status_index(code: str, basket_id: str | None, status: str) -> str:
    """gsi1: a basket's cases of one status (open or closed), oldest first."""
    return f"MUN#{code}#BASKET#{basket_id}#{status}"




# ---- partner status feed (gsi6; adapters/feed.py)
# A signal's receipt is its first change: the stored signal itself sits in gsi6 under its
# partner from the moment it arrives. Once a case holds it, the case's feed entry for that
# partner reports it (one entry per (case, partner), in the case's household partition).

FEED_INDEX = "gsi6"
FEED_ENTRY_PREFIX = "PFEED#"  # sorts after HEAD: a household's `sk <= HEAD` query never reads entries


def feed_partition(partner_id: str) -> str:
    return f"FEED#{partner_id}"


def feed_receipt_sort_key(received_at: str, signal_id: str) -> str:
    return f"{received_at}#{signal_id}"


def feed_entry(household_key: str, case_id: str, partner_id: str) -> tuple[str, str]:
    return household(household_key), f"{FEED_ENTRY_PREFIX}{case_id}#{partner_id}"


def feed_entry_chunk(household_key: str, case_id: str, partner_id: str, chunk: int) -> tuple[str, str]:
    """More of an entry's signals, once the case outgrew the entry (domain/feed.py)."""
    pk, sk = feed_entry(household_key, case_id, partner_id)
    return pk, f"{sk}#{chunk:06d}"


def feed_entry_chunks_prefix(case_id: str, partner_id: str) -> str:
    return f"{FEED_ENTRY_PREFIX}{case_id}#{partner_id}#"


def feed_entry_sort_key(changed_at: str, case_id: str, partner_id: str) -> str:
    return f"{changed_at}#{case_id}#{partner_id}"




# ---- workspace: kenmerk claims, search entries (gsi5), the task lists (gsi8, gsi9)
# A kenmerk claim makes a case's kenmerk unique within its municipality; found from the
# case by its `kenmerk` (and carrying its expiry). Search entries live in the case's
# household partition under SRCH#<case_id>#, found from the case by that prefix.

def kenmerk_claim(code: str, compact_kenmerk: str) -> tuple[str, str]:
    return f"MUN#{code}#KENMERK#{compact_kenmerk}", "KENMERK"


SEARCH_PREFIX = "SRCH#"  # sorts after HEAD, so reading a household's cases (sk <= HEAD) skips them


def search_entry(household_key: str, case_id: str, kind: str, value: str) -> tuple[str, str]:
    return household(household_key), f"{SEARCH_PREFIX}{case_id}#{kind}#{value}"


def search_address_index(code: str, postcode: str, house_number: str) -> str:
    return f"MUN#{code}#ADDR#{postcode}#{house_number}"


def search_name_index(code: str, first_letters: str) -> str:
    """Last names by their first two letters (a name search gives at least two)."""
    return f"MUN#{code}#NAME#{first_letters}"


def task_list_index(code: str, status: str, assignee: str | None) -> str:
    """A municipality's tasks of one status and one assignee ("-": unassigned), by due date."""
    return f"MUN#{code}#TASKS#{status}#{assignee if assignee is not None else '-'}"


def task_due_index(code: str, status: str) -> str:
    """A municipality's tasks of one status, whoever holds them, by due date (gsi9)."""
    return f"MUN#{code}#TASKDUE#{status}"


def task_due_sort_key(due: str | None, task_id: str) -> str:
    """gsi8's and gsi9's sort key: by due date (a task without one last), then id."""
    return f"{due or '9999-12-31'}#{task_id}"


# ---- task lists: an assignee's tasks oldest first (gsi10)

def task_by_assignee_index(code: str, status: str, assignee: str | None) -> str:
    """A municipality's tasks of one status and one assignee ("-": unassigned), oldest first."""
    return f"MUN#{code}#TASKBY#{status}#{assignee if assignee is not None else '-'}"


def task_created_sort_key(created_at: str, task_id: str) -> str:
    """gsi2's and gsi10's sort key: oldest first, then id."""
    return f"{created_at}#{task_id}"


# ---- the audit trail (roles)
# A case's entries live in its household partition under a case-scoped prefix, so
# they are found from the case and go with it (retention); other entries (criteria,
# the letter template, searches, exports) live in the municipality's partition.
# Both carry gsi7 keys: a municipality's whole trail by time (GET .../audit).
# TRAIL# sorts after HEAD, so reading a household's cases (`sk <= HEAD`) never reads them.
MUNICIPALITY_AUDIT_PREFIX = "AUDIT#"
CASE_AUDIT_PREFIX = "TRAIL#"


def municipality_audit_entry(code: str, at: str, entry_id: str) -> tuple[str, str]:
    return f"MUN#{code}", f"{MUNICIPALITY_AUDIT_PREFIX}{at}#{entry_id}"


def case_audit_prefix(case_id: str) -> str:
    return f"{CASE_AUDIT_PREFIX}{case_id}#"


def case_audit_entry(household_key: str, case_id: str, at: str, entry_id: str) -> tuple[str, str]:
    return household(household_key), f"{case_audit_prefix(case_id)}{at}#{entry_id}"


def audit_index(code: str) -> str:
    return f"MUN#{code}#AUDIT"


def audit_index_sort(at: str, entry_id: str) -> str:
    return f"{at}#{entry_id}"


# ---- monitor: monthly counters, retention
# A month's figures of a municipality (no personal data), in its partition.
MONTHLY_PREFIX = "MONTHLY#"


def monthly_counter(code: str, month: str) -> tuple[str, str]:
    return f"MUN#{code}", f"{MONTHLY_PREFIX}{month}"


def retention_done(case_id: str) -> tuple[str, str]:
    """Retention counted this case's deletion (once, however often its REMOVE comes)."""
    return f"RETAINED#{case_id}", "RETAINED"


# ---- preview: a criteria preview's job (adapters/preview_jobs.py). The municipality's
# code is in the key: another municipality's job id finds nothing.

def preview_job(code: str, job_id: str) -> tuple[str, str]:
    return f"PREVIEW#{code}", f"JOB#{job_id}"


# What belongs to one case in its household partition: sort keys `<prefix><case_id>#...`.
# The retention function deletes every item under each (docs/design.md, "Retention");
# an area whose items belong to a case adds its prefix here.
CASE_SCOPED_PREFIXES: tuple[str, ...] = (LOG_PREFIX, FEED_ENTRY_PREFIX, SEARCH_PREFIX, CASE_AUDIT_PREFIX)


def case_scoped_prefix(prefix: str, case_id: str) -> str:
    return f"{prefix}{case_id}#"


# ---- wcu: what a log item's sort key says beyond its kind


def log_order(sk: str) -> str:
    """The order of a log item's entry among those of its kind (LOG#<case>#<kind>#<order>)."""
    return sk.split("#", 3)[3]
