"""Backfill what data stored before the workspace lacks: a case's kenmerk (and its claim),
its last names and current summary (street, city, kenmerk), its search entries (gsi5),
and the task list keys of its tasks (gsi8, gsi9, gsi10). Reads the table page by page (a Scan
of cases and tasks: a one-off tool, never a request path), writes only what is missing,
so a second run writes nothing and an interrupted run is simply run again.

    python -m infra.backfill --stack vroegsignaal          (AWS: the stack's table)
    python -m infra.backfill --table vroegsignaal-Table-XYZ
    python -m infra.backfill --local http://127.0.0.1:3000 (the local stack, make serve)
    add --dry-run to count without writing

A case is written again conditioned on the version read (a consultant's or the
pipeline's change in between wins; the case is read again and backfilled after it),
with its kenmerk claim in the same transaction (a collision draws a fresh kenmerk);
its search entries and its tasks' keys are written only where absent or different.
Prints counts only: no debtor data.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))

from botocore.exceptions import ClientError  # noqa: E402
from vroegsignaal.adapters import cases, dynamo, kenmerk_claims, keys, search_index, table, tasks  # noqa: E402
from vroegsignaal.domain import cases as case_rules  # noqa: E402
from vroegsignaal.domain.kenmerk import new_kenmerk  # noqa: E402

PAGE_SIZE = 100
ATTEMPTS = 5
_TASK_LIST_KEYS = ("gsi8pk", "gsi8sk", "gsi9pk", "gsi9sk", "gsi10pk", "gsi10sk")


def pages(page_size: int = PAGE_SIZE):
    """The table's cases and tasks, a page at a time."""
    request: dict[str, Any] = {
        "TableName": table.table_name(), "Limit": page_size, "FilterExpression": "#t IN (:case, :task)",
        "ExpressionAttributeNames": {"#t": "type"},
        "ExpressionAttributeValues": {":case": {"S": "case"}, ":task": {"S": "task"}}}
    while True:
        answer = table.dynamodb().scan(**request)
        yield [table.from_attrs(item) for item in answer.get("Items", [])]
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _last_names_of(case: dict[str, Any]) -> list[str]:
    """An old case kept no last names: its latest debtor's is what it knows."""
    debtor = case.get("latest_debtor") or {}
    name = " ".join(part for part in (debtor.get("prefix"), debtor.get("last_name")) if part)
    return [name] if name else []


def _completed(item: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The case of an item with what it lacks filled in (a fresh kenmerk if it has none),
    and whether that is a new kenmerk to claim."""
    case = cases.case_from_item(item)
    new = not case.get("kenmerk")
    if new:
        case["kenmerk"] = new_kenmerk()
    if "last_names" not in case:
        case["last_names"] = _last_names_of(case)
    return case, new


def _needs_writing(item: dict[str, Any], case: dict[str, Any], new_kenmerk_drawn: bool) -> bool:
    return new_kenmerk_drawn or "last_names" not in item or item.get("summary") != case_rules.summary(case)


def _stored_entries(item: dict[str, Any]) -> set[str]:
    return {entry["sk"] for entry in table.query_all(
        key_condition="pk = :pk AND begins_with(sk, :prefix)",
        values={":pk": item["pk"], ":prefix": f"{keys.SEARCH_PREFIX}{item['case_id']}#"}, projection=("sk",))}


def backfill_case(item: dict[str, Any], *, dry_run: bool = False) -> Counter[str]:
    """What one case lacks, written; the counts of what was (or would be) written."""
    done: Counter[str] = Counter()
    for _attempt in range(ATTEMPTS):
        case, claim = _completed(item)
        if not _needs_writing(item, case, claim):
            break
        if dry_run:
            done.update({"cases rewritten": 1, "kenmerken": int(claim)})
            break
        written = cases.case_item(case, version=item["version"] + 1)
        put = {"TableName": table.table_name(), "Item": table.to_attrs(written), "ConditionExpression": "version = :v",
               "ExpressionAttributeValues": {":v": {"N": str(item["version"])}}}
        actions = [{"Put": put}, *(kenmerk_claims.claim_items(None, written) if claim else [])]
        try:
            table.dynamodb().transact_write_items(TransactItems=actions)
        except ClientError as error:
            if dynamo.error_code(error) != "TransactionCanceledException":
                raise
            # The case changed meanwhile (read it again) or the kenmerk was taken (draw again).
            again = table.get(item["pk"], item["sk"])
            if again is None:
                return done  # gone (retention)
            item = again
            continue
        done.update({"cases rewritten": 1, "kenmerken": int(claim)})
        item = written
        break
    else:
        raise RuntimeError(f"case {item['case_id']} not backfilled after {ATTEMPTS} attempts")
    stored = _stored_entries(item)
    source = _completed(item)[0] if dry_run else item  # a dry run wrote no last names
    for sk, entry in search_index.entries(source).items():
        if sk in stored:
            continue
        done["search entries"] += 1
        if not dry_run:
            try:
                table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(entry),
                                          ConditionExpression="attribute_not_exists(pk)")
            except ClientError as error:
                if dynamo.error_code(error) != "ConditionalCheckFailedException":
                    raise
                done["search entries"] -= 1  # the case's own write made it meanwhile
    return done


_TASK_KEY_SOURCES = ("status", "assignee", "due", "created_at")  # what tasks.task_item spells them from


def backfill_task(item: dict[str, Any], *, dry_run: bool = False) -> Counter[str]:
    """The task list keys a task lacks (or holds stale), written if what they spell is still as read."""
    wanted = {name: value for name, value in tasks.task_item(tasks.task_of(item)).items() if name in _TASK_LIST_KEYS}
    if all(item.get(name) == value for name, value in wanted.items()):
        return Counter()
    if not dry_run:
        names = {f"#k{n}": name for n, name in enumerate(wanted)}
        values = {f":k{n}": {"S": value} for n, value in enumerate(wanted.values())}
        # The keys spell the status, the assignee, the due date and the creation as read: each must still hold.
        conditions = []
        for n, name in enumerate(_TASK_KEY_SOURCES):
            names[f"#c{n}"] = name
            if item.get(name) is None:
                conditions.append(f"attribute_not_exists(#c{n})")
            else:
                conditions.append(f"#c{n} = :c{n}")
                values[f":c{n}"] = table.to_attrs({"v": item[name]})["v"]
        try:
            table.dynamodb().update_item(
                TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                UpdateExpression="SET " + ", ".join(f"#k{n} = :k{n}" for n in range(len(wanted))),
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except ClientError as error:
            if dynamo.error_code(error) != "ConditionalCheckFailedException":
                raise
            return Counter()  # changed meanwhile: that write gave it every key (tasks.task_item)
    return Counter({"tasks": 1})


def backfill(*, page_size: int = PAGE_SIZE, dry_run: bool = False, progress=None) -> Counter[str]:
    """Every case and task of the table, page by page; the counts of what was written."""
    done: Counter[str] = Counter()
    for number, page in enumerate(pages(page_size), start=1):
        for item in page:
            done["read"] += 1
            done += backfill_case(item, dry_run=dry_run) if item["type"] == "case" else \
                backfill_task(item, dry_run=dry_run)
        if progress is not None:
            progress(number, done)
    return done


def main(argv: list[str] | None = None) -> int:
    from infra.admin import local_stack_of, stack_outputs

    parser = argparse.ArgumentParser(prog="python -m infra.backfill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="the stack's table (or TABLE_NAME)")
    parser.add_argument("--stack", help="a deployed stack: its outputs name the table")
    parser.add_argument("--endpoint-url", help="another endpoint than AWS")
    parser.add_argument("--local", metavar="URL", help="the local stack at URL (make serve)")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE, help="items per Scan page (default 100)")
    parser.add_argument("--dry-run", action="store_true", help="count what is missing, write nothing")
    args = parser.parse_args(argv)
    if args.local:
        local = local_stack_of(args.local)
        args.endpoint_url = args.endpoint_url or local["endpoint_url"]
        args.table = args.table or local["table_name"]
    if args.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    if args.stack and not args.table:
        args.table = stack_outputs(args.stack).get("TableName")
    if not args.table:
        parser.error("--table, --stack, --local or TABLE_NAME is required")
    os.environ["TABLE_NAME"] = args.table

    def progress(number: int, done: Counter[str]) -> None:
        print(f"page {number}: {json.dumps(dict(done), sort_keys=True)}", file=sys.stderr, flush=True)

    done = backfill(page_size=args.page_size, dry_run=args.dry_run, progress=progress)
    print(json.dumps({"dry_run": args.dry_run, **{k: done.get(k, 0) for k in
                                                  ("read", "cases rewritten", "kenmerken", "search entries", "tasks")}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
