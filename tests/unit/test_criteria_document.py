"""Validation of the criteria document: every rule of criteria.md, with its pointer."""
from __future__ import annotations

import copy
import json
import re

import pytest
from vroegsignaal.domain.criteria import (
    default_document,
    example_document,
    parse_criteria,
    validate_criteria,
)
from vroegsignaal.domain.errors import ValidationFailed

from tests.product_spec import spec_file

LEAF = {"fact": "crisis", "equals": True}


def basket(id="b", **kw) -> dict:
    out = {"id": id, "name": "Bakje", "action": "letter", "when": copy.deepcopy(LEAF)}
    out.update(kw)
    return out


def catch_all(**kw) -> dict:
    out = {"id": "rest", "name": "Rest", "action": "none"}
    out.update(kw)
    return out


def doc(*baskets, **top) -> dict:
    out = {"schema_version": 1, "baskets": list(baskets) if baskets else [basket(), catch_all()]}
    out.update(top)
    return out


def with_when(when) -> dict:
    return doc(basket(when=when), catch_all())


def problems(document, code=None) -> list[dict]:
    with pytest.raises(ValidationFailed) as caught:
        parse_criteria(document, municipality_code=code)
    details = caught.value.details
    assert details == validate_criteria(document, municipality_code=code)
    for detail in details:
        assert set(detail) == {"pointer", "msg"}
        assert isinstance(detail["pointer"], str) and isinstance(detail["msg"], str) and detail["msg"]
    return details


def pointers(document, code=None) -> list[str]:
    return [p["pointer"] for p in problems(document, code)]


def valid(document, code=None):
    assert validate_criteria(document, municipality_code=code) == []
    return parse_criteria(document, municipality_code=code)


# -- the documents of criteria.md ---------------------------------------------------

def _spec_blocks() -> list[dict]:
    text = spec_file("criteria.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_default_json_is_the_default_of_criteria_md():
    example, default = _spec_blocks()
    assert default_document() == default
    example.pop("municipality_code")
    assert example_document() == example


def test_the_documents_of_criteria_md_are_valid():
    valid(default_document())
    valid(example_document(), "GM0632")
    example = example_document()
    example["municipality_code"] = "GM0632"
    valid(example, "GM0632")
    valid(example)  # no municipality to compare with


def test_minimal_document():
    criteria = valid({"schema_version": 1, "baskets": [{"id": "alles", "name": "Alles", "action": "letter"}]})
    assert [b.id for b in criteria.baskets] == ["alles"]
    assert criteria.settings.to_json() == {"matching_window_days": 30, "repeat_lookback_days": 183,
                                           "high_amount": {"default": 1000}}
    assert criteria.label is None and criteria.municipality_code is None


# -- top level ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [2, 0, "1", True, 1.5, None])
def test_schema_version_must_be_1(value):
    assert pointers(doc(schema_version=value)) == ["/schema_version"]


def test_schema_version_required():
    d = doc()
    del d["schema_version"]
    assert problems(d) == [{"pointer": "/schema_version", "msg": "required"}]


def test_unknown_top_level_key():
    assert problems(doc(colour="blue")) == [{"pointer": "/colour", "msg": "unknown key 'colour'"}]


def test_pointer_escapes_tilde_and_slash():
    assert pointers(doc(**{"a/b~c": 1})) == ["/a~1b~0c"]


@pytest.mark.parametrize("value", [[], "x", None, 3])
def test_document_must_be_an_object(value):
    assert pointers(value) == [""]


def test_municipality_code():
    assert pointers(doc(municipality_code="GM0344"), "GM0632") == ["/municipality_code"]
    assert pointers(doc(municipality_code=632), "GM0632") == ["/municipality_code"]
    valid(doc(municipality_code="GM0632"), "GM0632")
    valid(doc(), "GM0632")  # optional


def test_label():
    valid(doc(label="x" * 200))
    valid(doc(label=""))
    assert pointers(doc(label="x" * 201)) == ["/label"]
    assert pointers(doc(label=5)) == ["/label"]


# -- settings -------------------------------------------------------------------------

@pytest.mark.parametrize("key, value, ok", [
    ("matching_window_days", 1, True), ("matching_window_days", 366, True),
    ("matching_window_days", 0, False), ("matching_window_days", 367, False),
    ("matching_window_days", "30", False), ("matching_window_days", True, False),
    ("matching_window_days", 30.5, False), ("matching_window_days", 30.0, False),
    ("repeat_lookback_days", 0, True), ("repeat_lookback_days", 730, True),
    ("repeat_lookback_days", -1, False), ("repeat_lookback_days", 731, False),
    ("repeat_lookback_days", None, False),
])
def test_settings_ranges(key, value, ok):
    d = doc(settings={key: value})
    if ok:
        assert getattr(valid(d).settings, key) == value
    else:
        assert pointers(d) == [f"/settings/{key}"]


def test_settings_high_amount():
    criteria = valid(doc(settings={"high_amount": {"water": 250, "housing": 1200.5}}))
    assert criteria.settings.high_amount == {"water": 250, "housing": 1200.5, "default": 1000}
    valid(doc(settings={"high_amount": {}}))
    assert pointers(doc(settings={"high_amount": {"gas": 5}})) == ["/settings/high_amount/gas"]
    assert pointers(doc(settings={"high_amount": {"default": 0}})) == ["/settings/high_amount/default"]
    assert pointers(doc(settings={"high_amount": {"water": -1}})) == ["/settings/high_amount/water"]
    assert pointers(doc(settings={"high_amount": {"water": True}})) == ["/settings/high_amount/water"]
    assert pointers(doc(settings={"high_amount": {"water": "250"}})) == ["/settings/high_amount/water"]
    assert pointers(doc(settings={"high_amount": {"water": float("inf")}})) == ["/settings/high_amount/water"]
    assert pointers(doc(settings={"high_amount": 1000})) == ["/settings/high_amount"]


def test_settings_unknown_key_and_not_an_object():
    assert pointers(doc(settings={"window": 3})) == ["/settings/window"]
    assert pointers(doc(settings=[])) == ["/settings"]


# -- baskets --------------------------------------------------------------------------

def test_baskets_required_and_a_list():
    d = doc()
    del d["baskets"]
    assert pointers(d) == ["/baskets"]
    assert pointers(doc(baskets={})) == ["/baskets"]
    assert pointers(doc(baskets=[])) == ["/baskets"]


def test_fifty_baskets_but_not_51():
    many = [basket(f"b{i}") for i in range(49)] + [catch_all()]
    valid(doc(*many))
    too_many = [basket(f"b{i}") for i in range(50)] + [catch_all()]
    assert pointers(doc(*too_many)) == ["/baskets"]


def test_basket_must_be_an_object():
    assert pointers(doc("crisis", catch_all())) == ["/baskets/0"]


def test_unknown_basket_key():
    assert pointers(doc(basket(colour="red"), catch_all())) == ["/baskets/0/colour"]


@pytest.mark.parametrize("value, ok", [
    ("a", True), ("0", True), ("hoog-bedrag", True), ("a" * 40, True), ("a-", True),
    ("a" * 41, False), ("-a", False), ("Hoog", False), ("hoog_bedrag", False), ("", False),
    ("abc\n", False), ("é", False), (5, False), (None, False),
])
def test_basket_id(value, ok):
    d = doc(basket(id=value), catch_all())
    if ok:
        assert valid(d).basket(value).id == value
    else:
        assert pointers(d) == ["/baskets/0/id"]


def test_basket_id_required():
    b = basket()
    del b["id"]
    assert pointers(doc(b, catch_all())) == ["/baskets/0/id"]


def test_duplicate_basket_id():
    details = problems(doc(basket("x"), basket("y"), basket("x"), catch_all(id="x")))
    assert [d["pointer"] for d in details] == ["/baskets/2/id", "/baskets/3/id"]
    assert "used twice" in details[0]["msg"] and "/baskets/0" in details[0]["msg"]


@pytest.mark.parametrize("value, ok", [("N", True), ("N" * 80, True), ("", False), ("N" * 81, False), (3, False)])
def test_basket_name(value, ok):
    d = doc(basket(name=value), catch_all())
    if ok:
        assert valid(d).baskets[0].name == value
    else:
        assert pointers(d) == ["/baskets/0/name"]


def test_basket_name_required():
    b = basket()
    del b["name"]
    assert pointers(doc(b, catch_all())) == ["/baskets/0/name"]


def test_basket_description():
    assert valid(doc(basket(description="d" * 500), catch_all())).baskets[0].description == "d" * 500
    assert valid(doc()).baskets[0].description is None
    assert pointers(doc(basket(description="d" * 501), catch_all())) == ["/baskets/0/description"]
    assert pointers(doc(basket(description=None), catch_all())) == ["/baskets/0/description"]


@pytest.mark.parametrize("action", ["letter", "email", "phone_call", "home_visit", "none"])
def test_actions(action):
    criteria = valid(doc(basket(action=action), catch_all()))
    assert criteria.baskets[0].path == [{"action": action, "after_days": 0}]


@pytest.mark.parametrize("action", ["sms", "", None, ["letter"], "Letter"])
def test_unknown_action(action):
    assert pointers(doc(basket(action=action), catch_all())) == ["/baskets/0/action"]


def test_exactly_one_of_action_and_path():
    both = basket(path=[{"action": "letter"}])
    assert pointers(doc(both, catch_all())) == ["/baskets/0"]
    neither = basket()
    del neither["action"]
    assert pointers(doc(neither, catch_all())) == ["/baskets/0"]


def path_basket(path):
    b = basket(path=path)
    del b["action"]
    return b


@pytest.mark.parametrize("path, expected", [
    ([{"action": "letter"}], [{"action": "letter", "after_days": 0}]),
    ([{"action": "letter", "after_days": 0}], [{"action": "letter", "after_days": 0}]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": 1}, {"action": "home_visit", "after_days": 90},
      {"action": "email", "after_days": 7}, {"action": "none", "after_days": 30}],
     [{"action": "letter", "after_days": 0}, {"action": "phone_call", "after_days": 1},
      {"action": "home_visit", "after_days": 90}, {"action": "email", "after_days": 7},
      {"action": "none", "after_days": 30}]),
])
def test_valid_paths(path, expected):
    assert valid(doc(path_basket(path), catch_all())).baskets[0].path == expected


@pytest.mark.parametrize("path, expected", [
    ([], ["/baskets/0/path"]),
    ({"action": "letter"}, ["/baskets/0/path"]),
    ([{"action": "letter"}] + [{"action": "letter", "after_days": 1}] * 5, ["/baskets/0/path"]),
    ([{"action": "letter", "after_days": 3}], ["/baskets/0/path/0/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call"}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": 0}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": 91}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": 14.5}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": "14"}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "phone_call", "after_days": True}], ["/baskets/0/path/1/after_days"]),
    ([{"action": "letter"}, {"action": "sms", "after_days": 14}], ["/baskets/0/path/1/action"]),
    ([{"after_days": 0}], ["/baskets/0/path/0/action"]),
    ([{"action": "letter", "wait": 3}], ["/baskets/0/path/0/wait"]),
    (["letter"], ["/baskets/0/path/0"]),
])
def test_invalid_paths(path, expected):
    assert pointers(doc(path_basket(path), catch_all())) == expected


def test_last_basket_has_no_when():
    assert pointers(doc(basket("a"), basket("b"))) == ["/baskets/1/when"]
    assert pointers(doc(basket("a"))) == ["/baskets/0/when"]


def test_only_the_last_basket_omits_when():
    middle = catch_all(id="mid")
    assert pointers(doc(basket("a"), middle, catch_all())) == ["/baskets/1/when"]
    # a document whose catch-all was removed: the new last has a when
    assert pointers(doc(basket("a"), basket("b"))) == ["/baskets/1/when"]


def test_when_null_is_not_a_missing_when():
    assert pointers(doc(basket(when=None), catch_all())) == ["/baskets/0/when"]
    # the last basket: a 'when' at all, and not a condition
    assert pointers(doc(basket(), catch_all(when=None))) == ["/baskets/1/when", "/baskets/1/when"]


# -- conditions ---------------------------------------------------------------------

W = "/baskets/0/when"


@pytest.mark.parametrize("when, expected", [
    ({"fact": "leeftijd", "gte": 18}, [W + "/fact"]),
    ({"fact": 5, "gte": 18}, [W + "/fact"]),
    ({"fact": "age", "greater": 18}, [W + "/greater"]),
    ({"fact": "age", "gte": 18, "lte": 30}, [W]),
    ({"fact": "age", "gte": 18, "label": "x"}, [W + "/label"]),
    ({"fact": "age"}, [W]),
    ({"fact": "age", "starts_with": "1"}, [W + "/starts_with"]),
    ({"fact": "crisis", "gt": 0}, [W + "/gt"]),
    ({"fact": "partner_types", "equals": "water"}, [W + "/equals"]),
    ({"fact": "partner_type", "contains": "water"}, [W + "/contains"]),
    ({"fact": "postcode", "between": ["1000", "2000"]}, [W + "/between"]),
    ({"gte": 18}, [W + "/fact"]),
    ({}, [W]),
    ("crisis", [W]),
    ([LEAF], [W]),
    ({"all": [LEAF], "any": [LEAF]}, [W]),
    ({"all": [LEAF], "fact": "crisis", "equals": True}, [W]),
    ({"all": []}, [W + "/all"]),
    ({"any": []}, [W + "/any"]),
    ({"all": [LEAF] * 21}, [W + "/all"]),
    ({"any": LEAF}, [W + "/any"]),
    ({"all": [LEAF], "label": "x"}, [W + "/label"]),
    ({"not": [LEAF]}, [W + "/not"]),
    ({"not": {"fact": "leeftijd", "equals": 1}}, [W + "/not/fact"]),
    ({"all": [LEAF, {"any": [LEAF, {"fact": "age", "gte": "18"}]}]}, [W + "/all/1/any/1/gte"]),
    # values
    ({"fact": "age", "gte": True}, [W + "/gte"]),
    ({"fact": "age", "gte": 17.5}, [W + "/gte"]),
    ({"fact": "age", "gte": "18"}, [W + "/gte"]),
    ({"fact": "age", "gte": None}, [W + "/gte"]),
    ({"fact": "amount", "gte": float("nan")}, [W + "/gte"]),
    ({"fact": "amount", "lt": float("inf")}, [W + "/lt"]),
    ({"fact": "amount", "equals": True}, [W + "/equals"]),
    ({"fact": "crisis", "equals": "true"}, [W + "/equals"]),
    ({"fact": "crisis", "equals": 1}, [W + "/equals"]),
    ({"fact": "crisis", "not_equals": None}, [W + "/not_equals"]),
    ({"fact": "partner_type", "equals": "gas"}, [W + "/equals"]),
    ({"fact": "partner_type", "in": ["water", "gas"]}, [W + "/in/1"]),
    ({"fact": "partner_type", "not_in": []}, [W + "/not_in"]),
    ({"fact": "partner_types", "contains": "gas"}, [W + "/contains"]),
    ({"fact": "partner_types", "contains": ["water"]}, [W + "/contains"]),
    ({"fact": "postcode", "equals": 3441}, [W + "/equals"]),
    ({"fact": "postcode", "in": []}, [W + "/in"]),
    ({"fact": "postcode", "in": "3441AB"}, [W + "/in"]),
    ({"fact": "postcode", "in": ["3441AB", 3441]}, [W + "/in/1"]),
    ({"fact": "postcode", "starts_with": []}, [W + "/starts_with"]),
    ({"fact": "postcode", "starts_with": ["34", 35]}, [W + "/starts_with/1"]),
    ({"fact": "postcode", "starts_with": 34}, [W + "/starts_with"]),
    ({"fact": "age", "in": []}, [W + "/in"]),
    ({"fact": "age", "in": [18, "19"]}, [W + "/in/1"]),
    ({"fact": "age", "between": [27, 18]}, [W + "/between"]),
    ({"fact": "age", "between": [18]}, [W + "/between"]),
    ({"fact": "age", "between": [18, 20, 27]}, [W + "/between"]),
    ({"fact": "age", "between": ["a", 27]}, [W + "/between/0"]),
    ({"fact": "amount", "between": [50.01, 50]}, [W + "/between"]),
    ({"fact": "age", "exists": "yes"}, [W + "/exists"]),
    ({"fact": "age", "exists": 1}, [W + "/exists"]),
])
def test_invalid_conditions(when, expected):
    assert pointers(with_when(when)) == expected


def test_messages_of_conditions():
    assert problems(with_when({"fact": "leeftijd", "gte": 18})) == [
        {"pointer": W + "/fact", "msg": "unknown fact 'leeftijd'"}]
    (problem,) = problems(with_when({"fact": "age", "starts_with": "1"}))
    assert "starts_with" in problem["msg"] and "age" in problem["msg"]
    (problem,) = problems(with_when({"fact": "age", "gte": 18, "lte": 30}))
    assert "exactly one operator" in problem["msg"]


@pytest.mark.parametrize("when", [
    {"fact": "age", "between": [18, 18]},
    {"fact": "amount", "between": [0.5, 0.5]},
    {"fact": "amount", "gte": 17.5},
    {"fact": "amount", "gte": -3},
    {"fact": "postcode", "starts_with": ""},
    {"fact": "partner_type", "starts_with": "health"},
    {"fact": "partner_type", "in": ["water"]},
    {"fact": "partner_types", "contains": "water"},
    {"fact": "postcode", "in": ["3441AB"]},
    {"fact": "crisis", "not_equals": False},
    {"all": [LEAF] * 20},
    {"any": [LEAF] * 20},
])
def test_valid_conditions(when):
    valid(with_when(when))


def nest(levels: int, kind: str = "not") -> dict:
    """A condition of `levels` levels: levels - 1 combinators around a leaf."""
    node = copy.deepcopy(LEAF)
    for _ in range(levels - 1):
        node = {"not": node} if kind == "not" else {kind: [node]}
    return node


@pytest.mark.parametrize("kind", ["not", "all", "any"])
def test_depth_8_but_not_9(kind):
    valid(with_when(nest(8, kind)))
    step = "/not" if kind == "not" else f"/{kind}/0"
    assert pointers(with_when(nest(9, kind))) == [W + step * 8]
    # deeper still: reported once, where it passes 8
    assert pointers(with_when(nest(12, kind))) == [W + step * 8]


def test_depth_of_a_leaf_directly_in_when_is_1():
    valid(with_when({"all": [nest(7), {"any": [nest(6), LEAF]}]}))


def leaves_baskets(total: int) -> list[dict]:
    baskets = []
    while total > 0:
        n = min(20, total)
        baskets.append(basket(f"b{len(baskets)}", when={"all": [dict(LEAF)] * n}))
        total -= n
    return baskets + [catch_all()]


def test_200_leaves_but_not_201():
    valid(doc(*leaves_baskets(200)))
    details = problems(doc(*leaves_baskets(201)))
    assert [d["pointer"] for d in details] == ["/baskets/10/when/all/0"]  # the 201st leaf
    assert "200" in details[0]["msg"]


# -- many problems at once ---------------------------------------------------------------

def test_every_problem_at_once():
    document = {
        "schema_version": 2,
        "colour": "blue",
        "label": "x" * 201,
        "settings": {"matching_window_days": 0, "high_amount": {"gas": 1}},
        "baskets": [
            {"id": "Crisis", "name": "", "action": "sms", "when": {"fact": "leeftijd", "gte": 1}},
            {"id": "a", "name": "A", "path": [{"action": "letter", "after_days": 2}],
             "when": {"all": [{"fact": "age", "starts_with": "1"}, {"fact": "crisis", "equals": True, "gt": 1}]}},
            {"id": "a", "name": "A2", "action": "letter"},
            {"id": "rest", "name": "Rest", "action": "none", "when": LEAF},
        ],
    }
    assert sorted(pointers(document, "GM0632")) == sorted([
        "/colour",
        "/schema_version",
        "/label",
        "/settings/matching_window_days",
        "/settings/high_amount/gas",
        "/baskets/0/id",
        "/baskets/0/name",
        "/baskets/0/action",
        "/baskets/0/when/fact",
        "/baskets/1/path/0/after_days",
        "/baskets/1/when/all/0/starts_with",
        "/baskets/1/when/all/1",
        "/baskets/2/id",
        "/baskets/2/when",
        "/baskets/3/when",
    ])


def test_valid_document_is_not_changed():
    document = example_document()
    before = copy.deepcopy(document)
    criteria = valid(document)
    assert document == before
    assert criteria.document is document
