"""Operators against every fact type, compiled evaluation, explanations, and
the default and example criteria of criteria.md."""
from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
from vroegsignaal.domain.criteria import (
    Facts,
    SignalFacts,
    compute_facts,
    default_criteria,
    default_document,
    example_document,
    parse_criteria,
)

DAY = timedelta(days=1)
D = date(2026, 11, 20)

PRESENT = dict(
    age=30, signal_count=2, partner_count=2, partner_types=("energy", "water"), partner_type="water",
    amount_cents=31000, total_amount_cents=5000, max_amount_cents=31000, days_in_arrears=90,
    high_amount=True, repeat=False, crisis=False, warm_transfer=True, supply_ending=False,
    postcode="3441AB", has_phone=True, has_email=False,
)


def doc_with(when: dict) -> dict:
    return {"schema_version": 1, "baskets": [
        {"id": "hit", "name": "Hit", "action": "letter", "when": when},
        {"id": "rest", "name": "Rest", "action": "none"},
    ]}


def holds(when: dict, **values) -> bool:
    criteria = parse_criteria(doc_with(when))
    facts = Facts(**{**PRESENT, **values})
    basket_id = criteria.classify(facts).basket_id
    # the explanation agrees with the evaluation
    explanation = criteria.classify(facts).explanation
    assert explanation["basket_id"] == basket_id
    assert (explanation["failed"] == []) == (basket_id == "hit")
    return basket_id == "hit"


def leaf(fact, op, value):
    return {"fact": fact, op: value}


# (condition, facts, expected)
CASES = [
    # integer
    (leaf("age", "equals", 30), dict(age=30), True),
    (leaf("age", "equals", 30), dict(age=29), False),
    (leaf("age", "equals", 30), dict(age=None), False),
    (leaf("age", "not_equals", 30), dict(age=30), False),
    (leaf("age", "not_equals", 30), dict(age=31), True),
    (leaf("age", "not_equals", 30), dict(age=None), False),
    (leaf("age", "gt", 30), dict(age=30), False),
    (leaf("age", "gt", 30), dict(age=31), True),
    (leaf("age", "gt", 30), dict(age=None), False),
    (leaf("age", "gte", 30), dict(age=29), False),
    (leaf("age", "gte", 30), dict(age=30), True),
    (leaf("age", "gte", 0), dict(age=None), False),
    (leaf("age", "lt", 30), dict(age=29), True),
    (leaf("age", "lt", 30), dict(age=30), False),
    (leaf("age", "lt", 200), dict(age=None), False),
    (leaf("age", "lte", 30), dict(age=30), True),
    (leaf("age", "lte", 30), dict(age=31), False),
    (leaf("age", "lte", 30), dict(age=None), False),
    (leaf("age", "between", [18, 27]), dict(age=17), False),
    (leaf("age", "between", [18, 27]), dict(age=18), True),
    (leaf("age", "between", [18, 27]), dict(age=27), True),
    (leaf("age", "between", [18, 27]), dict(age=28), False),
    (leaf("age", "between", [18, 27]), dict(age=None), False),
    (leaf("age", "between", [18, 18]), dict(age=18), True),
    (leaf("age", "in", [18, 20]), dict(age=20), True),
    (leaf("age", "in", [18, 20]), dict(age=19), False),
    (leaf("age", "in", [18, 20]), dict(age=None), False),
    (leaf("age", "not_in", [18, 20]), dict(age=19), True),
    (leaf("age", "not_in", [18, 20]), dict(age=18), False),
    (leaf("age", "not_in", [18, 20]), dict(age=None), False),
    (leaf("age", "exists", True), dict(age=0), True),
    (leaf("age", "exists", True), dict(age=None), False),
    (leaf("age", "exists", False), dict(age=None), True),
    (leaf("age", "exists", False), dict(age=30), False),
    (leaf("signal_count", "gte", 2), dict(signal_count=2), True),
    (leaf("signal_count", "gte", 2), dict(signal_count=1), False),
    (leaf("partner_count", "gte", 2), dict(partner_count=1), False),
    (leaf("partner_count", "equals", 2), dict(partner_count=2), True),
    (leaf("days_in_arrears", "gt", 90), dict(days_in_arrears=90), False),
    (leaf("days_in_arrears", "gt", 90), dict(days_in_arrears=91), True),
    (leaf("days_in_arrears", "exists", True), dict(days_in_arrears=0), True),
    # number (amounts in euros, facts in cents)
    (leaf("total_amount", "lt", 50), dict(total_amount_cents=4999), True),
    (leaf("total_amount", "lt", 50), dict(total_amount_cents=5000), False),
    (leaf("total_amount", "lt", 50), dict(total_amount_cents=None), False),
    (leaf("total_amount", "lte", 50), dict(total_amount_cents=5000), True),
    (leaf("total_amount", "lte", 50), dict(total_amount_cents=5001), False),
    (leaf("total_amount", "gt", 49.99), dict(total_amount_cents=4999), False),
    (leaf("total_amount", "gt", 49.99), dict(total_amount_cents=5000), True),
    (leaf("total_amount", "gte", 49.99), dict(total_amount_cents=4998), False),
    (leaf("total_amount", "gte", 49.99), dict(total_amount_cents=4999), True),
    (leaf("amount", "gte", 1.1), dict(amount_cents=110), True),      # 1.1 * 100 > 110 in floats
    (leaf("amount", "gte", 1.1), dict(amount_cents=109), False),
    (leaf("amount", "lte", 0.29), dict(amount_cents=29), True),      # 0.29 * 100 < 29 in floats
    (leaf("amount", "lte", 0.29), dict(amount_cents=30), False),
    (leaf("amount", "gt", 0.1), dict(amount_cents=10), False),
    (leaf("amount", "gt", 0.1), dict(amount_cents=11), True),
    (leaf("amount", "gt", 0.005), dict(amount_cents=1), True),
    (leaf("amount", "gt", 0.005), dict(amount_cents=0), False),
    (leaf("amount", "lt", 0.005), dict(amount_cents=0), True),
    (leaf("amount", "lt", 0.005), dict(amount_cents=1), False),
    (leaf("amount", "equals", 50), dict(amount_cents=5000), True),
    (leaf("amount", "equals", 50), dict(amount_cents=5001), False),
    (leaf("amount", "equals", 50.5), dict(amount_cents=5050), True),
    (leaf("amount", "equals", 50.005), dict(amount_cents=5000), False),
    (leaf("amount", "equals", 50.005), dict(amount_cents=5001), False),
    (leaf("amount", "equals", 50), dict(amount_cents=None), False),
    (leaf("amount", "not_equals", 50), dict(amount_cents=5000), False),
    (leaf("amount", "not_equals", 50), dict(amount_cents=5001), True),
    (leaf("amount", "not_equals", 50.005), dict(amount_cents=5000), True),
    (leaf("amount", "not_equals", 50), dict(amount_cents=None), False),
    (leaf("max_amount", "between", [50, 100.5]), dict(max_amount_cents=4999), False),
    (leaf("max_amount", "between", [50, 100.5]), dict(max_amount_cents=5000), True),
    (leaf("max_amount", "between", [50, 100.5]), dict(max_amount_cents=10050), True),
    (leaf("max_amount", "between", [50, 100.5]), dict(max_amount_cents=10051), False),
    (leaf("max_amount", "between", [0.001, 0.019]), dict(max_amount_cents=1), True),
    (leaf("max_amount", "between", [0.001, 0.019]), dict(max_amount_cents=0), False),
    (leaf("max_amount", "between", [0.001, 0.019]), dict(max_amount_cents=2), False),
    (leaf("max_amount", "between", [0.001, 0.009]), dict(max_amount_cents=0), False),
    (leaf("max_amount", "between", [0, 1]), dict(max_amount_cents=None), False),
    (leaf("amount", "in", [50, 75.25]), dict(amount_cents=7525), True),
    (leaf("amount", "in", [50, 75.25]), dict(amount_cents=7500), False),
    (leaf("amount", "in", [50, 75.25]), dict(amount_cents=None), False),
    (leaf("amount", "not_in", [50]), dict(amount_cents=5000), False),
    (leaf("amount", "not_in", [50]), dict(amount_cents=5001), True),
    (leaf("amount", "not_in", [50]), dict(amount_cents=None), False),
    (leaf("amount", "exists", True), dict(amount_cents=None), False),
    (leaf("amount", "exists", False), dict(amount_cents=None), True),
    (leaf("total_amount", "exists", True), dict(total_amount_cents=0), True),
    # boolean
    (leaf("crisis", "equals", True), dict(crisis=True), True),
    (leaf("crisis", "equals", True), dict(crisis=False), False),
    (leaf("crisis", "equals", True), dict(crisis=None), False),
    (leaf("crisis", "equals", False), dict(crisis=False), True),
    (leaf("crisis", "equals", False), dict(crisis=True), False),
    (leaf("crisis", "equals", False), dict(crisis=None), False),
    (leaf("repeat", "not_equals", True), dict(repeat=False), True),
    (leaf("repeat", "not_equals", True), dict(repeat=True), False),
    (leaf("repeat", "not_equals", True), dict(repeat=None), False),
    (leaf("repeat", "not_equals", False), dict(repeat=True), True),
    (leaf("repeat", "not_equals", False), dict(repeat=False), False),
    (leaf("repeat", "not_equals", False), dict(repeat=None), False),
    (leaf("has_email", "exists", True), dict(has_email=False), True),
    (leaf("has_email", "exists", True), dict(has_email=None), False),
    (leaf("has_email", "exists", False), dict(has_email=None), True),
    (leaf("has_email", "exists", False), dict(has_email=False), False),
    (leaf("high_amount", "equals", True), dict(high_amount=True), True),
    (leaf("supply_ending", "equals", True), dict(supply_ending=True), True),
    (leaf("warm_transfer", "equals", False), dict(warm_transfer=True), False),
    (leaf("has_phone", "equals", True), dict(has_phone=True), True),
    # string
    (leaf("postcode", "equals", "3441AB"), dict(postcode="3441AB"), True),
    (leaf("postcode", "equals", "3441AB"), dict(postcode="3441AC"), False),
    (leaf("postcode", "equals", "3441AB"), dict(postcode=None), False),
    (leaf("postcode", "not_equals", "3441AB"), dict(postcode="3441AC"), True),
    (leaf("postcode", "not_equals", "3441AB"), dict(postcode="3441AB"), False),
    (leaf("postcode", "not_equals", "3441AB"), dict(postcode=None), False),
    (leaf("postcode", "in", ["3441AB", "3442CD"]), dict(postcode="3442CD"), True),
    (leaf("postcode", "in", ["3441AB", "3442CD"]), dict(postcode="3442CE"), False),
    (leaf("postcode", "in", ["3441AB"]), dict(postcode=None), False),
    (leaf("postcode", "not_in", ["3441AB"]), dict(postcode="3442CD"), True),
    (leaf("postcode", "not_in", ["3441AB"]), dict(postcode="3441AB"), False),
    (leaf("postcode", "not_in", ["3441AB"]), dict(postcode=None), False),
    (leaf("postcode", "starts_with", "3441"), dict(postcode="3441AB"), True),
    (leaf("postcode", "starts_with", "3441"), dict(postcode="3442AB"), False),
    (leaf("postcode", "starts_with", "3441"), dict(postcode=None), False),
    (leaf("postcode", "starts_with", ["3441", "3442"]), dict(postcode="3442XY"), True),
    (leaf("postcode", "starts_with", ["3441", "3442"]), dict(postcode="3443AB"), False),
    (leaf("postcode", "starts_with", ["3441", "3442"]), dict(postcode=None), False),
    (leaf("postcode", "starts_with", "3441AB"), dict(postcode="3441AB"), True),
    (leaf("postcode", "exists", True), dict(postcode="3441AB"), True),
    (leaf("postcode", "exists", False), dict(postcode=None), True),
    # partner type
    (leaf("partner_type", "equals", "water"), dict(partner_type="water"), True),
    (leaf("partner_type", "equals", "water"), dict(partner_type="energy"), False),
    (leaf("partner_type", "equals", "water"), dict(partner_type=None), False),
    (leaf("partner_type", "not_equals", "water"), dict(partner_type="energy"), True),
    (leaf("partner_type", "not_equals", "water"), dict(partner_type="water"), False),
    (leaf("partner_type", "not_equals", "water"), dict(partner_type=None), False),
    (leaf("partner_type", "in", ["energy", "water"]), dict(partner_type="water"), True),
    (leaf("partner_type", "in", ["energy", "water"]), dict(partner_type="housing"), False),
    (leaf("partner_type", "not_in", ["energy", "water"]), dict(partner_type="housing"), True),
    (leaf("partner_type", "not_in", ["energy", "water"]), dict(partner_type="water"), False),
    (leaf("partner_type", "not_in", ["energy"]), dict(partner_type=None), False),
    (leaf("partner_type", "starts_with", "health"), dict(partner_type="health_insurance"), True),
    (leaf("partner_type", "starts_with", ["mort", "hous"]), dict(partner_type="housing"), True),
    (leaf("partner_type", "starts_with", "health"), dict(partner_type="housing"), False),
    (leaf("partner_type", "exists", True), dict(partner_type="other"), True),
    (leaf("partner_type", "exists", False), dict(partner_type="other"), False),
    # list of partner types
    (leaf("partner_types", "contains", "water"), dict(partner_types=("energy", "water")), True),
    (leaf("partner_types", "contains", "water"), dict(partner_types=("energy",)), False),
    (leaf("partner_types", "contains", "water"), dict(partner_types=None), False),
    (leaf("partner_types", "exists", True), dict(partner_types=()), True),
    (leaf("partner_types", "exists", True), dict(partner_types=None), False),
    (leaf("partner_types", "exists", False), dict(partner_types=None), True),
]


@pytest.mark.parametrize("when, values, expected", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_operator(when, values, expected):
    assert holds(when, **values) is expected


# -- combinations ----------------------------------------------------------------

T = leaf("crisis", "equals", True)
F = leaf("crisis", "equals", False)


@pytest.mark.parametrize("when, expected", [
    ({"all": [T]}, True), ({"all": [T, F]}, False), ({"all": [T, T, T]}, True),
    ({"all": [T, T, T, F]}, False), ({"all": [T] * 20}, True),
    ({"any": [F]}, False), ({"any": [F, T]}, True), ({"any": [F, F, F]}, False),
    ({"any": [F, F, F, T]}, True), ({"any": [F] * 20}, False),
    ({"not": T}, False), ({"not": F}, True), ({"not": {"not": T}}, True),
    ({"all": [{"any": [F, T]}, {"not": F}]}, True),
    ({"all": [{"any": [F, F]}, {"not": F}]}, False),
    ({"not": leaf("age", "gte", 18)}, True),  # age missing: the leaf is false, so `not` holds
])
def test_combinations(when, expected):
    assert holds(when, crisis=True, age=None) is expected


# -- explanations ---------------------------------------------------------------

def explain(when, **values) -> str:
    criteria = parse_criteria(doc_with(when))
    explanation = criteria.classify(Facts(**{**PRESENT, **values})).explanation
    if explanation["basket_id"] == "hit":
        return explanation["matched"]["condition"]
    return explanation["failed"][0]["condition"]


@pytest.mark.parametrize("when, values, text", [
    ({"any": [leaf("crisis", "equals", True), leaf("supply_ending", "equals", True)]},
     dict(crisis=False, supply_ending=False), "crisis = false, supply_ending = false"),
    ({"any": [leaf("crisis", "equals", True), leaf("supply_ending", "equals", True)]},
     dict(crisis=False, supply_ending=True), "supply_ending = true"),
    (leaf("high_amount", "equals", True), dict(high_amount=True, high_amount_trigger=("water", 31000, "250")),
     "high_amount = true (water 310.00 ≥ 250)"),
    (leaf("high_amount", "equals", True), dict(high_amount=False), "high_amount = false"),
    (leaf("partner_count", "gte", 2), dict(partner_count=1), "partner_count = 1 (not ≥ 2)"),
    (leaf("partner_count", "gte", 2), dict(partner_count=3), "partner_count = 3 (≥ 2)"),
    ({"all": [leaf("total_amount", "lt", 50), leaf("repeat", "equals", False)]},
     dict(total_amount_cents=4200, repeat=False), "total_amount = 42.00 (< 50), repeat = false"),
    ({"all": [leaf("total_amount", "lt", 50), leaf("repeat", "equals", False)]},
     dict(total_amount_cents=6000, repeat=False), "total_amount = 60.00 (not < 50)"),
    ({"all": [leaf("total_amount", "lt", 50), leaf("repeat", "equals", False)]},
     dict(total_amount_cents=4200, repeat=True), "repeat = true"),
    (leaf("age", "between", [18, 27]), dict(age=None), "age has no value"),
    (leaf("age", "between", [18, 27]), dict(age=20), "age = 20 (between 18 and 27)"),
    (leaf("age", "between", [18, 27]), dict(age=30), "age = 30 (not between 18 and 27)"),
    (leaf("age", "exists", False), dict(age=None), "age has no value"),
    (leaf("amount", "gt", 49.99), dict(amount_cents=4999), "amount = 49.99 (not > 49.99)"),
    (leaf("amount", "lte", 12.5), dict(amount_cents=1250), "amount = 12.50 (≤ 12.5)"),
    (leaf("amount", "equals", 10), dict(amount_cents=1250), "amount = 12.50 (≠ 10)"),
    (leaf("partner_type", "equals", "water"), dict(partner_type="energy"), "partner_type = energy (≠ water)"),
    (leaf("partner_type", "equals", "water"), dict(partner_type="water"), "partner_type = water"),
    (leaf("partner_type", "in", ["energy", "water"]), dict(partner_type="housing"),
     "partner_type = housing (not in [energy, water])"),
    (leaf("partner_type", "not_in", ["energy", "water"]), dict(partner_type="water"),
     "partner_type = water (in [energy, water])"),
    (leaf("partner_types", "contains", "housing"), dict(partner_types=("energy", "water")),
     "partner_types = [energy, water] (does not contain housing)"),
    (leaf("postcode", "starts_with", ["3441", "3442"]), dict(postcode="3442XY"),
     "postcode = 3442XY (starts with 3442)"),
    (leaf("postcode", "starts_with", ["3441", "3442"]), dict(postcode="1234AB"),
     "postcode = 1234AB (does not start with [3441, 3442])"),
    (leaf("postcode", "starts_with", "3441"), dict(postcode="3441AB"), "postcode = 3441AB (starts with 3441)"),
    ({"not": leaf("crisis", "equals", True)}, dict(crisis=True), "crisis = true"),
    ({"any": [T, T]}, dict(crisis=False), "crisis = false"),  # the same statement once
])
def test_explanation_text(when, values, text):
    assert explain(when, **values) == text


# -- default and example criteria --------------------------------------------------

EXAMPLE = parse_criteria(example_document())
DEFAULT = default_criteria()


def sig(**kw) -> SignalFacts:
    base = dict(partner_id="p1", partner_type="energy", signal_date=D, arrears_since=D - 30 * DAY,
                amount_cents=20000, arrival="1")
    base.update(kw)
    return SignalFacts(**base)


def classify(criteria, signals, *, earlier=()):
    facts = compute_facts(signals, postcode="3441AB", case_start=min(s.signal_date for s in signals),
                          earlier_case_starts=list(earlier), settings=criteria.settings)
    return criteria.classify(facts)


def born(age: int) -> date:
    return date(D.year - age, D.month, D.day)


@pytest.mark.parametrize("criteria", [DEFAULT, EXAMPLE], ids=["default", "example"])
@pytest.mark.parametrize("signals, expected", [
    ([sig()], "enkelvoudig"),
    ([sig(crisis=True)], "crisis"),
    ([sig(partner_type="water", supply_ending=True)], "crisis"),
    ([sig(amount_cents=100000)], "hoog-bedrag"),          # exactly 1000
    ([sig(amount_cents=99999)], "enkelvoudig"),
    ([sig(), sig(partner_id="p2", partner_type="housing")], "meervoudig"),
    ([sig(), sig(partner_id="p1", signal_date=D - DAY)], "enkelvoudig"),  # one partner twice
    ([sig(crisis=True), sig(partner_id="p2")], "crisis"),  # first basket wins
])
def test_default_and_example(criteria, signals, expected):
    assert classify(criteria, signals).basket_id == expected


@pytest.mark.parametrize("signals, earlier, expected", [
    ([sig(date_of_birth=born(20))], (), "jongeren"),
    ([sig(date_of_birth=born(18))], (), "jongeren"),
    ([sig(date_of_birth=date(D.year - 28, D.month, D.day + 1))], (), "jongeren"),  # 27 until tomorrow
    ([sig(date_of_birth=born(28))], (), "enkelvoudig"),
    ([sig(date_of_birth=born(20), crisis=True)], (), "crisis"),
    ([sig(partner_type="water", amount_cents=31000)], (), "hoog-bedrag"),
    ([sig(partner_type="water", amount_cents=24999)], (), "enkelvoudig"),
    ([sig(partner_type="housing", amount_cents=119999)], (), "enkelvoudig"),
    ([sig(partner_type="housing", amount_cents=120000)], (), "hoog-bedrag"),
    ([sig(amount_cents=4999)], (), "onder-drempel"),
    ([sig(amount_cents=5000)], (), "enkelvoudig"),
    ([sig(amount_cents=4999)], (D - 10 * DAY,), "enkelvoudig"),   # a repeat
    ([sig(amount_cents=4999)], (D - 200 * DAY,), "onder-drempel"),  # too long ago
])
def test_example(signals, earlier, expected):
    assert classify(EXAMPLE, signals, earlier=earlier).basket_id == expected


def test_explanation_of_the_example():
    result = classify(EXAMPLE, [sig(partner_type="water", amount_cents=31000)])
    explanation = result.explanation
    assert json.loads(json.dumps(explanation)) == explanation
    assert explanation == {
        "basket_id": "hoog-bedrag",
        "matched": {"basket_id": "hoog-bedrag", "name": "Hoge bedragen",
                    "condition": "high_amount = true (water 310.00 ≥ 250)"},
        "failed": [
            {"basket_id": "crisis", "name": "Crisis", "condition": "crisis = false, supply_ending = false"},
            {"basket_id": "jongeren", "name": "Jongeren", "condition": "age has no value"},
            {"basket_id": "meervoudig", "name": "Meervoudige signalen", "condition": "partner_count = 1 (not ≥ 2)"},
        ],
        "lines": [
            "crisis: crisis = false, supply_ending = false",
            "jongeren: age has no value",
            "meervoudig: partner_count = 1 (not ≥ 2)",
            "hoog-bedrag: high_amount = true (water 310.00 ≥ 250)",
        ],
        "dutch": [  # what the web app shows (explanation_nl.py)
            {"basket_id": "crisis", "name": "Crisis", "held": False, "text": "geen crisis gemeld; geen eindelevering"},
            {"basket_id": "jongeren", "name": "Jongeren", "held": False,
             "text": "leeftijd jongste schuldenaar onbekend (nodig: 18 tot en met 27)"},
            {"basket_id": "meervoudig", "name": "Meervoudige signalen", "held": False,
             "text": "1 signaalpartner (nodig: 2 of meer)"},
            {"basket_id": "hoog-bedrag", "name": "Hoge bedragen", "held": True,
             "text": "een bedrag is hoog voor zijn soort partner"},
        ],
        "facts": {
            "age": None, "signal_count": 1, "partner_count": 1, "partner_types": ["water"],
            "partner_type": "water", "amount": "310.00", "total_amount": "310.00", "max_amount": "310.00",
            "days_in_arrears": 30, "high_amount": True, "repeat": False, "crisis": False,
            "warm_transfer": False, "supply_ending": False, "postcode": "3441AB", "has_phone": False,
            "has_email": False,
        },
    }
    assert result.facts == explanation["facts"]
    assert result.to_json()["basket_id"] == "hoog-bedrag"


def test_explanation_of_the_catch_all():
    explanation = classify(DEFAULT, [sig()]).explanation
    assert explanation["basket_id"] == "enkelvoudig"
    assert [f["basket_id"] for f in explanation["failed"]] == ["crisis", "meervoudig", "hoog-bedrag"]
    assert explanation["lines"][-1] == "enkelvoudig: no condition: every other case"


def test_classify_does_not_read_the_document():
    document = example_document()
    criteria = parse_criteria(document)
    facts = compute_facts([sig(date_of_birth=born(20))], postcode="3441AB", case_start=D,
                          earlier_case_starts=[], settings=criteria.settings)
    before = criteria.classify(facts).explanation
    saved = copy.deepcopy(document)
    for basket in document["baskets"]:
        basket.clear()
    document["baskets"].clear()
    document.clear()
    assert criteria.classify(facts).explanation == before
    assert before["basket_id"] == "jongeren"
    assert saved == example_document()


def test_default_criteria_is_cached_and_has_defaults():
    assert default_criteria() is default_criteria()
    d = default_criteria()
    assert [b.id for b in d.baskets] == ["crisis", "meervoudig", "hoog-bedrag", "enkelvoudig"]
    assert d.settings.matching_window_days == 30
    assert d.settings.repeat_lookback_days == 183
    assert d.settings.high_amount == {"default": 1000}
    assert d.label == "Standaardinstelling"
    assert d.document == default_document()
    assert d.basket("enkelvoudig").path == [{"action": "letter", "after_days": 0},
                                            {"action": "phone_call", "after_days": 14}]
    assert d.basket("crisis").path == [{"action": "home_visit", "after_days": 0}]
    assert d.basket("crisis").when == {"any": [{"fact": "crisis", "equals": True},
                                               {"fact": "supply_ending", "equals": True}]}
    assert d.basket("enkelvoudig").when is None
    assert d.basket("nope") is None
