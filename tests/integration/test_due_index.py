"""The follow-up schedule's due index (gsi4): spread over shards, read page by page."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("aws")


def _put_due(case_id: str, due: str) -> None:
    from vroegsignaal.adapters import keys, table
    pk, sk = keys.case("hh-1", case_id)
    gsi4pk, gsi4sk = keys.due_index(due, case_id)
    table.put({"pk": pk, "sk": sk, "type": "case", "case_id": case_id, "household": "hh-1", "steps": [],
               "gsi4pk": gsi4pk, "gsi4sk": gsi4sk})


def test_due_cases_are_spread_over_shards_and_read_page_by_page():
    from vroegsignaal.adapters import keys
    from vroegsignaal.adapters.cases import DynamoCaseStore
    ids = [f"case-{n:03d}" for n in range(40)]
    for case_id in ids:
        _put_due(case_id, "2026-03-01")
    _put_due("case-later", "2026-03-02")
    assert len({keys.due_index("2026-03-01", case_id)[0] for case_id in ids}) > keys.DUE_SHARDS // 2
    found = [case["case_id"] for case in DynamoCaseStore().due("2026-03-01", page_size=3)]
    assert sorted(found) == ids  # every due case once, the one due later not yet
