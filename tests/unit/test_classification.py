"""Classifying signals into cases and baskets with the default and example criteria."""
from datetime import UTC, date, datetime, timedelta

import pytest
from vroegsignaal.domain.active_criteria import ActiveCriteria, default_active
from vroegsignaal.domain.classification import classify_signal
from vroegsignaal.domain.criteria import example_document, parse_criteria
from vroegsignaal.domain.household import Household
from vroegsignaal.domain.signal import validate_signal
from vroegsignaal.services.intake import signal_item

from tests.factories import HOUSING, PARTNER, signal_body

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
WATER = {"kind": "partner", "partner_id": "vitens", "partner_type": "water"}


def item(partner=PARTNER, received=NOW, **overrides):
    signal = validate_signal(signal_body(**overrides), partner_type=partner["partner_type"], today=date(2026, 12, 31),
                             is_known_municipality=lambda code: True)
    return signal_item(signal, partner=partner, received_at=received)


class Household_:
    """A household's cases and their logs as the store would keep them; `receive`
    gives the result with the case's `signals` and `classifications` so far."""

    def __init__(self, active=None):
        self.cases = {}
        self.logs = {}  # case_id -> [LogEntry]
        self.classified = {}  # signal_id -> case_id, as the store marks a classified signal
        self.active = active or default_active()

    def receive(self, signal, now=NOW):
        key = Household.of(signal["signal"]).key("secret")
        if signal["signal_id"] in self.classified:  # a redelivered record: the stored signal names its case
            signal = {**signal, "case_id": self.classified[signal["signal_id"]]}
        result = classify_signal(signal, key, list(self.cases.values()), self.active, now)
        self.cases[result.case["case_id"]] = result.case
        self.logs.setdefault(result.case["case_id"], []).extend(result.log)
        self.classified.setdefault(signal["signal_id"], result.case["case_id"])
        result.signals = self.signals_of(result.case["case_id"])
        result.classifications = [e.body for e in self.logs[result.case["case_id"]] if e.kind == "classification"]
        return result

    def signals_of(self, case_id):
        return [e.body for e in self.logs.get(case_id, []) if e.kind == "signal"]


def test_low_single_signal_lands_in_enkelvoudig_and_queues_a_letter():
    result = Household_().receive(item())
    assert result.is_new and result.case["basket_id"] == "enkelvoudig"
    assert [s.action for s in result.to_queue] == ["letter"]
    assert result.case["criteria_version"] == "default"
    (classification,) = result.classifications
    assert classification["basket_id"] == "enkelvoudig" and classification["explanation"]


@pytest.mark.parametrize("overrides", [{"crisis": True}, {"supply_ending": True}])
def test_crisis_or_supply_ending_lands_in_crisis(overrides):
    result = Household_().receive(item(**overrides))
    assert result.case["basket_id"] == "crisis"
    assert [s.action for s in result.to_queue] == ["home_visit"]


@pytest.mark.parametrize("amount,basket", [("1000.00", "hoog-bedrag"), ("999.99", "enkelvoudig")])
def test_amount_at_the_threshold_is_high(amount, basket):
    assert Household_().receive(item(amount=amount)).case["basket_id"] == basket


def test_second_partner_at_the_same_address_moves_the_case_to_meervoudig():
    household = Household_()
    first = household.receive(item())
    second = household.receive(item(partner=HOUSING, reference="WS-1", debtor__address__postcode="3441ab",
                                     debtor__address__house_number_suffix=" BIS ", signal_date="2026-11-25"))
    assert second.case["case_id"] == first.case["case_id"] and not second.is_new
    assert second.case["basket_id"] == "meervoudig" and second.basket_changed
    assert [s.action for s in second.to_queue] == ["home_visit"]
    statuses = [(s.action, s.status) for s in second.case["steps"]]
    assert ("letter", "cancelled") in statuses and ("phone_call", "cancelled") in statuses
    assert len(second.classifications) == 2


def test_other_suffix_is_another_household():
    household = Household_()
    household.receive(item())
    other = Household_().receive(item(partner=HOUSING, reference="WS-1", debtor__address__house_number_suffix="A"))
    assert other.is_new


def test_a_signal_40_days_later_opens_a_new_case_that_is_a_repeat():
    household = Household_(ActiveCriteria("v1", None, None, parse_criteria(example_document())))
    first = household.receive(item(signal_date="2026-10-01", arrears_since="2026-09-01", debtor__date_of_birth="1970-01-01"))
    later = household.receive(item(reference="EN-2", signal_date="2026-11-10", arrears_since="2026-10-01",
                                   debtor__date_of_birth="1970-01-01", amount="20.00"))
    assert later.is_new and later.case["case_id"] != first.case["case_id"]
    assert later.classifications[-1]["facts"]["repeat"] is True
    assert later.case["basket_id"] == "enkelvoudig"  # onder-drempel is only for non-repeats


def test_young_debtor_lands_in_jongeren_under_the_example():
    household = Household_(ActiveCriteria("v1", None, None, parse_criteria(example_document())))
    result = household.receive(item(debtor__date_of_birth="2006-05-01"))
    assert result.case["basket_id"] == "jongeren"
    assert [s.action for s in result.to_queue] == ["phone_call"]


def test_redelivered_signal_changes_nothing_and_requeues_unsent_steps():
    household = Household_()
    signal = item()
    first = household.receive(signal)
    again = household.receive(signal)
    assert again.already_attached and again.case is first.case
    assert [s.step_id for s in again.to_queue] == [s.step_id for s in first.to_queue]
    assert len(first.signals) == 1


def test_case_moved_by_hand_takes_the_signal_but_keeps_its_basket():
    household = Household_()
    first = household.receive(item())
    first.case["moved_by_hand"] = True
    first.case["basket_id"] = "crisis"
    second = household.receive(item(partner=HOUSING, reference="WS-1"))
    assert second.case["basket_id"] == "crisis" and second.to_queue == []
    assert len(second.signals) == 2 and len(second.classifications) == 1


def test_closed_case_never_takes_new_signals():
    household = Household_()
    first = household.receive(item())
    first.case["status"] = "closed"
    second = household.receive(item(partner=HOUSING, reference="WS-1"))
    assert second.is_new


def test_joins_the_case_whose_start_is_closest():
    household = Household_()
    early = household.receive(item(signal_date="2026-10-01", arrears_since="2026-09-01"))
    late = household.receive(item(reference="EN-2", signal_date="2026-11-25", arrears_since="2026-10-01"))
    assert late.is_new  # 55 days apart: two cases
    middle = household.receive(item(partner=HOUSING, reference="WS-1", signal_date="2026-10-28", arrears_since="2026-10-01"))
    # 27 days after the early case, 28 before the late one: the early case is closer
    assert middle.case["case_id"] == early.case["case_id"]


def test_a_new_case_expires_six_months_after_it_opened_unless_picked_up():
    result = Household_().receive(item())
    assert result.case["expires_at"] == int(datetime(2027, 5, 27, 9, 0, tzinfo=UTC).timestamp())


def test_on_a_tie_the_case_that_started_first_wins_whatever_arrived_first():
    household = Household_()
    late_start = household.receive(item(reference="EN-1", signal_date="2026-11-30", arrears_since="2026-10-01"))
    early_start = household.receive(item(reference="EN-2", signal_date="2026-10-01", arrears_since="2026-09-01",
                                         received=NOW + timedelta(hours=1)))
    assert early_start.is_new  # 60 days apart: two cases
    assert late_start.case["opened_at"] < early_start.case["opened_at"]  # the later start arrived first
    tie = household.receive(item(partner=HOUSING, reference="WS-1", signal_date="2026-10-31", arrears_since="2026-10-01",
                                 received=NOW + timedelta(hours=2)))
    assert tie.case["case_id"] == early_start.case["case_id"] != late_start.case["case_id"]
