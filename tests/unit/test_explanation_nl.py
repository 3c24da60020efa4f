"""The stored explanation in Dutch (domain/criteria/explanation_nl.py): basket names, Dutch fact
labels and rules, the same decisive statements as the engine's explanation."""
from __future__ import annotations

import pytest
from vroegsignaal.domain.criteria import Facts, default_criteria, example_document, parse_criteria

from tests.unit.test_criteria_conditions import PRESENT, doc_with

EXAMPLE = parse_criteria(example_document())


def dutch(criteria, **values):
    return criteria.classify(Facts(**{**PRESENT, **values})).explanation["dutch"]


def test_a_young_resident_reads_jongeren_with_the_age_and_the_rule():
    (*_, chosen) = dutch(EXAMPLE, age=22, crisis=False, supply_ending=False)
    assert chosen == {"basket_id": "jongeren", "name": "Jongeren", "held": True,
                      "text": "jongste schuldenaar is 22 jaar (18 tot en met 27)"}


def test_multiple_partners_read_meervoudige_signalen():
    lines = dutch(default_criteria(), partner_count=2, crisis=False, supply_ending=False)
    assert lines[-1]["name"] == "Meervoudige signalen"
    assert f"{lines[-1]['name']}: {lines[-1]['text']}" == (
        "Meervoudige signalen: 2 verschillende signaalpartners (2 of meer)")


def test_the_baskets_tried_first_say_why_not():
    first, *_ = dutch(EXAMPLE, age=40, crisis=False, supply_ending=False)
    assert first["held"] is False and first["name"] == "Crisis"
    assert first["text"] == "geen crisis gemeld; geen eindelevering"


def test_the_catch_all_says_it_is_the_catch_all():
    lines = dutch(default_criteria(), partner_count=1, crisis=False, supply_ending=False, high_amount=False)
    assert lines[-1]["basket_id"] == "enkelvoudig" and "vangnet" in lines[-1]["text"]


@pytest.mark.parametrize("when, values, text", [
    ({"fact": "total_amount", "lt": 50}, {"total_amount_cents": 1234567}, "totaalbedrag is € 12.345,67 (nodig: minder dan € 50,00)"),
    ({"fact": "partner_types", "contains": "housing"}, {}, "soorten partner: Energie, Water (nodig: bevat Huur)"),
    ({"fact": "postcode", "starts_with": ["34", "35"]}, {}, "postcode 3441AB (begint met 34 of 35)"),
])
def test_leaves_say_the_value_and_the_rule(when, values, text):
    lines = dutch(parse_criteria(doc_with(when)), **values)
    assert text in [line["text"] for line in lines]


def test_the_dutch_statements_agree_with_the_engine_on_which_basket_holds():
    for age in (17, 18, 27, 28, None):
        explanation = EXAMPLE.classify(Facts(**{**PRESENT, "age": age})).explanation
        assert [line["basket_id"] for line in explanation["dutch"] if line["held"]] == [explanation["basket_id"]]
