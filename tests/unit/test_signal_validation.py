"""validate_signal, Signal records, content_hash, batch envelope (signals-api.md)."""
from __future__ import annotations

import contextlib
import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.domain.signal import (
    Signal,
    content_hash,
    debtor_display_name,
    reference_of,
    validate_batch_envelope,
    validate_signal,
)

from tests.factories import signal_body

TODAY = date(2026, 11, 20)
KNOWN = {"GM0632", "GM0363"}
DROP = object()  # remove the field


def valid_body() -> dict:
    return signal_body()


def body_with(changes: dict | None = None, base: dict | None = None) -> dict:
    """A valid body with changes {"debtor.address.postcode": value or DROP}."""
    body = copy.deepcopy(base if base is not None else valid_body())
    for path, value in (changes or {}).items():
        *parents, leaf = path.split(".")
        target = body
        for part in parents:
            target = target[part]
        if value is DROP:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return body


def validate(raw, partner_type="energy", today=TODAY, known=KNOWN):
    return validate_signal(
        raw, partner_type=partner_type, today=today, is_known_municipality=known.__contains__
    )


def problems(raw, **kw) -> list[dict]:
    with pytest.raises(ValidationFailed) as exc:
        validate(raw, **kw)
    details = exc.value.details
    for d in details:
        assert set(d) == {"loc", "msg"}
        assert isinstance(d["msg"], str) and d["msg"]
        assert all(isinstance(p, str) for p in d["loc"])
    json.dumps(details)  # JSON-able
    return details


def locs(raw, **kw) -> list[list[str]]:
    return [d["loc"] for d in problems(raw, **kw)]


# ------------------------------------------------------------------ the happy path

def test_example_of_the_spec_is_valid_and_normalised():
    s = validate(valid_body())
    assert s.reference == "EN-2026-000123"
    assert s.municipality_code == "GM0632"
    assert s.signal_date == date(2026, 11, 20) and s.signal_date_given is True
    assert s.arrears_since == date(2026, 10, 1)
    assert s.amount_cents == 41250
    assert s.customer_number == "880012345"
    assert (s.crisis, s.warm_transfer, s.supply_ending) == (False, False, False)
    d = s.debtor
    assert (d.initials, d.prefix, d.last_name) == ("A.B.", "van", "Dijk")
    assert d.date_of_birth == date(2001, 4, 2) and d.gender == "F" and d.bsn == "111222333"
    assert d.phone == "+31612345678" and d.email == "a.vandijk@example.nl"
    a = d.address
    assert (a.street, a.house_number, a.house_number_suffix, a.postcode, a.city) == (
        "Rijnstraat", 12, "BIS", "3441AB", "Woerden")
    assert debtor_display_name(s) == "A.B. van Dijk"


def test_minimal_body():
    body = {
        "reference": "R1",
        "municipality_code": "GM0363",
        "arrears_since": "2026-01-01",
        "amount": 1,
        "debtor": {"last_name": "Jansen",
                   "address": {"house_number": 1, "postcode": "1011AB"}},
    }
    s = validate(body)
    assert s.signal_date == TODAY and s.signal_date_given is False
    assert s.amount_cents == 100
    assert (s.crisis, s.warm_transfer, s.supply_ending) == (False, False, False)
    assert s.customer_number is None and s.debtor.initials is None
    assert s.debtor.address.house_number_suffix is None
    assert debtor_display_name(s) == "Jansen"


def test_signal_is_immutable():
    s = validate(valid_body())
    with pytest.raises(AttributeError):
        s.amount_cents = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        s.debtor.address.postcode = "1234AB"  # type: ignore[misc]


def test_repr_holds_no_debtor_data():
    s = validate(valid_body())
    text = repr(s)
    for secret in ("Dijk", "111222333", "+31612345678", "example.nl", "3441AB", "2001-04-02"):
        assert secret not in text


# ----------------------------------------------------- each field: accepted values

ACCEPTED = [
    # path, value, attribute getter, normalised value
    ("reference", "a", lambda s: s.reference, "a"),
    ("reference", "A-Z.a_z:0-9", lambda s: s.reference, "A-Z.a_z:0-9"),
    ("reference", "x" * 64, lambda s: s.reference, "x" * 64),
    ("municipality_code", "GM0363", lambda s: s.municipality_code, "GM0363"),
    ("signal_date", "2026-11-19", lambda s: s.signal_date, date(2026, 11, 19)),
    ("signal_date", None, lambda s: (s.signal_date, s.signal_date_given), (TODAY, False)),
    ("signal_date", DROP, lambda s: (s.signal_date, s.signal_date_given), (TODAY, False)),
    ("arrears_since", "2026-11-20", lambda s: s.arrears_since, date(2026, 11, 20)),
    ("arrears_since", "2020-02-29", lambda s: s.arrears_since, date(2020, 2, 29)),
    ("amount", "412.5", lambda s: s.amount_cents, 41250),
    ("amount", 412.5, lambda s: s.amount_cents, 41250),
    ("amount", 412.50, lambda s: s.amount_cents, 41250),
    ("amount", 0.01, lambda s: s.amount_cents, 1),
    ("amount", "0.01", lambda s: s.amount_cents, 1),
    ("amount", 0.1, lambda s: s.amount_cents, 10),
    ("amount", 412, lambda s: s.amount_cents, 41200),
    ("amount", "1000000", lambda s: s.amount_cents, 100_000_000),
    ("amount", 1000000, lambda s: s.amount_cents, 100_000_000),
    ("amount", "1000000.00", lambda s: s.amount_cents, 100_000_000),
    ("amount", " 12.30 ", lambda s: s.amount_cents, 1230),
    ("customer_number", "x" * 40, lambda s: s.customer_number, "x" * 40),
    ("customer_number", None, lambda s: s.customer_number, None),
    ("customer_number", "", lambda s: s.customer_number, None),
    ("crisis", True, lambda s: s.crisis, True),
    ("crisis", None, lambda s: s.crisis, False),
    ("crisis", DROP, lambda s: s.crisis, False),
    ("warm_transfer", True, lambda s: s.warm_transfer, True),
    ("warm_transfer", None, lambda s: s.warm_transfer, False),
    ("supply_ending", True, lambda s: s.supply_ending, True),  # from energy
    ("supply_ending", None, lambda s: s.supply_ending, False),
    ("debtor.last_name", "x", lambda s: s.debtor.last_name, "x"),
    ("debtor.last_name", "y" * 100, lambda s: s.debtor.last_name, "y" * 100),
    ("debtor.last_name", "  Dijk ", lambda s: s.debtor.last_name, "Dijk"),
    ("debtor.last_name", "O\u0308zdemir", lambda s: s.debtor.last_name, "\u00d6zdemir"),  # NFC
    ("debtor.initials", "i" * 20, lambda s: s.debtor.initials, "i" * 20),
    ("debtor.initials", None, lambda s: s.debtor.initials, None),
    ("debtor.prefix", "p" * 20, lambda s: s.debtor.prefix, "p" * 20),
    ("debtor.prefix", None, lambda s: s.debtor.prefix, None),
    ("debtor.date_of_birth", None, lambda s: s.debtor.date_of_birth, None),
    ("debtor.gender", "M", lambda s: s.debtor.gender, "M"),
    ("debtor.gender", "X", lambda s: s.debtor.gender, "X"),
    ("debtor.gender", None, lambda s: s.debtor.gender, None),
    ("debtor.bsn", "123456782", lambda s: s.debtor.bsn, "123456782"),
    ("debtor.bsn", None, lambda s: s.debtor.bsn, None),
    ("debtor.phone", "0612345678", lambda s: s.debtor.phone, "+31612345678"),
    ("debtor.phone", "010-1234567", lambda s: s.debtor.phone, "+31101234567"),
    ("debtor.phone", "0031612345678", lambda s: s.debtor.phone, "+31612345678"),
    ("debtor.phone", "+32 470 12 34 56", lambda s: s.debtor.phone, "+32470123456"),
    ("debtor.phone", None, lambda s: s.debtor.phone, None),
    ("debtor.email", "A.B@Example.NL", lambda s: s.debtor.email, "A.B@example.nl"),
    ("debtor.email", None, lambda s: s.debtor.email, None),
    ("debtor.address.postcode", "3441ab", lambda s: s.debtor.address.postcode, "3441AB"),
    ("debtor.address.postcode", " 3441  Ab ", lambda s: s.debtor.address.postcode, "3441AB"),
    ("debtor.address.house_number", 1, lambda s: s.debtor.address.house_number, 1),
    ("debtor.address.house_number", 99999, lambda s: s.debtor.address.house_number, 99999),
    ("debtor.address.house_number_suffix", "  a ", lambda s: s.debtor.address.house_number_suffix, "A"),
    ("debtor.address.house_number_suffix", "   ", lambda s: s.debtor.address.house_number_suffix, None),
    ("debtor.address.house_number_suffix", "", lambda s: s.debtor.address.house_number_suffix, None),
    ("debtor.address.house_number_suffix", None, lambda s: s.debtor.address.house_number_suffix, None),
    ("debtor.address.house_number_suffix", "abcdefghij", lambda s: s.debtor.address.house_number_suffix, "ABCDEFGHIJ"),
    ("debtor.address.street", "s" * 100, lambda s: s.debtor.address.street, "s" * 100),
    ("debtor.address.street", None, lambda s: s.debtor.address.street, None),
    ("debtor.address.city", "c" * 100, lambda s: s.debtor.address.city, "c" * 100),
    ("debtor.address.city", "'s-Hertogenbosch", lambda s: s.debtor.address.city, "'s-Hertogenbosch"),
    ("debtor.address.city", None, lambda s: s.debtor.address.city, None),
]


@pytest.mark.parametrize("path, value, get, expected", ACCEPTED,
                         ids=[f"{p}={'(absent)' if v is DROP else repr(v)}"[:60] for p, v, _, _ in ACCEPTED])
def test_field_accepted(path, value, get, expected):
    assert get(validate(body_with({path: value}))) == expected


# ----------------------------------------------------- each field: rejected values

REJECTED = [
    # reference
    ("reference", DROP),
    ("reference", None),
    ("reference", ""),
    ("reference", "x" * 65),
    ("reference", "EN 2026"),
    ("reference", "EN/2026"),
    ("reference", "EN#1"),
    ("reference", "réf"),
    ("reference", 123),
    # municipality_code
    ("municipality_code", DROP),
    ("municipality_code", None),
    ("municipality_code", "GM632"),
    ("municipality_code", "GM06320"),
    ("municipality_code", "gm0632"),
    ("municipality_code", "0632"),
    ("municipality_code", "GM0999"),   # well-formed, not registered
    ("municipality_code", 632),
    # signal_date
    ("signal_date", "2026-11-21"),     # tomorrow
    ("signal_date", "2026-13-01"),
    ("signal_date", "2026-02-30"),
    ("signal_date", "20261120"),
    ("signal_date", "2026-11-20T00:00:00"),
    ("signal_date", "20-11-2026"),
    ("signal_date", "2026-1-2"),
    ("signal_date", 1763596800),
    ("signal_date", ""),
    # arrears_since
    ("arrears_since", DROP),
    ("arrears_since", None),
    ("arrears_since", "2026-11-21"),   # after signal_date (and today)
    ("arrears_since", "yesterday"),
    ("arrears_since", 20261001),
    # amount
    ("amount", DROP),
    ("amount", None),
    ("amount", 0),
    ("amount", "0"),
    ("amount", "0.00"),
    ("amount", -1),
    ("amount", "-1"),
    ("amount", -0.01),
    ("amount", "1000000.01"),
    ("amount", 1000000.01),
    ("amount", 1000001),
    ("amount", 10**30),
    ("amount", -(10**30)),
    ("amount", "412.555"),
    ("amount", 412.555),
    ("amount", "abc"),
    ("amount", ""),
    ("amount", "1e3"),
    ("amount", "1e999999999"),
    ("amount", "1_000"),
    ("amount", "412,50"),
    ("amount", "€412.50"),
    ("amount", "NaN"),
    ("amount", float("nan")),
    ("amount", float("inf")),
    ("amount", True),
    ("amount", False),
    ("amount", [412]),
    ("amount", {"value": 1}),
    # customer_number
    ("customer_number", "x" * 41),
    ("customer_number", 880012345),
    ("customer_number", "88\n00"),
    # booleans: real JSON booleans only
    ("crisis", "true"),
    ("crisis", "false"),
    ("crisis", 1),
    ("crisis", 0),
    ("warm_transfer", "yes"),
    ("warm_transfer", 1),
    ("supply_ending", "true"),
    ("supply_ending", 0),
    # debtor
    ("debtor", DROP),
    ("debtor", None),
    ("debtor", "Dijk"),
    ("debtor", []),
    ("debtor.last_name", DROP),
    ("debtor.last_name", None),
    ("debtor.last_name", ""),
    ("debtor.last_name", "   "),
    ("debtor.last_name", "y" * 101),
    ("debtor.last_name", 7),
    ("debtor.initials", "i" * 21),
    ("debtor.initials", ["A"]),
    ("debtor.prefix", "p" * 21),
    ("debtor.date_of_birth", "2001-02-30"),
    ("debtor.date_of_birth", "02-04-2001"),
    ("debtor.date_of_birth", "2030-01-01"),
    ("debtor.gender", "V"),
    ("debtor.gender", "f"),
    ("debtor.gender", "male"),
    ("debtor.gender", 1),
    ("debtor.bsn", "123456789"),
    ("debtor.bsn", "000000000"),
    ("debtor.bsn", "12345678"),
    ("debtor.bsn", 111222333),
    ("debtor.bsn", "111 222 333"),
    ("debtor.phone", "garbage"),
    ("debtor.phone", "612345678"),
    ("debtor.phone", "06123"),
    ("debtor.phone", 612345678),
    ("debtor.phone", "0691234567"),  # 069: no Dutch mobile range
    ("debtor.email", "not-an-address"),
    ("debtor.email", "a@localhost"),
    ("debtor.email", 5),
    ("debtor.address", DROP),
    ("debtor.address", None),
    ("debtor.address", "Rijnstraat 12"),
    ("debtor.address.postcode", DROP),
    ("debtor.address.postcode", None),
    ("debtor.address.postcode", "3441"),
    ("debtor.address.postcode", "3441-AB"),
    ("debtor.address.postcode", "0441AB"),
    ("debtor.address.postcode", 3441),
    ("debtor.address.house_number", DROP),
    ("debtor.address.house_number", None),
    ("debtor.address.house_number", 0),
    ("debtor.address.house_number", -1),
    ("debtor.address.house_number", 100000),
    ("debtor.address.house_number", "12"),
    ("debtor.address.house_number", 12.0),
    ("debtor.address.house_number", 12.5),
    ("debtor.address.house_number", True),
    ("debtor.address.house_number_suffix", "abcdefghijk"),
    ("debtor.address.house_number_suffix", 2),
    ("debtor.address.street", "s" * 101),
    ("debtor.address.street", 5),
    ("debtor.address.city", "c" * 101),
    ("debtor.address.city", "Woer\tden"),
]


def _loc_of(path: str) -> list[str]:
    return path.split(".")


@pytest.mark.parametrize("path, value", REJECTED,
                         ids=[f"{p}={'DROP' if v is DROP else repr(v)}"[:60] for p, v in REJECTED])
def test_field_rejected_with_its_loc_only(path, value):
    assert locs(body_with({path: value})) == [_loc_of(path)]


def test_required_fields_missing_all_reported():
    details = problems({"debtor": {"address": {}}})
    assert [d["loc"] for d in details] == [
        ["reference"], ["municipality_code"], ["arrears_since"], ["amount"],
        ["debtor", "last_name"], ["debtor", "address", "house_number"],
        ["debtor", "address", "postcode"],
    ]
    assert {d["msg"] for d in details} == {"field required"}


def test_messages_are_clear():
    def msg(path, value, **kw):
        (d,) = problems(body_with({path: value}), **kw)
        return d["msg"]

    assert msg("signal_date", "2026-11-21") == "must not be in the future"
    assert msg("arrears_since", "2026-11-21") == "must not be after signal_date"
    assert msg("amount", 0) == "must be greater than 0"
    assert msg("amount", "1000000.01") == "must be at most 1000000"
    assert msg("amount", "412.555") == "must have at most 2 decimals"
    assert msg("crisis", "true") == "must be true or false"
    assert msg("municipality_code", "GM0999") == "is not a municipality registered in the system"
    assert msg("municipality_code", "GM99") == "must be GM followed by 4 digits"
    assert msg("debtor.bsn", "123456789") == "must be 9 digits passing the eleven test"
    assert msg("supply_ending", True, partner_type="housing") == (
        "may be true only for energy and water partners")
    assert msg("foo", 1) == "unknown field"


# ------------------------------------------------------------------- cross-field rules

def test_arrears_since_compared_to_signal_date_not_today():
    body = body_with({"signal_date": "2026-11-01", "arrears_since": "2026-11-02"})
    assert locs(body) == [["arrears_since"]]
    assert validate(body_with({"signal_date": "2026-11-01", "arrears_since": "2026-11-01"}))


def test_arrears_since_in_future_reported_even_if_signal_date_is_bad():
    body = body_with({"signal_date": "not a date", "arrears_since": "2026-12-01"})
    details = problems(body)
    assert [d["loc"] for d in details] == [["signal_date"], ["arrears_since"]]
    assert details[1]["msg"] == "must not be in the future"


def test_omitted_signal_date_defaults_to_today_for_arrears():
    assert locs(body_with({"signal_date": DROP, "arrears_since": "2026-11-21"})) == [["arrears_since"]]
    s = validate(body_with({"signal_date": DROP, "arrears_since": "2026-11-20"}))
    assert s.signal_date == TODAY


@pytest.mark.parametrize("born, ok", [
    ("2010-11-21", False),  # 15 on signal_date (16 tomorrow)
    ("2010-11-20", True),   # 16 today
    ("1906-11-20", True),   # 120 today
    ("1905-11-21", True),   # still 120 (121 tomorrow)
    ("1905-11-20", False),  # 121
    ("2026-11-20", False),  # 0
    ("2030-01-01", False),  # not yet born
])
def test_age_bounds(born, ok):
    body = body_with({"debtor.date_of_birth": born})
    if ok:
        assert validate(body).debtor.date_of_birth == date.fromisoformat(born)
    else:
        assert locs(body) == [["debtor", "date_of_birth"]]


def test_age_is_taken_on_signal_date_not_today():
    # 16 today, but 15 on the signal date
    body = body_with({"signal_date": "2026-06-01", "arrears_since": "2026-05-01",
                      "debtor.date_of_birth": "2010-11-20"})
    assert locs(body) == [["debtor", "date_of_birth"]]


@pytest.mark.parametrize("signal_date, ok", [("2024-02-28", False), ("2024-02-29", True)])
def test_age_on_leap_day_birthday(signal_date, ok):
    body = body_with({"signal_date": signal_date, "arrears_since": "2024-01-01",
                      "debtor.date_of_birth": "2008-02-29"})
    if ok:
        assert validate(body).debtor.date_of_birth == date(2008, 2, 29)
    else:
        assert locs(body) == [["debtor", "date_of_birth"]]


@pytest.mark.parametrize("partner_type, allowed", [
    ("energy", True), ("water", True), ("housing", False), ("health_insurance", False),
    ("mortgage", False), ("other", False),
])
def test_supply_ending_only_from_energy_and_water(partner_type, allowed):
    body = body_with({"supply_ending": True})
    if allowed:
        assert validate(body, partner_type=partner_type).supply_ending is True
    else:
        assert locs(body, partner_type=partner_type) == [["supply_ending"]]
    # false (or absent) is fine from everyone
    assert validate(body_with({"supply_ending": False}), partner_type=partner_type)
    assert validate(body_with({"supply_ending": DROP}), partner_type=partner_type)


def test_unknown_partner_type_is_a_programming_error():
    with pytest.raises(ValueError):
        validate(valid_body(), partner_type="bank")


def test_municipality_lookup_only_for_well_formed_codes():
    asked = []

    def known(code):
        asked.append(code)
        return True

    for code in ("GM0632", "gm0632", "GM63", 632, None):
        with contextlib.suppress(ValidationFailed):
            validate_signal(body_with({"municipality_code": code}), partner_type="energy",
                            today=TODAY, is_known_municipality=known)
    assert asked == ["GM0632"]


def test_municipality_lookup_failure_is_not_a_validation_error():
    def broken(code):
        raise ValueError("table unavailable")

    with pytest.raises(ValueError, match="table unavailable"):
        validate_signal(valid_body(), partner_type="energy", today=TODAY,
                        is_known_municipality=broken)


# ------------------------------------------------------------- unknown fields, nulls, body

@pytest.mark.parametrize("path, loc", [
    ("refrence", ["refrence"]),
    ("debtor.lastname", ["debtor", "lastname"]),
    ("debtor.address.zip", ["debtor", "address", "zip"]),
])
def test_unknown_field_rejected_with_its_loc(path, loc):
    details = problems(body_with({path: "x"}))
    assert details == [{"loc": loc, "msg": "unknown field"}]


def test_unknown_fields_at_every_level_together():
    body = body_with({"extra": 1, "debtor.extra": None, "debtor.address.extra": {}})
    assert locs(body) == [["extra"], ["debtor", "extra"], ["debtor", "address", "extra"]]


def test_explicit_null_for_every_optional_field_means_absent():
    optional = ["signal_date", "customer_number", "crisis", "warm_transfer", "supply_ending",
                "debtor.initials", "debtor.prefix", "debtor.date_of_birth", "debtor.gender",
                "debtor.bsn", "debtor.phone", "debtor.email",
                "debtor.address.street", "debtor.address.house_number_suffix",
                "debtor.address.city"]
    nulls = validate(body_with({p: None for p in optional}))
    dropped = validate(body_with({p: DROP for p in optional}))
    assert nulls == dropped
    assert content_hash(nulls) == content_hash(dropped)
    record = nulls.to_record()
    assert "customer_number" not in record and "bsn" not in record["debtor"]


@pytest.mark.parametrize("raw", [[], [valid_body()], "text", 12, 1.5, True, None])
def test_body_not_an_object(raw):
    details = problems(raw)
    assert len(details) == 1 and details[0]["loc"] == []


def test_many_failures_reported_together():
    body = body_with({
        "reference": "bad ref",
        "signal_date": "2026-12-01",
        "amount": "0",
        "crisis": "true",
        "unknown": 1,
        "debtor.bsn": "123456789",
        "debtor.phone": "garbage",
        "debtor.address.postcode": "34",
        "debtor.address.house_number": 0,
    })
    assert sorted(locs(body, partner_type="housing")) == sorted([
        ["unknown"], ["reference"], ["signal_date"], ["amount"], ["crisis"],
        ["debtor", "bsn"], ["debtor", "phone"],
        ["debtor", "address", "house_number"], ["debtor", "address", "postcode"],
    ])


def test_field_errors_and_cross_field_errors_together():
    body = body_with({
        "debtor.address.postcode": "nope",
        "arrears_since": "2026-11-15",
        "signal_date": "2026-11-10",           # arrears after signal date
        "supply_ending": True,                  # from housing
        "debtor.date_of_birth": "2015-01-01",   # 11 years old
        "municipality_code": "GM0999",          # unknown
    })
    assert sorted(locs(body, partner_type="housing")) == sorted([
        ["municipality_code"], ["arrears_since"], ["supply_ending"],
        ["debtor", "date_of_birth"], ["debtor", "address", "postcode"],
    ])


def test_bad_postcode_and_future_signal_date_both_reported():
    body = body_with({"debtor.address.postcode": "xx", "signal_date": "2027-01-01"})
    assert locs(body) == [["signal_date"], ["debtor", "address", "postcode"]]


# ------------------------------------------------------------------------- privacy

SECRETS = {
    "debtor.bsn": "987654321",
    "debtor.phone": "+31 99 8877665544",
    "debtor.email": "Geheimzinnig<>@Verborgen.nl",
    "debtor.last_name": "Geheimzinnig" * 9,
    "debtor.initials": "GEHEIMZINNIG" * 2,
    "debtor.address.postcode": "9876 QQQ",
    "debtor.address.street": "Geheimzinnigstraat" * 6,
    "debtor.address.city": "Geheimzinnigstad" * 7,
    "debtor.address.house_number_suffix": "Geheimzinnig",
    "debtor.date_of_birth": "1899-12-31",
    "debtor.gender": "Geheimzinnig",
    "customer_number": "Geheimzinnig" * 4,
}


@pytest.mark.parametrize("path, secret", list(SECRETS.items()))
def test_no_message_contains_the_submitted_value(path, secret):
    with pytest.raises(ValidationFailed) as exc:
        validate(body_with({path: secret}))
    rendered = json.dumps(exc.value.details) + str(exc.value) + repr(exc.value)
    assert exc.value.details[0]["loc"] == _loc_of(path)
    for fragment in (secret, secret[:12], secret.replace(" ", ""), secret.lower()):
        assert fragment not in rendered
    assert "geheimzinnig" not in rendered.lower() and "verborgen" not in rendered.lower()


def test_all_secrets_at_once_never_echoed():
    with pytest.raises(ValidationFailed) as exc:
        validate(body_with(SECRETS))
    rendered = json.dumps(exc.value.details)
    assert len(exc.value.details) == len(SECRETS)
    for secret in SECRETS.values():
        assert secret not in rendered
    assert "geheim" not in rendered.lower() and "987654321" not in rendered


# ----------------------------------------------------------------- record round trip

def test_to_record_is_json_without_floats_or_nones():
    record = validate(valid_body()).to_record()
    text = json.dumps(record)

    def walk(value):
        assert value is not None and not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(record)
    assert record["amount_cents"] == 41250 and record["signal_date"] == "2026-11-20"
    assert record["debtor"]["date_of_birth"] == "2001-04-02"
    assert record["debtor"]["address"]["postcode"] == "3441AB"
    assert json.loads(text) == record


@pytest.mark.parametrize("body", [
    valid_body(),
    body_with({"signal_date": DROP, "crisis": True, "debtor.address.house_number_suffix": DROP,
               "debtor.bsn": DROP, "debtor.email": None, "customer_number": None}),
])
def test_record_round_trip(body):
    s = validate(body)
    assert Signal.from_record(s.to_record()) == s
    assert Signal.from_record(json.loads(json.dumps(s.to_record()))) == s
    assert content_hash(Signal.from_record(s.to_record())) == content_hash(s)


def test_from_record_accepts_decimals_as_boto3_returns_them():
    s = validate(valid_body())
    record = s.to_record()
    record["amount_cents"] = Decimal(record["amount_cents"])
    record["debtor"]["address"]["house_number"] = Decimal(12)
    back = Signal.from_record(record)
    assert back == s and type(back.amount_cents) is int


# --------------------------------------------------------------------- content hash

def _hash(changes=None, today=TODAY, base=None):
    return content_hash(validate(body_with(changes, base), today=today))


SAME = [
    ({"amount": "412.5"}, {"amount": 412.50}),
    ({"amount": "412.50"}, {"amount": 412.5}),
    ({"amount": 412}, {"amount": "412.00"}),
    ({"debtor.address.postcode": "3441 ab"}, {"debtor.address.postcode": "3441AB"}),
    ({"crisis": DROP}, {"crisis": False}),
    ({"warm_transfer": None}, {"warm_transfer": False}),
    ({"supply_ending": DROP}, {"supply_ending": False}),
    ({"debtor.address.house_number_suffix": "bis"}, {"debtor.address.house_number_suffix": " BIS "}),
    ({"debtor.address.house_number_suffix": "  "}, {"debtor.address.house_number_suffix": DROP}),
    ({"debtor.phone": "06-12345678"}, {"debtor.phone": "+31612345678"}),
    ({"debtor.email": DROP}, {"debtor.email": None}),
    ({"debtor.email": "a.vandijk@EXAMPLE.nl"}, {"debtor.email": "a.vandijk@example.nl"}),
]


@pytest.mark.parametrize("left, right", SAME)
def test_content_hash_equal_after_normalisation(left, right):
    assert _hash(left) == _hash(right)


def test_content_hash_ignores_key_order():
    body = valid_body()
    reordered = dict(reversed(list(body.items())))
    reordered["debtor"] = dict(reversed(list(body["debtor"].items())))
    assert content_hash(validate(body)) == content_hash(validate(reordered))


DIFFERENT = [
    ({"amount": "412.50"}, {"amount": "412.51"}),
    ({"crisis": True}, {"crisis": False}),
    ({"debtor.address.house_number": 12}, {"debtor.address.house_number": 13}),
    ({"debtor.address.house_number_suffix": "A"}, {"debtor.address.house_number_suffix": DROP}),
    ({"debtor.last_name": "Dijk"}, {"debtor.last_name": "dijk"}),
    ({"reference": "EN-1"}, {"reference": "EN-2"}),
    ({"customer_number": DROP}, {"customer_number": "1"}),
    ({"arrears_since": "2026-10-01"}, {"arrears_since": "2026-10-02"}),
    ({"signal_date": "2026-11-19"}, {"signal_date": "2026-11-18"}),
]


@pytest.mark.parametrize("left, right", DIFFERENT)
def test_content_hash_differs_on_content(left, right):
    assert _hash(left) != _hash(right)


def test_omitted_signal_date_only_equals_omitted():
    omitted = _hash({"signal_date": DROP})
    assert omitted != _hash({"signal_date": "2026-11-20"})  # equal to today, still differs
    assert omitted == _hash({"signal_date": None})
    # an omitted date sent again on another day is the same content
    assert omitted == _hash({"signal_date": DROP}, today=date(2026, 11, 25))
    # an explicit date is the same whatever today is
    assert _hash({"signal_date": "2026-11-20"}) == _hash({"signal_date": "2026-11-20"},
                                                         today=date(2026, 12, 1))


def test_content_hash_is_sha256_hex():
    h = _hash()
    assert len(h) == 64 and int(h, 16) >= 0


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(1, 100_000_000),
    as_string=st.booleans(),
    postcode_digits=st.integers(1000, 9999),
    letters=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    spaced=st.booleans(),
    lower=st.booleans(),
    crisis=st.sampled_from([True, False, None, DROP]),
    house_number=st.integers(1, 99999),
)
def test_normalisation_properties(cents, as_string, postcode_digits, letters, spaced, lower,
                                  crisis, house_number):
    euros = f"{cents // 100}.{cents % 100:02d}"
    written = f"{postcode_digits}{' ' if spaced else ''}{letters.lower() if lower else letters}"
    s = validate(body_with({
        "amount": euros if as_string else float(euros),
        "debtor.address.postcode": written,
        "crisis": crisis,
        "debtor.address.house_number": house_number,
    }))
    assert s.amount_cents == cents
    assert s.debtor.address.postcode == f"{postcode_digits}{letters}"
    assert Signal.from_record(s.to_record()) == s
    canonical = validate(body_with({
        "amount": euros,
        "debtor.address.postcode": f"{postcode_digits}{letters}",
        "crisis": crisis is True,
        "debtor.address.house_number": house_number,
    }))
    assert content_hash(s) == content_hash(canonical)


# --------------------------------------------------------------------------- batch

@pytest.mark.parametrize("count", [1, 2, 500])
def test_batch_envelope_accepted(count):
    items = [valid_body() for _ in range(count)]
    assert validate_batch_envelope({"signals": items}) is items


@pytest.mark.parametrize("raw, loc", [
    ({"signals": []}, [["signals"]]),
    ({"signals": [{}] * 501}, [["signals"]]),
    ({"signals": {"0": {}}}, [["signals"]]),
    ({"signals": "x"}, [["signals"]]),
    ({"signals": None}, [["signals"]]),
    ({}, [["signals"]]),
    ({"signals": [{}], "extra": 1}, [["extra"]]),
    ({"items": [{}]}, [["items"], ["signals"]]),
    ([{}], [[]]),
    ("signals", [[]]),
    (None, [[]]),
])
def test_batch_envelope_rejected(raw, loc):
    with pytest.raises(ValidationFailed) as exc:
        validate_batch_envelope(raw)
    assert [d["loc"] for d in exc.value.details] == loc


def test_batch_envelope_does_not_validate_items():
    items = [{"nonsense": True}, 5]
    assert validate_batch_envelope({"signals": items}) == items


@pytest.mark.parametrize("raw, expected", [
    ({"reference": "EN-1"}, "EN-1"),
    ({"reference": "bad ref"}, None),
    ({"reference": 5}, None),
    ({}, None),
    ([], None),
])
def test_reference_of(raw, expected):
    assert reference_of(raw) == expected
