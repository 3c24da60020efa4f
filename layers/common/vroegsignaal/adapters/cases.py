"""Cases in the table (docs/design.md, "The table").

A household's partition holds its head (how many cases it ever opened), its
cases (bounded in size) and each case's log (every signal entry,
classification, contact attempt and move, written once and never changed);
the keys are in keys.py. A case is written whole,
conditioned on the version read, together with its new log entries in one
transaction, so two writers never overwrite each other: the loser gets
`ConcurrentChange` and retries (a stream record is redelivered, an SQS
message comes back). This module is the one conversion between a case (and
its log) and the table's items.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, cast

from botocore.exceptions import ClientError

from vroegsignaal import clock
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain import paths
from vroegsignaal.domain.case import Case, LetterRecord
from vroegsignaal.domain.classification import Classified
from vroegsignaal.domain.errors import CursorError
from vroegsignaal.domain.retention import household_head_expires_at

from . import case_codec, case_followers, dynamo, keys, merged_pages, table, tasks

_INDEX_ATTRS = ("pk", "sk", "type", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk",
                "summary")
_READ_ITEM = "_read_item"  # the item as the store read it: what followers compare with (case_followers.py)
# What a write that adds a signal tells the followers (feed, monthly counters) of that
# signal: they see it with the item written, the table does not keep it.
_ADDED_SIGNAL_FIELDS = ("joined_signal", "last_signal")
_STORE_FIELDS = (_READ_ITEM, *_ADDED_SIGNAL_FIELDS)
# What a list of cases reads of each case: its own fields and the stored summary.
LIST_FIELDS = ("pk", "sk", "gsi1pk", "gsi1sk", "case_id", "municipality_code", "basket_id",
               "status", "opened_at", "postcode", "house_number", "house_number_suffix", "criteria_version",
               "summary")
_LOG_KIND_KEYS = dict(zip(case_rules.LOG_KINDS, keys.LOG_KINDS, strict=True))
_LOG_KINDS_OF_KEY = {v: k for k, v in _LOG_KIND_KEYS.items()}
DUE_PAGE = 100  # due index keys per page: one BatchGetItem of the cases
DuePartition = tuple[str, int]  # a municipality's code and a shard of its due cases
HEAD_START = "start#"  # a head's attribute per case: `start#<case_id>` = the case's start date


# --------------------------------------------------------------------------- conversion


def case_item(case: Case, *, version: int | None = None) -> dict[str, Any]:
    """The table item of the case (at `version`, else its own): its fields, with its
    steps, letters and aggregate packed as lists (case_codec), and its keys and index attributes, all derived from the case itself."""
    code, opened = case["municipality_code"], f"{case['opened_at']}#{case['case_id']}"
    pk, sk = keys.case(case["household"], case["case_id"])
    gsi3pk, gsi3sk = keys.case_by_id_index(case["case_id"])
    item = {**{k: v for k, v in case.items() if k not in _STORE_FIELDS},
            "version": case["version"] if version is None else version,
            "steps": [case_codec.stored_step(step, case["case_id"]) for step in paths.steps_of(case)],
            "letters": [case_codec.stored_letter(LetterRecord.from_item(letter)) for letter in case.get("letters") or []],
            "aggregate": case_codec.stored_aggregate(case["aggregate"]),
            "pk": pk, "sk": sk, "type": "case",
            # gsi1: the basket's cases of the case's status (open ones never behind closed ones).
            "gsi1pk": keys.basket_status_index(code, case["basket_id"], case["status"]), "gsi1sk": opened,
            "gsi3pk": gsi3pk, "gsi3sk": gsi3sk,
            "summary": case_rules.summary(case)}
    due = paths.next_due(case)
    if due:  # sparse: only cases with a step waiting for its date are in the due index
        item["gsi4pk"], item["gsi4sk"] = keys.due_index(code, due, case["case_id"])
    return item


def followed(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """A case item as its followers read it (case_followers.py): its aggregate a dict."""
    if item is None or "aggregate" not in item:
        return item
    return {**item, "aggregate": case_codec.aggregate_from_stored(item["aggregate"])}


def case_from_item(item: dict[str, Any]) -> Case:
    """The case a table item holds (the one conversion back: case_item)."""
    fields = {k: v for k, v in item.items() if k not in _INDEX_ATTRS}
    if "aggregate" in item:
        fields["aggregate"] = case_codec.aggregate_from_stored(item["aggregate"])
    fields["steps"] = [case_codec.step_from_stored(step, item["case_id"]) for step in item.get("steps") or []]
    fields["letters"] = [case_codec.letter_from_stored(letter).item() for letter in item.get("letters") or []]
    fields[_READ_ITEM] = copy.deepcopy(item)  # the domain may change nested values of the case
    return cast(Case, fields)


def listed_case(item: dict[str, Any]) -> dict[str, Any]:
    """A case as a list read it: its fields and its summary."""
    return {**{k: v for k, v in item.items() if k not in _INDEX_ATTRS}, "summary": item["summary"]}


def _log_items(case: Case, entries: Sequence[case_rules.LogEntry]) -> list[dict[str, Any]]:
    """The log entries of one write in one item (a classified signal: its signal entry and
    its classification; an item of up to 1 KB costs what a smaller one does): keyed, kinded
    and bodied as its first entry, the others in `also` ({kind, order, body}). A signal
    entry goes first, so an item that names a signal is a signal entry (retention, the
    export's signals)."""
    if not entries:
        return []
    first, *others = sorted(entries, key=lambda entry: entry.kind != case_rules.SIGNAL)
    pk, sk = keys.case_log(case["household"], case["case_id"], _LOG_KIND_KEYS[first.kind], first.order)
    # No expiry of its own: retention deletes it with its case (found by its prefix).
    item: dict[str, Any] = {"pk": pk, "sk": sk, "type": "case_log", "kind": first.kind, "case_id": case["case_id"],
            "body": _stored_body(first)}
    if others:
        item["also"] = [{"kind": entry.kind, "order": entry.order, "body": _stored_body(entry)} for entry in others]
    return [item]


def _explanation_lines(explanation: dict[str, Any]) -> list[str]:
    """A classification's `lines`, as the criteria write them: each failed basket, then the matched one."""
    return [f"{part['basket_id']}: {part['condition']}"
            for part in [*(explanation.get("failed") or []), explanation.get("matched") or {}]]


def _stored_body(entry: case_rules.LogEntry) -> dict[str, Any]:
    """The entry's body as stored: a classification without the `lines` its matched and
    failed baskets spell already (restored on reading: _read_body)."""
    explanation = entry.body.get("explanation") if entry.kind == case_rules.CLASSIFICATION else None
    if not isinstance(explanation, dict) or "matched" not in explanation \
            or explanation.get("lines") != _explanation_lines(explanation):
        return entry.body
    return {**entry.body, "explanation": {k: v for k, v in explanation.items() if k != "lines"}}


def _read_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    explanation = body.get("explanation") if kind == case_rules.CLASSIFICATION else None
    if not isinstance(explanation, dict) or "lines" in explanation or "matched" not in explanation:
        return body
    return {**body, "explanation": {**explanation, "lines": _explanation_lines(explanation)}}


def _put(item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": table.table_name(), "Item": table.to_attrs(item)}
    if condition:
        put["ConditionExpression"] = condition
    return {"Put": put}


def _case_put(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """A transactional Put of the case, conditioned on the version it was read at,
    and the item it writes."""
    read_version = case["version"]
    item = case_item(case, version=read_version + 1)
    put = _put(item, "attribute_not_exists(pk)" if read_version == 0 else "version = :v")
    if read_version:
        put["Put"]["ExpressionAttributeValues"] = {":v": {"N": str(read_version)}}
    return put, item


def _case_writes(case: Case) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The case's Put and what follows it (case_followers.py), and the item written."""
    put, item = _case_put(case)
    before, after = followed(case.get("_read_item")), {**item, "aggregate": case["aggregate"]}
    if case_rules.signal_count(case) > int(((before or {}).get("aggregate") or {}).get("signal_count") or 0):
        after.update({name: case[name] for name in _ADDED_SIGNAL_FIELDS if name in case})  # type: ignore[literal-required]
    return [put, *case_followers.items_for(before, after)], item


def _written(case: Case, item: dict[str, Any]) -> None:
    """After a write: the case is at its new version, as if read again."""
    case["version"] += 1
    case["_read_item"] = item


def _signal_mark(signal_item: dict[str, Any], case: Case) -> dict[str, Any]:
    """Record on the stored signal which case holds it (its partner's status, redelivery),
    once: a second classification of the same signal fails here."""
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.signal(signal_item["partner_id"],
                                                                        signal_item["reference"])),
        # The case's retention applies from now on (the retention function deletes the signal with it).
        "UpdateExpression": "SET case_id = :case, household = :household REMOVE expires_at",
        "ConditionExpression": "attribute_not_exists(case_id)",
        "ExpressionAttributeValues": table.to_attrs({":case": case["case_id"], ":household": case["household"]})}}


def _head_claim(household: str, opened_seen: int, case: Case) -> dict[str, Any]:
    """Count a new case on the household's head, on condition that no other writer
    opened one since the household was read: signals of one household can be
    classified at the same time (on different stream shards); only one opens the
    case and the other joins it on its retry. The head records the case's start
    date too (the `repeat` fact of a preview reads heads, not households)."""
    values = {":next": {"N": str(opened_seen + 1)}, ":type": {"S": "household"},
              ":expires": {"N": str(household_head_expires_at(clock.now()))}, ":start": {"S": case["start_date"]}}
    if opened_seen:
        values[":seen"] = {"N": str(opened_seen)}
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.household_head(household)),
        "UpdateExpression": "SET opened = :next, #t = :type, expires_at = :expires, #start = :start",
        "ConditionExpression": "attribute_not_exists(pk)" if opened_seen == 0 else "opened = :seen",
        "ExpressionAttributeNames": {"#t": "type", "#start": HEAD_START + case["case_id"]},
        "ExpressionAttributeValues": values}}


def _head_start(case: Case) -> dict[str, Any]:
    """A join moved the case's start date earlier: the head follows."""
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.household_head(case["household"])),
        "UpdateExpression": "SET #start = :start", "ConditionExpression": "attribute_exists(pk)",
        "ExpressionAttributeNames": {"#start": HEAD_START + case["case_id"]},
        "ExpressionAttributeValues": {":start": {"S": case["start_date"]}}}}


def head_starts(head: dict[str, Any]) -> dict[str, str] | None:
    """The start date of each case a household's head records (case id -> date), or None
    when the head does not know every case it counted (written before it recorded them)."""
    starts = {name[len(HEAD_START):]: value for name, value in head.items() if name.startswith(HEAD_START)}
    return starts if len(starts) >= int(head.get("opened") or 0) else None


# --------------------------------------------------------------------------- the store


class DynamoCaseStore:
    def household(self, household: str) -> tuple[list[Case], int]:
        """Every case of a household and how many were ever opened (its head), in one
        strongly consistent query (matching must see the last write); the cases'
        logs sort after the head and are not read."""
        items = table.query_all(key_condition="pk = :pk AND sk <= :head",
                                values={":pk": keys.household(household), ":head": keys.HEAD}, consistent=True)
        head = next((i for i in items if i["sk"] == keys.HEAD), None)
        cases = [case_from_item(i) for i in items if i["sk"].startswith(keys.CASE_PREFIX)]
        return cases, int(head["opened"]) if head else 0

    def household_cases(self, household: str) -> list[Case]:
        return self.household(household)[0]

    def household_starts(self, households: Sequence[str]) -> dict[str, dict[str, str]]:
        """Each household's cases' start dates (case id -> date), from the households'
        heads (BatchGetItem, 100 a call); a head written before heads recorded them
        makes one query of that household."""
        heads = table.get_many([keys.household_head(h) for h in households])
        found: dict[str, dict[str, str]] = {}
        for household in households:
            head = heads.get(keys.household_head(household))
            starts = head_starts(head) if head else None
            if starts is None:
                starts = {c["case_id"]: c["start_date"] for c in self.household_cases(household)}
            found[household] = starts
        return found

    def store_classified(self, signal_item: dict[str, Any], result: Classified, *, opened_seen: int) -> None:
        """Write what classifying a signal changed, all or nothing: the mark on the
        signal, the household's head (a new case), the case and its new log entries.
        A join writes these few items however many signals the case holds.
        AlreadyInCase: the signal was classified before (a redelivered record)."""
        case = result.case
        items = [_signal_mark(signal_item, case)]
        if result.is_new:
            items.append(_head_claim(case["household"], opened_seen, case))
        elif case["start_date"] != (case.get("_read_item") or {}).get("start_date", case["start_date"]):
            items.append(_head_start(case))
        case_writes, written = _case_writes(case)
        items.extend(case_writes)
        items.extend(_put(item) for item in _log_items(case, result.log))
        try:
            table.dynamodb().transact_write_items(TransactItems=items)
        except ClientError as error:
            if dynamo.cancelled_at(error, 0):
                raise case_rules.AlreadyInCase(signal_item["signal_id"]) from None
            raise dynamo.translate(error, case["case_id"]) from None
        _written(case, written)

    def case_of_signal(self, signal_item: dict[str, Any]) -> Case | None:
        """The case holding a signal (recorded on the stored signal when it was classified)."""
        stored = table.get(*keys.signal(signal_item["partner_id"], signal_item["reference"]))
        if not stored or not stored.get("case_id"):
            return None
        return self.get(stored["household"], stored["case_id"])

    def write(self, case: Case, *, log: Sequence[case_rules.LogEntry] = (),
              changed_tasks: Sequence[tuple[dict[str, Any], str]] = ()) -> None:
        """Write the case, its new log entries and tasks it changed (each with the status
        it was read at), all or nothing, if nobody changed any of them meanwhile
        (ConcurrentChange)."""
        case_writes, written = _case_writes(case)
        items = [*case_writes, *(_put(item) for item in _log_items(case, log)),
                 *(tasks.put_changed(task, expected_status=expected) for task, expected in changed_tasks)]
        with dynamo.translated(case["case_id"]):
            if len(items) > 1:
                table.dynamodb().transact_write_items(TransactItems=items)
            else:
                table.dynamodb().put_item(**items[0]["Put"])
        _written(case, written)

    def _log_items(self, case: Case) -> list[dict[str, Any]]:
        return table.query_all(key_condition="pk = :pk AND begins_with(sk, :log)",
                               values={":pk": keys.household(case["household"]),
                                       ":log": keys.case_log_prefix(case["case_id"])}, consistent=True)

    def log(self, case: Case) -> dict[str, list[dict[str, Any]]]:
        """The case's log by kind (signal, classification, contact_attempt, move), each
        in order: one Query of the case's prefix, page by page, however long it is."""
        found: dict[str, list[tuple[str, dict[str, Any]]]] = {kind: [] for kind in case_rules.LOG_KINDS}
        for item in self._log_items(case):
            kind = _LOG_KINDS_OF_KEY[keys.log_kind(item["sk"])]
            found[kind].append((keys.log_order(item["sk"]), _read_body(kind, item["body"])))
            for entry in item.get("also") or []:
                found[entry["kind"]].append((entry["order"], _read_body(entry["kind"], entry["body"])))
        return {kind: [body for _, body in sorted(entries, key=lambda pair: pair[0])]
                for kind, entries in found.items()}

    def get(self, household: str, case_id: str) -> Case | None:
        item = table.get(*keys.case(household, case_id))
        return case_from_item(item) if item else None

    def find(self, municipality_code: str, case_id: str) -> Case | None:
        """A case by id, only within its municipality (another's is as good as absent)."""
        gsi3pk, _ = keys.case_by_id_index(case_id)
        items = table.query_all(index="gsi3", key_condition="gsi3pk = :pk", values={":pk": gsi3pk},
                                projection=("municipality_code", "household"))
        if not items or items[0]["municipality_code"] != municipality_code:
            return None
        # The index is eventually consistent: read the case itself.
        return self.get(items[0]["household"], case_id)

    def page(self, *, index: str, pk: str, limit: int, cursor: str | None,
             filter_expression: str | None = None, values: dict[str, Any] | None = None,
             names: dict[str, str] | None = None, projection: tuple[str, ...] | None = LIST_FIELDS,
             convert: Callable[[dict[str, Any]], dict[str, Any]] = listed_case
             ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of an index, oldest first, with an opaque cursor (the key of the page's
        last item: the projection holds the index's keys; None when the partition ended).
        By default a page of cases as lists show them (listed_case); other items pass
        their own projection and conversion."""
        items, ended = table.read_after(index=index, key_condition=f"{index}pk = :pk",
                                        values={":pk": pk, **(values or {})}, names=names,
                                        filter_expression=filter_expression,
                                        start=decode_cursor(cursor) if cursor else None, limit=limit,
                                        projection=projection)
        next_cursor = None if ended or not items else encode_cursor(merged_pages.key_of(items[-1], index))
        return [convert(i) for i in items], next_cursor

    @staticmethod
    def due_partitions(codes: Sequence[str]) -> list[DuePartition]:
        """Every due partition of these municipalities."""
        return [(code, shard) for code in codes for shard in range(keys.DUE_SHARDS)]

    def due_page(self, partition: DuePartition, until: str, cursor: str | None, *,
                 page_size: int = DUE_PAGE) -> tuple[list[Case], str | None]:
        """One page of a due partition (the follow-up worker's message): the cases with a
        step due on or before `until`, after `cursor`, and the cursor of the next page
        (None at the partition's end). Memory holds one page, whatever is due."""
        entries, ended = table.read_after(
            index="gsi4", key_condition="gsi4pk = :pk AND gsi4sk <= :until",
            values={":pk": keys.due_partition(*partition), ":until": keys.due_until(until)},
            start=decode_cursor(cursor) if cursor else None, limit=page_size)
        # The index holds keys only: the cases themselves, 100 a call.
        whole = table.get_many([(e["pk"], e["sk"]) for e in entries]) if entries else {}
        found = [case_from_item(whole[(e["pk"], e["sk"])]) for e in entries if (e["pk"], e["sk"]) in whole]
        return found, None if ended or not entries else encode_cursor(merged_pages.key_of(entries[-1], "gsi4"))

    @staticmethod
    def move_legacy_due_entries() -> int:
        """Once, after deploying issue 13 (infra/admin_followups.py): every case still in the
        country's due partitions moves to its municipality's. Only the index key changes
        (no new version: the follow-up rules read nothing of it); a case written meanwhile
        has its new key already and is left alone. Returns how many moved."""
        moved = 0
        for shard in range(keys.DUE_SHARDS):
            legacy = keys.legacy_due_partition(shard)
            for entries, _ in table.query_pages(index="gsi4", key_condition="gsi4pk = :pk", values={":pk": legacy},
                                                limit=DUE_PAGE):
                whole = table.get_many([(e["pk"], e["sk"]) for e in entries])
                for item in whole.values():
                    new_pk, _ = keys.due_index(item["municipality_code"], "", item["case_id"])
                    try:
                        table.dynamodb().update_item(
                            TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                            UpdateExpression="SET gsi4pk = :new", ConditionExpression="gsi4pk = :old",
                            ExpressionAttributeValues=table.to_attrs({":new": new_pk, ":old": legacy}))
                        moved += 1
                    except ClientError as error:
                        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                            raise
        return moved


def encode_cursor(last_key: dict[str, Any]) -> str:
    return merged_pages.encode(last_key)


def decode_cursor(cursor: str) -> dict[str, Any]:
    key = merged_pages.decode(cursor)
    if not isinstance(key, dict) or not all(isinstance(v, dict) and len(v) == 1 for v in key.values()):
        raise CursorError("cursor is not valid")
    return key
