"""Criteria documents that once crashed the checker or were stored although
criteria.md rejects them (issue 8): deep nesting, huge and fractional integers."""
import json

import pytest
from vroegsignaal.domain.criteria import validate_criteria
from vroegsignaal.domain.criteria.conditions import MAX_DEPTH
from vroegsignaal.domain.json_text import NotJson, loads

LEAF = {"fact": "crisis", "equals": True}


def document(when=None, **top):
    baskets = [{"id": "a", "name": "A", "action": "letter", "when": when or LEAF},
               {"id": "rest", "name": "Rest", "action": "none"}]
    return {"schema_version": 1, "baskets": baskets, **top}


def nested_not(depth: int) -> dict:
    node = LEAF
    for _ in range(depth):
        node = {"not": node}
    return node


@pytest.mark.parametrize("depth", [990, 20_000])
def test_a_when_of_many_nested_nots_is_one_problem_at_the_first_level_over_the_limit(depth):
    problems = validate_criteria(document(nested_not(depth)))
    (problem,) = problems
    assert problem["pointer"] == "/baskets/0/when" + "/not" * MAX_DEPTH and "deeper" in problem["msg"]


def test_conditions_at_the_limit_are_valid():
    assert validate_criteria(document(nested_not(MAX_DEPTH - 1))) == []


@pytest.mark.parametrize("where", ["setting", "value"])
def test_an_integer_of_4000_digits_is_rejected(where):
    huge = int("9" * 4000)
    doc = document(settings={"matching_window_days": huge}) if where == "setting" else \
        document({"fact": "age", "gte": huge})
    (problem,) = validate_criteria(doc)
    assert problem["pointer"] in ("/settings/matching_window_days", "/baskets/0/when/gte")


@pytest.mark.parametrize("doc, pointer", [
    (document(settings={"matching_window_days": 14.0}), "/settings/matching_window_days"),
    (document({"fact": "age", "gte": 14.0}), "/baskets/0/when/gte"),
    (document({"fact": "signal_count", "between": [1, 2.0]}), "/baskets/0/when/between/1"),
    ({**document(), "schema_version": 1.0}, "/schema_version"),
], ids=["setting", "integer-fact", "between", "schema_version"])
def test_an_integer_written_with_a_fraction_is_rejected(doc, pointer):
    assert [p["pointer"] for p in validate_criteria(doc)] == [pointer]


def test_a_number_fact_takes_fractions():
    assert validate_criteria(document({"fact": "amount", "gte": 14.5})) == []


def test_a_document_of_990_nested_nots_read_as_text_is_refused_without_recursion():
    when = '{"not": ' * 990 + json.dumps(LEAF) + "}" * 990  # 8 KB (json.dumps itself would recurse)
    text = json.dumps(document()).replace(json.dumps(LEAF), when, 1)
    with pytest.raises(NotJson, match="nested deeper"):
        loads(text)
