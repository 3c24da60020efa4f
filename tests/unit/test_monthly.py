"""The monthly figures (domain/monthly.py): what a case write adds, and the report."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from vroegsignaal.domain import ddas, monthly
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.monthly import BasketName


def case(**fields: Any) -> dict[str, Any]:
    base = {"case_id": "c1", "municipality_code": "GM0632", "opened_at": "2026-11-03T09:00:00Z", "status": "open",
            "basket_id": None, "aggregate": {"signal_count": 0, "partner_ids": []}, "picked_up_at": None,
            "last_reached_at": None, "closed_at": None, "outcome": None}
    return {**base, **fields}


def with_signal(before: dict[str, Any], partner: str, partner_type: str, signal_date: str) -> dict[str, Any]:
    aggregate = before["aggregate"]
    return {**before, "aggregate": {"signal_count": aggregate["signal_count"] + 1,
                                    "partner_ids": sorted({*aggregate["partner_ids"], partner})},
            "last_signal": {"signal_date": signal_date, "partner_type": partner_type}}


def test_a_new_case_counts_in_its_opening_month_and_its_signal_in_the_signal_month():
    after = with_signal(case(basket_id="enkelvoudig"), "energie-noord", "energy", "2026-10-30")
    assert monthly.changes(None, after) == {
        "2026-11": {"cases_opened": 1, "basket.enkelvoudig.opened": 1},
        "2026-10": {"signals": 1, "signals.energy": 1}}


def test_a_second_partner_makes_the_cohort_multiple_once():
    first = with_signal(case(basket_id="b"), "energie-noord", "energy", "2026-11-03")
    second = with_signal(first, "woonstede", "housing", "2026-11-10")
    third = with_signal(second, "vitens", "water", "2026-11-12")
    assert monthly.changes(first, second)["2026-11"] == {"signals": 1, "signals.housing": 1, "multiple": 1}
    assert monthly.changes(second, third)["2026-11"] == {"signals": 1, "signals.water": 1}


def test_pick_up_reach_and_repeat_count_in_the_opening_month():
    before = case(basket_id="b")
    after = {**before, "picked_up_at": "2026-12-02T10:00:00Z", "last_reached_at": "2026-12-02T10:00:00Z",
             "repeat": True}
    assert monthly.changes(before, after) == {"2026-11": {"picked_up": 1, "reached": 1, "repeat": 1}}
    assert monthly.changes(after, {**after, "last_reached_at": "2026-12-05T10:00:00Z"}) == {}


def test_a_close_counts_in_its_month_by_outcome_and_basket():
    before = case(basket_id="crisis")
    after = {**before, "status": "closed", "closed_at": "2027-01-04T10:00:00Z",
             "outcome": "Verwijzing zonder contact"}
    assert monthly.changes(before, after) == {
        "2027-01": {"closed": 1, "closed.Verwijzing zonder contact": 1, "basket.crisis.closed": 1}}


def test_a_write_that_changes_nothing_counted_adds_nothing():
    before = case(basket_id="b")
    assert monthly.changes(before, {**before, "basket_id": "other", "version": 4}) == {}


def test_a_month_lists_every_partner_type_outcome_and_basket_with_zeros():
    report = monthly.month_report("2026-11", {"signals": 2, "signals.energy": 2, "basket.gone.opened": 1},
                                  [BasketName("crisis", "Crisis")])
    assert report["signals"] == {"total": 2, "by_partner_type": {t: (2 if t == "energy" else 0)
                                                                 for t in sorted(ddas.PARTNER_TYPES)}}
    assert list(report["closed"]["by_outcome"]) == list(ddas.OUTCOMES)
    assert report["by_basket"] == [{"basket_id": "crisis", "name": "Crisis", "opened": 0, "closed": 0},
                                   {"basket_id": "gone", "name": None, "opened": 1, "closed": 0}]
    assert report["deleted"] == {"cases": 0, "signals": 0, "letters": 0, "tasks": 0}


def test_the_csv_holds_the_same_figures():
    report = {"months": [monthly.month_report("2026-11", {"signals": 3, "signals.water": 3, "closed": 1,
                                                          "closed.Verwijzing zonder contact": 1}, [])]}
    rows = list(csv.reader(io.StringIO(monthly.report_csv(report))))
    assert rows[0] == ["month", "figure", "value"]
    values = {(m, f): int(v) for m, f, v in rows[1:]}
    assert values[("2026-11", "signals")] == 3 and values[("2026-11", "signals.water")] == 3
    assert values[("2026-11", "closed.Verwijzing zonder contact")] == 1
    assert len(rows) - 1 == 1 + len(ddas.PARTNER_TYPES) + 5 + 1 + len(ddas.OUTCOMES) + 4


def test_months_run_from_to_inclusive():
    assert monthly.parse_months("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert len(monthly.parse_months("2025-01", "2026-12")) == 24


@pytest.mark.parametrize(("first", "last", "fields"), [
    ("2026-12", "2026-11", {"from"}), ("2025-01", "2027-01", {"to"}), ("2026-13", None, {"from", "to"}),
    ("2026-1", "2026-02", {"from"}), ("2026-0²", "2026-02", {"from"}), ("٢٠٢٦-01", "2026-02", {"from"})])
def test_bad_months_name_every_problem(first, last, fields):
    with pytest.raises(ValidationFailed) as failed:
        monthly.parse_months(first, last)
    assert {d["loc"][1] for d in failed.value.details} == fields
