"""Matching a signal to its household's case at the boundaries of criteria.md,
"Cases": the window (inclusive, both sides of the start date), a start date
that moves earlier, a municipality's own window, closed cases and ties."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.cases import match_case
from vroegsignaal.domain.criteria import example_document, parse_criteria

from tests.factories import HOUSING, PARTNER
from tests.unit.test_classification import NOW, Household_, item

START = date(2026, 11, 1)


def case(case_id, start, *, status="open", opened_at="2026-11-27T09:00:00.000000Z"):
    return {"case_id": case_id, "status": status, "start_date": start.isoformat(), "opened_at": opened_at}


def signal_on(day: date, reference: str, partner=HOUSING, **overrides):
    return item(partner=partner, reference=reference, signal_date=day.isoformat(),
                arrears_since=(day - timedelta(days=30)).isoformat(), **overrides)


def with_window(days: int) -> ActiveCriteria:
    document = example_document()
    document["settings"] = {**document["settings"], "matching_window_days": days}
    return ActiveCriteria("v1", None, None, parse_criteria(document))


# --------------------------------------------------------------------------- match_case


@pytest.mark.parametrize("offset,joins", [(0, True), (29, True), (30, True), (31, False),
                                          (-30, True), (-31, False)])
def test_window_of_30_days_is_inclusive_on_both_sides(offset, joins):
    open_case = case("case-1", START)
    found = match_case([open_case], START + timedelta(days=offset), 30)
    assert (found is open_case) is joins


def test_closed_cases_are_skipped_even_when_closer():
    closed = case("case-closed", START, status="closed")
    open_case = case("case-open", START - timedelta(days=20))
    assert match_case([closed, open_case], START, 30) is open_case
    assert match_case([closed], START, 30) is None


def test_the_closest_start_wins_over_the_oldest():
    older = case("case-old", START - timedelta(days=20), opened_at="2026-10-01T00:00:00.000000Z")
    closer = case("case-close", START + timedelta(days=5), opened_at="2026-12-01T00:00:00.000000Z")
    assert match_case([older, closer], START, 30) is closer
    assert match_case([closer, older], START, 30) is closer


def test_on_a_tie_the_case_with_the_earliest_start_date_wins():
    # Both 10 days away; the later-starting case was opened (arrived) first and is listed first.
    later_start = case("case-a", START + timedelta(days=10), opened_at="2026-10-01T00:00:00.000000Z")
    earlier_start = case("case-z", START - timedelta(days=10), opened_at="2026-12-01T00:00:00.000000Z")
    assert match_case([later_start, earlier_start], START, 30) is earlier_start
    assert match_case([earlier_start, later_start], START, 30) is earlier_start


# --------------------------------------------------------------------------- classify_signal


@pytest.mark.parametrize("offset,joins", [(30, True), (31, False), (-30, True), (-31, False)])
def test_classification_joins_within_30_days_and_opens_a_new_case_at_31(offset, joins):
    household = Household_()
    first = household.receive(signal_on(START, "EN-1", partner=PARTNER))
    second = household.receive(signal_on(START + timedelta(days=offset), "WS-1"))
    assert second.is_new is not joins
    assert (second.case["case_id"] == first.case["case_id"]) is joins
    assert len(second.signals) == (2 if joins else 1)


def test_a_signal_dated_before_the_start_joins_and_moves_the_start_earlier():
    household = Household_()
    first = household.receive(signal_on(date(2026, 11, 20), "EN-1", partner=PARTNER))
    earlier = household.receive(signal_on(date(2026, 11, 5), "WS-1"))
    assert earlier.case["case_id"] == first.case["case_id"] and not earlier.is_new
    assert earlier.case["start_date"] == "2026-11-05"
    # Matching now counts from the moved start: 35 days after 5 November is outside the window
    # (it would have been 20 days after the old start).
    later = household.receive(signal_on(date(2026, 12, 10), "VI-1", partner={"kind": "partner",
                                                                             "partner_id": "vitens",
                                                                             "partner_type": "water"}))
    assert later.is_new and later.case["case_id"] != first.case["case_id"]
    assert household.cases[first.case["case_id"]]["start_date"] == "2026-11-05"


def test_a_later_signal_never_moves_the_start():
    household = Household_()
    first = household.receive(signal_on(START, "EN-1", partner=PARTNER))
    later = household.receive(signal_on(START + timedelta(days=12), "WS-1"))
    assert later.case["case_id"] == first.case["case_id"] and later.case["start_date"] == START.isoformat()


@pytest.mark.parametrize("offset,joins", [(10, True), (11, False), (-10, True), (-11, False)])
def test_a_municipalitys_own_matching_window_is_honoured(offset, joins):
    household = Household_(with_window(10))
    first = household.receive(signal_on(START, "EN-1", partner=PARTNER))
    second = household.receive(signal_on(START + timedelta(days=offset), "WS-1"))
    assert (second.case["case_id"] == first.case["case_id"]) is joins
    assert second.is_new is not joins


def test_closed_case_is_skipped_for_an_open_one_further_away():
    household = Household_()
    old = household.receive(signal_on(date(2026, 10, 7), "EN-0", partner=PARTNER))
    closer = household.receive(signal_on(date(2026, 11, 8), "EN-1", partner=PARTNER))
    assert closer.is_new  # 32 days after the first: a case of its own
    closer.case["status"] = "closed"
    # 3 days before the closed case's start, 29 after the open one's: the open one takes it.
    joined = household.receive(signal_on(date(2026, 11, 5), "WS-1"))
    assert joined.case["case_id"] == old.case["case_id"] and not joined.is_new
    assert household.signals_of(closer.case["case_id"]) == closer.signals  # untouched


def test_on_a_tie_classification_joins_the_case_that_started_first():
    household = Household_()
    late = household.receive(signal_on(date(2026, 11, 30), "EN-1", partner=PARTNER))
    early = household.receive(signal_on(date(2026, 10, 1), "EN-2", partner=PARTNER, received=NOW + timedelta(hours=1)))
    assert early.is_new and late.case["case_id"] != early.case["case_id"]
    tie = household.receive(signal_on(date(2026, 10, 31), "WS-1", received=NOW + timedelta(hours=2)))
    assert tie.case["case_id"] == early.case["case_id"]
