"""Facts of a case (criteria.md, "Facts")."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from vroegsignaal.domain.criteria import FACT_TYPES, Facts, Settings, SignalFacts, age_on, compute_facts

DAY = timedelta(days=1)
D = date(2026, 11, 20)
EXAMPLE_SETTINGS = Settings(30, 183, {"default": 1000, "housing": 1200, "water": 250})


def sig(**kw) -> SignalFacts:
    base = dict(partner_id="p1", partner_type="energy", signal_date=D, arrears_since=D - 30 * DAY,
                amount_cents=10000)
    base.update(kw)
    return SignalFacts(**base)


def facts(signals, *, settings=None, case_start=None, earlier=(), postcode="3441AB") -> Facts:
    return compute_facts(
        signals, postcode=postcode,
        case_start=case_start or min(s.signal_date for s in signals),
        earlier_case_starts=list(earlier), settings=settings or Settings(),
    )


# -- age ---------------------------------------------------------------------

@pytest.mark.parametrize("born, on, age", [
    (date(2000, 11, 20), date(2026, 11, 20), 26),   # birthday on the reference date
    (date(2000, 11, 20), date(2026, 11, 19), 25),   # the day before
    (date(2000, 11, 20), date(2026, 11, 21), 26),
    (date(2000, 12, 31), date(2026, 1, 1), 25),
    (date(2004, 2, 29), date(2025, 2, 28), 20),     # born 29 Feb: a year older on 1 March
    (date(2004, 2, 29), date(2025, 3, 1), 21),
    (date(2004, 2, 29), date(2028, 2, 28), 23),
    (date(2004, 2, 29), date(2028, 2, 29), 24),     # leap year: on the day itself
    (date(2004, 3, 1), date(2025, 2, 28), 20),
    (date(2004, 3, 1), date(2025, 3, 1), 21),
])
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_the_reference_date_which_is_the_latest_signal_date():
    born = date(2000, 11, 20)
    early = sig(signal_date=D - 5 * DAY, arrears_since=D - 50 * DAY, date_of_birth=born)
    assert facts([early]).age == 25
    # a later signal without a birth date moves the reference date past the birthday
    assert facts([early, sig(partner_id="p2", signal_date=D)]).age == 26
    assert facts([early, sig(partner_id="p2", signal_date=D - DAY)]).age == 25


def test_age_of_the_youngest_debtor_with_a_date_of_birth():
    signals = [
        sig(date_of_birth=date(1970, 1, 1)),
        sig(partner_id="p2", date_of_birth=date(2001, 11, 21)),  # 24, birthday tomorrow
        sig(partner_id="p3", date_of_birth=None),
    ]
    assert facts(signals).age == 24


def test_age_missing_without_any_date_of_birth():
    f = facts([sig(), sig(partner_id="p2")])
    assert f.age is None
    assert f["age"] is None
    assert f.to_json()["age"] is None


# -- latest signal, amounts, counts --------------------------------------------

def test_latest_signal_by_signal_date_then_arrival():
    a = sig(partner_id="p1", partner_type="water", amount_cents=100, arrival="2026-11-20T10:00#a")
    b = sig(partner_id="p2", partner_type="housing", amount_cents=200, arrival="2026-11-20T11:00#b")
    older = sig(partner_id="p3", partner_type="energy", amount_cents=300, signal_date=D - DAY,
                arrival="2026-11-21T09:00#c")  # arrived last, but an earlier signal_date
    for order in ([a, b, older], [b, older, a], [older, a, b]):
        f = facts(order)
        assert f.partner_type == "housing"
        assert f.amount_cents == 200
        assert f["amount"] == Decimal("2.00")


def test_counts_types_and_amounts():
    signals = [
        sig(partner_id="p1", partner_type="water", amount_cents=12345, arrears_since=D - 40 * DAY),
        sig(partner_id="p1", partner_type="water", amount_cents=5, signal_date=D - 3 * DAY,
            arrears_since=D - 100 * DAY),
        sig(partner_id="p2", partner_type="energy", amount_cents=99999, signal_date=D - DAY),
    ]
    f = facts(signals)
    assert f.signal_count == 3
    assert f.partner_count == 2
    assert f.partner_types == ("energy", "water")
    assert f["partner_types"] == ["energy", "water"]
    assert f.partner_type == "water"
    assert f.amount_cents == 12345
    assert f.total_amount_cents == 12345 + 5 + 99999
    assert f.max_amount_cents == 99999
    assert f.days_in_arrears == 100  # the longest, counted to the reference date
    assert f["total_amount"] == Decimal("1123.49")
    j = f.to_json()
    assert j["amount"] == "123.45" and j["total_amount"] == "1123.49" and j["max_amount"] == "999.99"


def test_flags_are_any():
    f = facts([sig(), sig(partner_id="p2")])
    assert (f.crisis, f.warm_transfer, f.supply_ending, f.has_phone, f.has_email) == (False,) * 5
    f = facts([sig(crisis=True), sig(partner_id="p2", warm_transfer=True),
               sig(partner_id="p3", partner_type="water", supply_ending=True, has_phone=True),
               sig(partner_id="p4", has_email=True)])
    assert (f.crisis, f.warm_transfer, f.supply_ending, f.has_phone, f.has_email) == (True,) * 5


def test_postcode():
    assert facts([sig()], postcode="1234AB")["postcode"] == "1234AB"


# -- high_amount ---------------------------------------------------------------

@pytest.mark.parametrize("partner_type, cents, expected", [
    ("water", 25000, True), ("water", 24999, False),
    ("housing", 120000, True), ("housing", 119999, False),
    ("energy", 100000, True), ("energy", 99999, False),         # the default
    ("health_insurance", 100000, True), ("mortgage", 99999, False),
])
def test_high_amount_per_partner_type_and_default(partner_type, cents, expected):
    f = facts([sig(partner_type=partner_type, amount_cents=cents)], settings=EXAMPLE_SETTINGS)
    assert f.high_amount is expected
    if expected:
        threshold = {"water": "250", "housing": "1200"}.get(partner_type, "1000")
        assert f.high_amount_trigger == (partner_type, cents, threshold)
    else:
        assert f.high_amount_trigger is None


def test_high_amount_default_1000_without_settings():
    assert facts([sig(amount_cents=100000)]).high_amount is True
    assert facts([sig(amount_cents=99999)]).high_amount is False
    assert Settings.from_document({"high_amount": {"water": 5}}).high_amount == {"water": 5, "default": 1000}


def test_high_amount_is_per_signal_not_on_the_total():
    f = facts([sig(amount_cents=60000), sig(partner_id="p2", amount_cents=60000)])
    assert f.total_amount_cents == 120000 and f.high_amount is False


def test_high_amount_exact_with_fractional_thresholds():
    s = Settings(high_amount={"default": 250.005, "water": 1.1, "energy": 0.29})
    assert facts([sig(partner_type="housing", amount_cents=25000)], settings=s).high_amount is False
    assert facts([sig(partner_type="housing", amount_cents=25001)], settings=s).high_amount is True
    # 1.1 * 100 and 0.29 * 100 are not whole in floats; the comparison is exact
    assert facts([sig(partner_type="water", amount_cents=110)], settings=s).high_amount is True
    assert facts([sig(partner_type="water", amount_cents=109)], settings=s).high_amount is False
    assert facts([sig(partner_type="energy", amount_cents=29)], settings=s).high_amount is True
    assert facts([sig(partner_type="energy", amount_cents=28)], settings=s).high_amount is False


def test_high_amount_trigger_is_the_latest_signal_at_or_above():
    signals = [sig(partner_type="water", amount_cents=30000, signal_date=D - DAY),
               sig(partner_id="p2", partner_type="water", amount_cents=31000),
               sig(partner_id="p3", partner_type="energy", amount_cents=500)]
    f = facts(signals, settings=EXAMPLE_SETTINGS)
    assert f.high_amount_trigger == ("water", 31000, "250")


# -- repeat --------------------------------------------------------------------

@pytest.mark.parametrize("days_before, lookback, expected", [
    (183, 183, True),    # exactly lookback days earlier
    (184, 183, False),   # lookback + 1
    (1, 183, True),
    (0, 183, False),     # same start date: not earlier
    (-5, 183, False),    # a later case
    (0, 0, False),
    (1, 0, False),       # lookback 0: never a repeat
    (730, 730, True),
])
def test_repeat_boundaries(days_before, lookback, expected):
    start = D - 10 * DAY
    signals = [sig(signal_date=start, arrears_since=start - DAY)]
    f = facts(signals, case_start=start, earlier=[start - days_before * DAY],
              settings=Settings(repeat_lookback_days=lookback))
    assert f.repeat is expected


def test_repeat_any_of_several_and_none():
    start = D
    assert facts([sig()], earlier=[]).repeat is False
    f = facts([sig()], case_start=start, earlier=[start - 400 * DAY, start - 20 * DAY, start + 3 * DAY])
    assert f.repeat is True


# -- the Facts object ------------------------------------------------------------

def test_facts_mapping_keys_and_json():
    f = facts([sig(date_of_birth=date(1990, 1, 1), has_phone=True)])
    assert set(f) == set(FACT_TYPES) and len(f) == len(FACT_TYPES)
    assert dict(f)["signal_count"] == 1
    with pytest.raises(KeyError):
        f["leeftijd"]
    j = f.to_json()
    assert set(j) == set(FACT_TYPES)
    assert json.loads(json.dumps(j)) == j
    assert j["amount"] == "100.00"
    assert all(not isinstance(v, float) for v in j.values())


def test_no_signals_is_an_error():
    with pytest.raises(ValueError):
        compute_facts([], postcode="3441AB", case_start=D, earlier_case_starts=[], settings=Settings())


def test_signal_facts_is_frozen():
    from dataclasses import FrozenInstanceError
    s = sig()
    with pytest.raises(FrozenInstanceError):
        s.amount_cents = 1


def test_a_stored_aggregate_gives_the_facts_of_all_its_signals():
    """A case keeps a SignalAggregate, stored and read back after every signal: its
    facts are those of all the case's signals."""
    from vroegsignaal.domain.criteria import SignalAggregate
    signals = [sig(partner_id="p1", partner_type="water", amount_cents=31000, arrival="2"),
               sig(partner_id="p2", partner_type="energy", signal_date=D - 3 * DAY, amount_cents=120000,
                   arrears_since=D - 90 * DAY, crisis=True, date_of_birth=date(2001, 4, 2), arrival="1"),
               sig(partner_id="p1", partner_type="water", amount_cents=2000, has_email=True, arrival="3")]
    record = SignalAggregate().record()
    for signal in signals:
        aggregate = SignalAggregate.from_record(json.loads(json.dumps(record)))
        aggregate.add(signal)
        record = aggregate.record()
    stored = SignalAggregate.from_record(record).facts(postcode="3441AB", case_start=D - 3 * DAY,
                                                        earlier_case_starts=[], settings=EXAMPLE_SETTINGS)
    assert stored == facts(signals, settings=EXAMPLE_SETTINGS)
    assert stored.high_amount_trigger == ("water", 31000, "250")
