"""JSON bodies at the edge: depth bounded before decoding, numbers as the spec reads them."""
import pytest
from vroegsignaal.domain.json_numbers import NumberLiteral, OversizedInteger
from vroegsignaal.http.bodies import MAX_DEPTH, decode_json, nesting_depth
from vroegsignaal.http.errors import ApiError


@pytest.mark.parametrize("text, depth", [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), ('["[[[[", "]]]"]', 1), (r'["\"[[["]', 1),
])
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text, limit=MAX_DEPTH) == depth


@pytest.mark.parametrize("text", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000,
                                  "[" * 100_000], ids=["arrays", "objects", "unclosed"])
def test_json_nested_beyond_the_limit_is_a_400_without_recursion(text):
    with pytest.raises(ApiError) as raised:
        decode_json(text)
    assert raised.value.status == 400 and "nested deeper" in raised.value.body["message"]


def test_json_at_the_limit_decodes():
    assert decode_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_a_5000_digit_integer_is_valid_json_and_decodes_to_a_value_no_validator_accepts():
    value = decode_json('{"n": ' + "9" * 5000 + "}")["n"]
    assert isinstance(value, OversizedInteger) and value.digits == 5000
    assert not isinstance(value, int | float)


def test_integers_of_ordinary_size_stay_ints():
    assert decode_json("[12, -7, 0]") == [12, -7, 0] and all(type(n) is int for n in decode_json("[12, -7]"))


@pytest.mark.parametrize("text, exponent", [("12.0", False), ("1e3", True), ("4.125E2", True), ("412.50", False)])
def test_numbers_with_a_fraction_or_exponent_remember_how_they_were_written(text, exponent):
    value = decode_json(text)
    assert isinstance(value, NumberLiteral) and value.text == text and value.has_exponent is exponent
    assert value == float(text)


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", "{", "'a'", ""])
def test_what_is_not_json_is_a_400(text):
    with pytest.raises(ApiError) as raised:
        decode_json(text)
    assert raised.value.status == 400
