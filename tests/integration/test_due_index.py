"""The follow-up schedule's due index (gsi4): each municipality's own partitions, spread
over shards, read one page at a time with a cursor; the listing the schedule fans out over."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("aws")


def _put_due(case_id: str, due: str, code: str = "GM0632", *, legacy: bool = False) -> None:
    from vroegsignaal.adapters import keys, table
    pk, sk = keys.case("hh-1", case_id)
    gsi4pk, gsi4sk = keys.due_index(code, due, case_id)
    if legacy:  # as written before issue 13: the country's partitions
        gsi4pk = keys.legacy_due_partition(keys.due_shard(case_id))
    table.put({"pk": pk, "sk": sk, "type": "case", "case_id": case_id, "household": "hh-1", "steps": [],
               "municipality_code": code, "gsi4pk": gsi4pk, "gsi4sk": gsi4sk})


def _all_pages(store, partition, until, page_size):
    found, cursor, pages = [], None, 0
    while True:
        cases, cursor = store.due_page(partition, until, cursor, page_size=page_size)
        found += [case["case_id"] for case in cases]
        pages += 1
        if cursor is None:
            return found, pages


def test_due_cases_are_spread_over_their_municipalitys_shards_and_read_page_by_page():
    from vroegsignaal.adapters import keys
    from vroegsignaal.adapters.cases import DynamoCaseStore
    ids = [f"case-{n:03d}" for n in range(40)]
    for case_id in ids:
        _put_due(case_id, "2026-03-01")
    _put_due("case-later", "2026-03-02")
    _put_due("case-utrecht", "2026-03-01", "GM0344")
    store = DynamoCaseStore()
    assert len({keys.due_shard(case_id) for case_id in ids}) > keys.DUE_SHARDS // 2
    found, pages = [], 0
    for partition in store.due_partitions(["GM0632"]):
        cases, partition_pages = _all_pages(store, partition, "2026-03-01", page_size=2)
        found += cases
        pages += partition_pages
    assert sorted(found) == ids  # every due case once; the one due later not yet, another municipality's not
    assert pages > keys.DUE_SHARDS  # some partitions took more than one page


def test_a_municipalitys_due_cases_are_in_its_own_partitions():
    from vroegsignaal.adapters.cases import DynamoCaseStore
    _put_due("case-utrecht", "2026-03-01", "GM0344")
    store = DynamoCaseStore()
    utrecht = [case for p in store.due_partitions(["GM0344"]) for case in _all_pages(store, p, "2026-03-01", 10)[0]]
    woerden = [case for p in store.due_partitions(["GM0632"]) if p[0]
               for case in _all_pages(store, p, "2026-03-01", 10)[0]]
    assert (utrecht, woerden) == (["case-utrecht"], [])


def test_the_upgrade_moves_cases_indexed_before_issue_13_and_lists_the_municipalities(tenants):
    from vroegsignaal.adapters import keys, table
    from vroegsignaal.adapters.cases import DynamoCaseStore

    from infra.admin_followups import upgrade
    _put_due("case-old", "2026-02-01", "GM0344", legacy=True)
    table.dynamodb().delete_item(TableName=table.table_name(), Key=table.key(*keys.municipality_listing("GM0344")))
    store = DynamoCaseStore()
    assert [c for p in store.due_partitions(["GM0344"]) for c in _all_pages(store, p, "2026-03-01", 10)[0]] == []
    assert upgrade() == {"municipalities": 2, "moved": 1}
    assert [c for p in store.due_partitions(["GM0344"]) for c in _all_pages(store, p, "2026-03-01", 10)[0]] == [
        "case-old"]
    assert "GM0344" in registry_codes()
    assert upgrade()["moved"] == 0  # safe to run again


def registry_codes():
    from vroegsignaal.adapters import registry
    return registry.municipality_codes()


def test_registered_municipalities_are_listed_for_the_schedule(tenants):
    from vroegsignaal.adapters import registry
    assert sorted(registry.municipality_codes()) == sorted(code for code in tenants if code.startswith("GM"))


@pytest.mark.usefixtures("dynamodb_limits")
def test_a_due_page_that_ends_at_the_partitions_end_is_the_last():
    # DynamoDB answers a LastEvaluatedKey whenever a Query reaches its Limit: two due cases
    # of one partition fill one page of two, and no empty page follows.
    from vroegsignaal.adapters import keys
    from vroegsignaal.adapters.cases import DynamoCaseStore
    ids = [f"case-{n:03d}" for n in range(40)]
    shard = keys.due_shard(ids[0])
    two = [case_id for case_id in ids if keys.due_shard(case_id) == shard][:2]
    assert len(two) == 2
    for case_id in two:
        _put_due(case_id, "2026-03-01")
    assert _all_pages(DynamoCaseStore(), ("GM0632", shard), "2026-03-01", page_size=2) == (sorted(two), 1)
