"""infra/backfill.py on moto: cases and tasks stored before kenmerken, search entries and
the task list indexes get what they lack, page by page, once."""
from __future__ import annotations

import re

import pytest

from tests.integration.test_municipality_api import GM, OLD, add_task, open_case, raw_case, request

pytestmark = pytest.mark.usefixtures("tenants")
KENMERK = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def made_old(case_id: str, task_ids: list[str]) -> None:
    """The case and its tasks as stored before the workspace: no kenmerk (nor claim), last names,
    street and city in the summary, search entries or task list keys."""
    from vroegsignaal.adapters import keys, table
    client, name = table.dynamodb(), table.table_name()
    case = raw_case(case_id)
    pk, sk = keys.case(case["household"], case_id)
    item = table.get(pk, sk)
    assert item is not None
    client.delete_item(TableName=name, Key=table.key(f"MUN#{GM}#KENMERK#{case['kenmerk'].replace('-', '')}", "KENMERK"))
    summary = {k: v for k, v in item["summary"].items() if k not in ("kenmerk", "street", "city")}
    client.update_item(TableName=name, Key=table.key(pk, sk), UpdateExpression="REMOVE kenmerk, last_names SET summary = :s",
                       ExpressionAttributeValues={":s": table.to_attrs({"s": summary})["s"]})
    for entry in table.query_all(key_condition="pk = :pk AND begins_with(sk, :p)",
                                 values={":pk": pk, ":p": f"SRCH#{case_id}#"}):
        client.delete_item(TableName=name, Key=table.key(entry["pk"], entry["sk"]))
    for task_id in task_ids:
        client.update_item(TableName=name, Key=table.key(f"TASK#{task_id}", "TASK"),
                           UpdateExpression="REMOVE gsi8pk, gsi8sk, gsi9pk, gsi9sk, gsi10pk, gsi10sk")


def listed(h, **query):
    status, body = request(h, "GET", "/tasks", query=query)
    assert status == 200, body
    return [t["task_id"] for t in body["tasks"]]


def found(h, **query):
    status, body = request(h, "GET", "/cases", query=query)
    assert status == 200, body
    return [c["case_id"] for c in body["cases"]]


@pytest.fixture
def old_case(h):
    case_id = open_case(h, debtor__date_of_birth=OLD)
    task_id = add_task(case_id)
    made_old(case_id, [task_id])
    assert found(h, postcode="3441AB", house_number="12") == [] and listed(h, sort="due") == []
    return case_id, task_id


def test_an_old_case_gets_a_kenmerk_its_claim_and_its_summary(h, old_case):
    from vroegsignaal.adapters import table

    from infra.backfill import backfill
    case_id, _ = old_case
    done = backfill()
    case = raw_case(case_id)
    assert KENMERK.fullmatch(case["kenmerk"]) and done["kenmerken"] == 1 and done["cases rewritten"] == 1
    claim = table.get(f"MUN#{GM}#KENMERK#{case['kenmerk'].replace('-', '')}", "KENMERK")
    assert claim["case_id"] == case_id and "expires_at" not in claim  # it goes with the case (retention)
    status, shown = request(h, "GET", "/baskets/{basket_id}/cases", {"basket_id": case["basket_id"]})
    (row,) = shown["cases"]  # lists show the stored summary
    assert (row["kenmerk"], row["city"], row["street"]) == (case["kenmerk"], "Woerden", "Rijnstraat")
    assert found(h, kenmerk=case["kenmerk"]) == [case_id]


def test_an_old_case_is_found_by_address_and_name_again(h, old_case):
    from infra.backfill import backfill
    case_id, _ = old_case
    assert backfill()["search entries"] >= 2
    assert found(h, postcode="3441AB", house_number="12") == [case_id]
    assert found(h, name="dijk") == [case_id]


def test_an_old_task_is_in_the_due_date_lists_again(h, old_case):
    from infra.backfill import backfill
    _, task_id = old_case
    assert backfill()["tasks"] == 1
    assert listed(h, sort="due") == [task_id]
    assert listed(h, sort="due", status="open", assignee="none") == [task_id]


def test_an_old_task_is_in_its_assignees_list_oldest_first_again(h, old_case):
    from infra.backfill import backfill
    _, task_id = old_case
    assert listed(h, assignee="none") == []
    assert backfill()["tasks"] == 1
    assert listed(h, assignee="none") == [task_id]
    assert listed(h, assignee="none", status="open") == [task_id]


def test_a_task_stored_before_the_assignee_index_gets_only_its_keys(h):
    from vroegsignaal.adapters import keys, table

    from infra.backfill import backfill
    task_id = add_task(open_case(h, debtor__date_of_birth=OLD))
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": "fatima"})
    table.dynamodb().update_item(TableName=table.table_name(), Key=table.key(*keys.task(task_id)),
                                 UpdateExpression="REMOVE gsi10pk, gsi10sk")  # stored before gsi10
    assert listed(h, assignee="fatima") == [] and listed(h, sort="due", assignee="fatima") == [task_id]
    assert backfill()["tasks"] == 1
    assert listed(h, assignee="fatima") == [task_id] and listed(h, assignee="fatima", status="open") == [task_id]
    assert backfill().get("tasks", 0) == 0


def test_a_task_assigned_after_it_was_read_keeps_the_list_keys_of_its_assignment(h, old_case):
    from vroegsignaal.adapters import keys, table

    from infra.backfill import backfill_task
    _, task_id = old_case
    as_read = table.get(*keys.task(task_id))
    request(h, "PATCH", "/tasks/{task_id}", {"task_id": task_id}, body={"assignee": "fatima"})
    assert backfill_task(as_read) == {}  # the assignment wrote every key; the stale read writes none
    assert listed(h, sort="due", status="open", assignee="fatima") == [task_id]


def test_a_second_run_writes_nothing(h, old_case):
    from infra.backfill import backfill
    case_id, _ = old_case
    backfill()
    kenmerk = raw_case(case_id)["kenmerk"]
    again = backfill()
    assert again["read"] >= 2 and not {"cases rewritten", "kenmerken", "search entries", "tasks"} & set(again)
    assert raw_case(case_id)["kenmerk"] == kenmerk


def test_a_dry_run_counts_and_writes_nothing(h, old_case):
    from infra.backfill import backfill
    case_id, _ = old_case
    counted = backfill(dry_run=True)
    assert counted["kenmerken"] == 1 and counted["tasks"] == 1 and counted["search entries"] >= 2
    assert raw_case(case_id).get("kenmerk") is None and listed(h, sort="due") == []


def test_cases_are_read_page_by_page(h):
    from infra.backfill import backfill
    cases = []
    for n in range(1, 4):
        case_id = open_case(h, reference=f"EN-{n}", debtor__date_of_birth=OLD, debtor__address__house_number=n)
        made_old(case_id, [])
        cases.append(case_id)
    pages = []
    done = backfill(page_size=1, progress=lambda number, counts: pages.append(number))
    assert done["kenmerken"] == 3 and len(pages) >= 3
    assert len({raw_case(case_id)["kenmerk"] for case_id in cases}) == 3


def test_a_case_changed_during_the_backfill_is_read_again(h, old_case, monkeypatch):
    from vroegsignaal.adapters import table

    import infra.backfill as tool
    case_id, _ = old_case
    original, writes = tool._completed, []

    def consultant_writes_first(item):
        if not writes:  # the first attempt: someone writes the case meanwhile
            writes.append(item["case_id"])
            table.dynamodb().update_item(TableName=table.table_name(), Key=table.key(item["pk"], item["sk"]),
                                         UpdateExpression="SET version = version + :one",
                                         ExpressionAttributeValues={":one": {"N": "1"}})
        return original(item)

    monkeypatch.setattr(tool, "_completed", consultant_writes_first)
    assert tool.backfill()["kenmerken"] == 1 and writes == [case_id]
    assert KENMERK.fullmatch(raw_case(case_id)["kenmerk"])


def test_the_command_line_names_its_table(monkeypatch, capsys):
    from infra.backfill import main
    monkeypatch.delenv("TABLE_NAME", raising=False)
    with pytest.raises(SystemExit):
        main([])
    assert "--table" in capsys.readouterr().err
