"""Properties of the engine (hypothesis): random valid documents and random
cases classify like a straightforward reading of the document; facts agree
with a straightforward reading of criteria.md; broken documents are rejected."""
from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vroegsignaal.domain.criteria import (
    FACT_TYPES,
    OPERATORS_BY_TYPE,
    Settings,
    SignalFacts,
    compute_facts,
    parse_criteria,
)
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.partners import PARTNER_TYPES

TYPES = sorted(PARTNER_TYPES)
POSTCODES = ["3441AB", "3441CD", "3442AB", "1234AB", "9999ZZ"]
PREFIXES = ["3441", "344", "3442A", "1", "", "9999ZZ", "34411"]
TYPE_PREFIXES = ["hous", "health", "e", "w", "mort", "other", "x", ""]
ACTIONS = ["letter", "email", "phone_call", "home_visit", "none"]
D0 = date(2026, 1, 1)
BASKET_IDS = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("abcz0129"),
    st.one_of(st.text("abcxyz0123456789-", max_size=6), st.text("ab-9", min_size=39, max_size=39)),
)
NAMES = st.one_of(st.sampled_from(["Crisis", "Jongeren", "N", "N" * 80]), st.text(min_size=1, max_size=80))

# ---------------------------------------------------------------------------
# strategies: documents


def number_values(fact_type: str):
    if fact_type == "integer":
        return st.one_of(st.integers(-5, 130), st.integers(0, 6))  # 30.0 is no integer (criteria.md "Errors")
    return st.one_of(
        st.integers(0, 3000),
        st.decimals(0, 3000, places=2).map(float),
        st.floats(0, 3000, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.1, 0.29, 1.1, 49.99, 50, 50.005, 250, 1000, 1200.5]),
    )


def scalar_values(fact_type: str):
    if fact_type in ("integer", "number"):
        return number_values(fact_type)
    if fact_type == "boolean":
        return st.booleans()
    if fact_type == "string":
        return st.sampled_from(POSTCODES)
    return st.sampled_from(TYPES)  # partner_type, and contains on partner_types


@st.composite
def leaves(draw):
    fact = draw(st.sampled_from(sorted(FACT_TYPES)))
    fact_type = FACT_TYPES[fact]
    op = draw(st.sampled_from(sorted(OPERATORS_BY_TYPE[fact_type])))
    if op == "exists":
        value = draw(st.booleans())
    elif op == "between":
        a, b = draw(scalar_values(fact_type)), draw(scalar_values(fact_type))
        value = sorted([a, b], key=lambda v: Decimal(repr(v)) if isinstance(v, float) else Decimal(v))
    elif op in ("in", "not_in"):
        value = draw(st.lists(scalar_values(fact_type), min_size=1, max_size=4))
    elif op == "starts_with":
        pool = PREFIXES if fact_type == "string" else TYPE_PREFIXES
        value = draw(st.one_of(st.sampled_from(pool), st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
    else:
        value = draw(scalar_values(fact_type))
    return {"fact": fact, op: value}


@st.composite
def conditions(draw, depth: int, budget: list[int]):
    """A condition at `depth` that uses one leaf already counted, plus at
    most what is left in `budget` for more leaves."""
    if depth >= 8 or draw(st.integers(0, 19)) < 9 + depth:
        return draw(leaves())
    kind = draw(st.sampled_from(["all", "any", "not"]))
    if kind == "not":
        return {"not": draw(conditions(depth + 1, budget))}
    k = draw(st.integers(1, min(3, 1 + budget[0])))
    budget[0] -= k - 1
    return {kind: [draw(conditions(depth + 1, budget)) for _ in range(k)]}


@st.composite
def documents(draw, max_baskets: int = 8):
    ids = draw(st.lists(BASKET_IDS, min_size=1, max_size=max_baskets, unique=True))
    budget = [max(0, draw(st.sampled_from([0, 10, 40, 200])) - len(ids))]
    baskets = []
    for index, basket_id in enumerate(ids):
        basket = {"id": basket_id, "name": draw(NAMES)}
        if draw(st.booleans()):
            basket["description"] = draw(st.text(max_size=40))
        if draw(st.booleans()):
            basket["action"] = draw(st.sampled_from(ACTIONS))
        else:
            steps = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=5))
            path = [{"action": steps[0]}]
            if draw(st.booleans()):
                path[0]["after_days"] = 0
            path += [{"action": a, "after_days": draw(st.integers(1, 90))} for a in steps[1:]]
            basket["path"] = path
        if index < len(ids) - 1:
            basket["when"] = draw(conditions(1, budget))
        baskets.append(basket)
    doc = {"schema_version": 1, "baskets": baskets}
    if draw(st.booleans()):
        doc["label"] = draw(st.text(max_size=200))
    if draw(st.booleans()):
        s = {}
        if draw(st.booleans()):
            s["matching_window_days"] = draw(st.integers(1, 366))
        if draw(st.booleans()):
            s["repeat_lookback_days"] = draw(st.integers(0, 730))
        if draw(st.booleans()):
            keys = draw(st.lists(st.sampled_from(["default"] + TYPES), unique=True))
            s["high_amount"] = {k: draw(st.one_of(
                st.integers(1, 3000), st.decimals("0.01", 3000, places=2).map(float),
                st.floats(0.001, 3000, allow_nan=False, allow_infinity=False))) for k in keys}
        doc["settings"] = s
    return doc


# ---------------------------------------------------------------------------
# strategies: cases

@st.composite
def signal_facts(draw, index: int):
    signal_date = D0 + timedelta(days=draw(st.integers(0, 40)))
    partner_type = draw(st.sampled_from(TYPES))
    born = draw(st.one_of(st.none(), st.dates(date(1940, 1, 1), date(2010, 12, 31))))
    return SignalFacts(
        partner_id=draw(st.sampled_from(["p1", "p2", "p3", "p4"])),
        partner_type=partner_type,
        signal_date=signal_date,
        arrears_since=signal_date - timedelta(days=draw(st.integers(0, 900))),
        amount_cents=draw(st.one_of(st.integers(1, 300_000), st.sampled_from(
            [10, 11, 29, 30, 110, 4999, 5000, 5001, 25000, 100000, 120000, 120050]))),
        crisis=draw(st.booleans()),
        warm_transfer=draw(st.booleans()),
        supply_ending=draw(st.booleans()),
        date_of_birth=born,
        has_phone=draw(st.booleans()),
        has_email=draw(st.booleans()),
        arrival=draw(st.sampled_from(["a", "b", "c"])) + str(index),
    )


@st.composite
def cases(draw):
    n = draw(st.integers(1, 5))
    signals = [draw(signal_facts(i)) for i in range(n)]
    start = min(s.signal_date for s in signals)
    earlier = draw(st.lists(st.dates(start - timedelta(days=800), start + timedelta(days=30)), max_size=3))
    return {"signals": signals, "postcode": draw(st.sampled_from(POSTCODES)), "case_start": start,
            "earlier_case_starts": earlier}


# ---------------------------------------------------------------------------
# a reference evaluator: the raw document, read the obvious way

def dec(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def ref_holds(cond: dict, facts) -> bool:
    if "all" in cond:
        return all(ref_holds(c, facts) for c in cond["all"])
    if "any" in cond:
        return any(ref_holds(c, facts) for c in cond["any"])
    if "not" in cond:
        return not ref_holds(cond["not"], facts)
    fact = cond["fact"]
    (op,) = [k for k in cond if k != "fact"]
    value = cond[op]
    x = facts[fact]  # amounts: Decimal euros
    if op == "exists":
        return (x is not None) == value
    if x is None:
        return False
    numeric = FACT_TYPES[fact] in ("integer", "number")
    if numeric:
        x = Decimal(x)
    if op == "equals":
        return x == dec(value) if numeric else x == value
    if op == "not_equals":
        return x != dec(value) if numeric else x != value
    if op == "gt":
        return x > dec(value)
    if op == "gte":
        return x >= dec(value)
    if op == "lt":
        return x < dec(value)
    if op == "lte":
        return x <= dec(value)
    if op == "between":
        return dec(value[0]) <= x <= dec(value[1])
    if op == "in":
        return any((x == dec(v)) if numeric else (x == v) for v in value)
    if op == "not_in":
        return not any((x == dec(v)) if numeric else (x == v) for v in value)
    if op == "contains":
        return value in x
    if op == "starts_with":
        return any(x.startswith(p) for p in ([value] if isinstance(value, str) else value))
    raise AssertionError(op)


def ref_basket(doc: dict, facts) -> str:
    for basket in doc["baskets"]:
        if "when" not in basket or ref_holds(basket["when"], facts):
            return basket["id"]
    raise AssertionError("no catch-all")


def assert_plain_json(value) -> None:
    """Only str, int, bool, None, list and dict: storable in DynamoDB."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str)
            assert_plain_json(v)
    elif isinstance(value, list):
        for v in value:
            assert_plain_json(v)
    else:
        assert value is None or isinstance(value, (str, int, bool)), type(value)


def make_facts(case, criteria):
    return compute_facts(case["signals"], postcode=case["postcode"], case_start=case["case_start"],
                         earlier_case_starts=case["earlier_case_starts"], settings=criteria.settings)


# ---------------------------------------------------------------------------
# properties

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), batch=st.lists(cases(), min_size=1, max_size=4))
def test_classify_is_the_first_basket_that_holds(doc, batch):
    original = copy.deepcopy(doc)
    criteria = parse_criteria(doc)
    ids = [b["id"] for b in doc["baskets"]]
    for case in batch:
        facts = make_facts(case, criteria)
        result = criteria.classify(facts)
        assert result.basket_id in ids
        assert result.basket_id == ref_basket(doc, facts)
        explanation = result.explanation
        assert_plain_json(explanation)
        json.dumps(explanation)
        position = ids.index(result.basket_id)
        assert explanation["basket_id"] == result.basket_id
        assert [f["basket_id"] for f in explanation["failed"]] == ids[:position]
        assert len(explanation["lines"]) == position + 1
        assert all(isinstance(f["condition"], str) and f["condition"] for f in explanation["failed"])
    assert doc == original


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(max_baskets=50), case=cases())
def test_large_documents(doc, case):
    criteria = parse_criteria(doc)
    facts = make_facts(case, criteria)
    assert criteria.classify(facts).basket_id == ref_basket(doc, facts)


# -- facts against a straightforward reading of criteria.md --------------------------

def ref_age(born: date, on: date) -> int:
    """Count the birthdays passed; a 29 February birthday falls on 1 March in a common year."""
    def birthday(year: int) -> date:
        try:
            return born.replace(year=year)
        except ValueError:
            return date(year, 3, 1)
    age = 0
    while birthday(born.year + age + 1) <= on:
        age += 1
    return age


@settings(max_examples=300, deadline=None)
@given(case=cases(), lookback=st.integers(0, 730),
       high=st.dictionaries(st.sampled_from(["default"] + TYPES), st.integers(1, 3000), max_size=4))
def test_facts_match_the_table(case, lookback, high):
    s = Settings(30, lookback, high)
    signals = case["signals"]
    f = compute_facts(signals, postcode=case["postcode"], case_start=case["case_start"],
                      earlier_case_starts=case["earlier_case_starts"], settings=s)
    reference = max(x.signal_date for x in signals)
    latest = sorted(signals, key=lambda x: (x.signal_date, x.arrival))[-1]
    ages = [ref_age(x.date_of_birth, reference) for x in signals if x.date_of_birth]
    thresholds = {"default": 1000, **high}
    assert f["age"] == (min(ages) if ages else None)
    assert f["signal_count"] == len(signals)
    assert f["partner_count"] == len({x.partner_id for x in signals})
    assert f["partner_types"] == sorted({x.partner_type for x in signals})
    assert f["partner_type"] == latest.partner_type
    assert f["amount"] == Decimal(latest.amount_cents) / 100
    assert f["total_amount"] == sum(Decimal(x.amount_cents) for x in signals) / 100
    assert f["max_amount"] == max(Decimal(x.amount_cents) for x in signals) / 100
    assert f["days_in_arrears"] == max((reference - x.arrears_since).days for x in signals)
    assert f["high_amount"] == any(
        Decimal(x.amount_cents) / 100 >= thresholds.get(x.partner_type, thresholds["default"]) for x in signals)
    assert f["repeat"] == any(
        d < case["case_start"] and (case["case_start"] - d).days <= lookback for d in case["earlier_case_starts"])
    for flag in ("crisis", "warm_transfer", "supply_ending", "has_phone", "has_email"):
        assert f[flag] == any(getattr(x, flag) for x in signals)
    assert f["postcode"] == case["postcode"]
    assert_plain_json(f.to_json())


@given(born=st.dates(date(1900, 1, 1), date(2030, 12, 31)), days=st.integers(0, 60000))
def test_age_on(born, days):
    from vroegsignaal.domain.criteria import age_on
    on = born + timedelta(days=days)
    if on.year <= 9999:
        assert age_on(born, on) == ref_age(born, on)


# -- broken documents are rejected, with the pointer ------------------------------------

def leaf_pointers(node, pointer):
    if "all" in node or "any" in node:
        kind = "all" if "all" in node else "any"
        for i, child in enumerate(node[kind]):
            yield from leaf_pointers(child, f"{pointer}/{kind}/{i}")
    elif "not" in node:
        yield from leaf_pointers(node["not"], pointer + "/not")
    else:
        yield node, pointer


MUTATIONS = ["when_on_last", "drop_when", "drop_catch_all", "unknown_top", "unknown_basket_key",
             "unknown_leaf_key", "duplicate_id", "schema_version", "unknown_fact", "wrong_operator",
             "two_operators", "bad_id", "bad_name", "too_deep"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), mutation=st.sampled_from(MUTATIONS), data=st.data())
def test_broken_documents_are_rejected(doc, mutation, data):
    doc = copy.deepcopy(doc)
    baskets = doc["baskets"]
    last = len(baskets) - 1
    whens = [(i, b["when"]) for i, b in enumerate(baskets) if "when" in b]
    expected = None
    if mutation == "when_on_last":
        baskets[last]["when"] = {"fact": "crisis", "equals": True}
        expected = f"/baskets/{last}/when"
    elif mutation in ("drop_when", "drop_catch_all") and last >= 1:
        if mutation == "drop_when":
            i = data.draw(st.integers(0, last - 1))
            del baskets[i]["when"]
            expected = f"/baskets/{i}/when"
        else:
            baskets.pop()
            expected = f"/baskets/{last - 1}/when"
    elif mutation == "unknown_top":
        doc["extra"] = 1
        expected = "/extra"
    elif mutation == "unknown_basket_key":
        i = data.draw(st.integers(0, last))
        baskets[i]["colour"] = "red"
        expected = f"/baskets/{i}/colour"
    elif mutation in ("unknown_leaf_key", "unknown_fact", "wrong_operator", "two_operators") and whens:
        i, when = data.draw(st.sampled_from(whens))
        leaf, pointer = data.draw(st.sampled_from(list(leaf_pointers(when, f"/baskets/{i}/when"))))
        (op,) = [k for k in leaf if k != "fact"]
        if mutation == "unknown_leaf_key":
            leaf["label"] = "x"
            expected = pointer + "/label"
        elif mutation == "unknown_fact":
            leaf["fact"] = "leeftijd"
            expected = pointer + "/fact"
        elif mutation == "wrong_operator":
            fact_type = FACT_TYPES[leaf["fact"]]
            wrong = sorted({"equals", "gt", "starts_with", "contains"} - OPERATORS_BY_TYPE[fact_type])[0]
            del leaf[op]
            leaf[wrong] = leaf.get("fact")
            expected = f"{pointer}/{wrong}"
        else:
            leaf["exists" if op != "exists" else "equals"] = True
            expected = pointer
    elif mutation == "duplicate_id" and last >= 1:
        j = data.draw(st.integers(1, last))
        baskets[j]["id"] = baskets[0]["id"]
        expected = f"/baskets/{j}/id"
    elif mutation == "schema_version":
        doc["schema_version"] = data.draw(st.sampled_from([2, 0, "1", None, True]))
        expected = "/schema_version"
    elif mutation == "bad_id":
        i = data.draw(st.integers(0, last))
        baskets[i]["id"] = data.draw(st.sampled_from(["Hoog", "-a", "a" * 41, "", "a b", "a\n"]))
        expected = f"/baskets/{i}/id"
    elif mutation == "bad_name":
        i = data.draw(st.integers(0, last))
        baskets[i]["name"] = data.draw(st.sampled_from(["", "n" * 81, None]))
        expected = f"/baskets/{i}/name"
    elif mutation == "too_deep" and whens:
        i, when = data.draw(st.sampled_from(whens))
        node = {"fact": "crisis", "equals": True}
        for _ in range(8):
            node = {"not": node}
        baskets[i]["when"] = node
        expected = f"/baskets/{i}/when" + "/not" * 8
    if expected is None:
        return  # the mutation does not apply to this document
    try:
        parse_criteria(doc)
    except ValidationFailed as failed:
        assert expected in [d["pointer"] for d in failed.details], (expected, failed.details)
    else:
        raise AssertionError(f"{mutation} was accepted")
