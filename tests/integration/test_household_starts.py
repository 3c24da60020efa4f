"""The preview's `repeat` fact reads the start dates of a household's cases from its
head (adapters/cases.py household_starts), which follows every case opened or joined."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.test_municipality_api import OLD, open_case

pytestmark = pytest.mark.usefixtures("tenants")


def _case(case_id):
    from vroegsignaal.adapters.cases import DynamoCaseStore
    return DynamoCaseStore().find("GM0632", case_id)


def test_the_head_records_each_start_and_follows_a_join_that_starts_earlier(h):
    from vroegsignaal import clock
    from vroegsignaal.adapters.cases import DynamoCaseStore
    today = clock.today()
    case_id = open_case(h, reference="EN-1", debtor__date_of_birth=OLD, signal_date=today.isoformat())
    earlier = (today - timedelta(days=3)).isoformat()
    assert open_case(h, partner="woonstede", reference="WS-1", debtor__date_of_birth=OLD,
                     signal_date=earlier) == case_id
    case = _case(case_id)
    assert case["start_date"] == earlier
    assert DynamoCaseStore().household_starts([case["household"]]) == {case["household"]: {case_id: earlier}}


def test_a_head_written_before_it_recorded_starts_is_answered_from_the_household(h):
    from vroegsignaal.adapters import keys, table
    from vroegsignaal.adapters.cases import DynamoCaseStore
    case = _case(open_case(h, reference="EN-1", debtor__date_of_birth=OLD))
    head = table.get(*keys.household_head(case["household"]))
    table.put({k: v for k, v in head.items() if not k.startswith("start#")})
    assert DynamoCaseStore().household_starts([case["household"]]) == {
        case["household"]: {case["case_id"]: case["start_date"]}}
