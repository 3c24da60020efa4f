"""Signals that once passed validation and then broke the intake (issue 8):
lone surrogates, numbers written with an exponent, integers of thousands of digits."""
import json
from datetime import date

import pytest
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.signal import content_hash, validate_signal
from vroegsignaal.http.bodies import decode_json

from tests.factories import signal_body

TODAY = date(2026, 11, 27)
TEXT_FIELDS = [
    "reference", "municipality_code", "signal_date", "arrears_since", "amount", "customer_number",
    "debtor__initials", "debtor__prefix", "debtor__last_name", "debtor__date_of_birth", "debtor__gender",
    "debtor__bsn", "debtor__phone", "debtor__email", "debtor__address__street",
    "debtor__address__house_number_suffix", "debtor__address__postcode", "debtor__address__city",
]


def problems_of(raw) -> list[dict]:
    with pytest.raises(ValidationFailed) as failed:
        validate_signal(raw, partner_type="energy", today=TODAY, is_known_municipality=lambda code: True)
    return failed.value.details


def decoded(body: dict, **literals: str):
    """The body as the edge decodes it, with some values written as the given JSON literals."""
    text = json.dumps(body)
    for name, literal in literals.items():
        text = text.replace(f'"{name}": "@{name}@"', f'"{name}": {literal}')
    return decode_json(text)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_lone_surrogate_in_a_text_field_is_a_problem_naming_that_field(field):
    body = signal_body()
    *path, last = field.split("__")
    target = body
    for part in path:
        target = target[part]
    target[last] = "\ud800" if field != "debtor__last_name" else "Dijk\ud800"
    (problem,) = problems_of(body)
    assert problem["loc"] == field.split("__") and "surrogate" in problem["msg"]


def test_every_valid_signal_can_be_hashed():
    signal = validate_signal(signal_body(debtor__last_name="Ðijk 🙂"), partner_type="energy", today=TODAY,
                             is_known_municipality=lambda code: True)
    assert len(content_hash(signal)) == 64


@pytest.mark.parametrize("literal", ["1e3", "4.125e2", "1E3", "41.25e1"])
def test_an_amount_with_an_exponent_is_rejected(literal):
    body = decoded(signal_body(amount="@amount@"), amount=literal)
    (problem,) = problems_of(body)
    assert problem["loc"] == ["amount"] and "exponent" in problem["msg"]


@pytest.mark.parametrize("literal, cents", [("412.5", 41250), ("412.50", 41250), ("1000", 100000), ("0.10", 10)])
def test_an_amount_written_as_a_plain_decimal_is_accepted(literal, cents):
    body = decoded(signal_body(amount="@amount@"), amount=literal)
    assert validate_signal(body, partner_type="energy", today=TODAY,
                           is_known_municipality=lambda code: True).amount_cents == cents


def test_an_amount_with_more_decimals_than_cents_as_written_is_rejected():
    body = decoded(signal_body(amount="@amount@"), amount="412.501")
    assert [p["loc"] for p in problems_of(body)] == [["amount"]]


@pytest.mark.parametrize("field", ["amount", "house_number"])
def test_an_integer_of_5000_digits_is_a_problem_of_its_field(field):
    body = signal_body(amount="@amount@", debtor__address__house_number="@house_number@")
    body = decoded(body, **{"amount": "412", "house_number": "12", field: "9" * 5000})
    (problem,) = problems_of(body)
    assert problem["loc"][-1] == field


@pytest.mark.parametrize("literal", ["12.0", "1.2e1"])
def test_a_house_number_with_a_fraction_or_exponent_is_no_integer(literal):
    body = decoded(signal_body(debtor__address__house_number="@house_number@"), house_number=literal)
    (problem,) = problems_of(body)
    assert problem["loc"] == ["debtor", "address", "house_number"]
