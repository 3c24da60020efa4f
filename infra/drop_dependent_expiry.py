"""One-off, when deploying "dependents have no expiry of their own" (docs/decisions.md,
"Write units"): remove `expires_at` from the log entries, search and feed entries, kenmerk
claims and tasks written before, whose case is still there. Such an item still carries
the expiry its case had then (6 months after opening), which a pick-up no longer moves:
TTL would delete it while its case lives on. An item whose case is gone keeps its expiry
(TTL removes it). Idempotent; run it once after the deploy, again if interrupted.

    python -m infra.drop_dependent_expiry --table vroegsignaal-Table-XYZ
        (AWS_ENDPOINT_URL for another endpoint; prints counts only, never item contents)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))

from botocore.exceptions import ClientError  # noqa: E402
from vroegsignaal.adapters import keys, table  # noqa: E402

DEPENDENT_TYPES = ("case_log", "search_entry", "partner_feed", "kenmerk_claim", "task")


def _case_of(client: Any, name: str, item: dict[str, Any]) -> tuple[str, str] | None:
    """The key of the item's case: its household partition (or `household`, or for an older
    task without one the case's entry in gsi3) and its case id."""
    if not item.get("case_id"):
        return None
    household = item.get("household") or (item["pk"][len(keys.household("")):]
                                          if item["pk"].startswith(keys.household("")) else None)
    if not household:
        gsi3pk, _ = keys.case_by_id_index(str(item["case_id"]))
        found = client.query(TableName=name, IndexName="gsi3", KeyConditionExpression="gsi3pk = :pk",
                             ExpressionAttributeValues={":pk": {"S": gsi3pk}}).get("Items", [])
        household = table.from_attrs(found[0]).get("household") if found else None
    return keys.case(str(household), str(item["case_id"])) if household else None


def drop(table_name: str | None = None) -> dict[str, int]:
    """Remove the expiry of every dependent whose case is there; how many were changed and kept."""
    name = table_name or table.table_name()
    client = table.dynamodb()
    counts = {"changed": 0, "kept": 0}
    cases_there: dict[tuple[str, str], bool] = {}
    names = {"#t": "type"}
    values = {f":t{i}": {"S": kind} for i, kind in enumerate(DEPENDENT_TYPES)}
    scan = client.get_paginator("scan").paginate(
        TableName=name, ProjectionExpression="pk, sk, case_id, household",
        FilterExpression=f"attribute_exists(expires_at) AND #t IN ({', '.join(values)})",
        ExpressionAttributeNames=names, ExpressionAttributeValues=values)
    for page in scan:
        for item in map(table.from_attrs, page.get("Items", [])):
            case_key = _case_of(client, name, item)
            if case_key is not None and case_key not in cases_there:
                cases_there[case_key] = "Item" in client.get_item(
                    TableName=name, Key=table.key(*case_key), ConsistentRead=True, ProjectionExpression="pk")
            if case_key is None or not cases_there[case_key]:
                counts["kept"] += 1
                continue
            try:
                client.update_item(TableName=name, Key=table.key(item["pk"], item["sk"]),
                                   UpdateExpression="REMOVE expires_at", ConditionExpression="attribute_exists(pk)")
                counts["changed"] += 1
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", required=True, help="the stack's table name")
    counts = drop(parser.parse_args(argv).table)
    print(f"expiry removed from {counts['changed']} items; {counts['kept']} items of cases that are gone keep theirs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
