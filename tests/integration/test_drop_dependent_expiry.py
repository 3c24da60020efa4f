"""The one-off that takes the old expiry off a case's dependents (infra/drop_dependent_expiry.py):
written before dependents lost their own expiry, they would go by TTL while their case lives on."""
from __future__ import annotations

import pytest

from tests.integration.test_municipality_api import add_task, open_case, raw_case
from tests.integration.test_retention import everything, h  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("tenants")
KINDS = ("case_log", "search_entry", "partner_feed", "kenmerk_claim", "task")


def stamp_as_before(case_id: str, expires_at: int) -> list[dict]:
    """Give the case's dependents the expiry they carried before (as items written then)."""
    from vroegsignaal.adapters import aws, table
    items = [i for i in everything() if i.get("case_id") == case_id and i["type"] in KINDS]
    for item in items:
        aws.client("dynamodb").update_item(TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                                           UpdateExpression="SET expires_at = :e",
                                           ExpressionAttributeValues={":e": {"N": str(expires_at)}})
    return items


def test_dependents_of_a_living_case_lose_their_old_expiry_and_a_gone_cases_keep_it(h):  # noqa: F811
    from vroegsignaal.adapters import aws, table

    from infra.drop_dependent_expiry import drop
    living = open_case(h, reference="EN-1")
    add_task(living)
    gone = open_case(h, "vitens", reference="VI-1", debtor__address__postcode="3442 CD")
    stamped = stamp_as_before(living, raw_case(living)["expires_at"])
    orphans = stamp_as_before(gone, 1)
    case = raw_case(gone)
    aws.client("dynamodb").delete_item(TableName=table.table_name(),
                                       Key=table.key(f"HH#{case['household']}", f"CASE#{gone}"))
    assert {i["type"] for i in stamped} == set(KINDS)
    (task,) = [i for i in stamped if i["type"] == "task"]
    aws.client("dynamodb").update_item(TableName=table.table_name(), Key=table.key(task["pk"], task["sk"]),
                                       UpdateExpression="REMOVE household")  # older tasks name no household
    assert drop() == {"changed": len(stamped), "kept": len(orphans)}
    left = {(i["pk"], i["sk"]): i for i in everything()}
    assert all("expires_at" not in left[(i["pk"], i["sk"])] for i in stamped)
    assert all(left[(i["pk"], i["sk"])]["expires_at"] == 1 for i in orphans)
    assert drop() == {"changed": 0, "kept": len(orphans)}  # once is enough
