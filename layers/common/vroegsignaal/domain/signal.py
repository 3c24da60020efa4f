"""A partner's signal: validation, normalisation, storage form and content hash.

`validate_signal` checks a parsed JSON body against the field table of
signals-api.md (``POST /signals``) and returns an immutable, normalised
`Signal`, or raises `ValidationFailed` naming every failing field at once:
field rules and cross-field rules (dates, age, ``supply_ending``) are reported
together. Messages name the rule, never the submitted value.

The checks are plain Python rather than a pydantic model: JSON types are
taken strictly (``"true"`` is not a boolean, ``"12"`` is not a house number,
``1700000000`` is not a date), every message is ours, and the intake Lambda's
cold start does not pay for importing pydantic.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import ValidationFailed
from .json_numbers import NumberLiteral, OversizedInteger
from .money import parse_euros
from .normalise import (
    CONTROL_CHARS,
    normalise_bsn,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_suffix,
)
from .partners import PARTNER_TYPES, SUPPLY_ENDING_TYPES

__all__ = [
    "Address",
    "Debtor",
    "Signal",
    "validate_signal",
    "validate_batch_envelope",
    "content_hash",
    "debtor_display_name",
    "reference_of",
    "MAX_AMOUNT_CENTS",
    "BATCH_MAX",
]

MAX_AMOUNT_CENTS = 100_000_000  # 1 000 000 euros
MIN_AGE, MAX_AGE = 16, 120
BATCH_MAX = 500
HOUSE_NUMBER_MAX = 99_999
_HASH_VERSION = "signal-v1"

_REFERENCE = re.compile(r"[A-Za-z0-9._:\-]{1,64}", re.ASCII)
_MUNICIPALITY_CODE = re.compile(r"GM[0-9]{4}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Amounts given as strings: plain decimal notation only. (No exponents: the
# Decimal of "1e999999999" would make a billion-digit integer.)
_AMOUNT_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,12})?", re.ASCII)

_TOP_FIELDS = frozenset({
    "reference", "municipality_code", "signal_date", "arrears_since", "amount",
    "customer_number", "crisis", "warm_transfer", "supply_ending", "debtor",
})
_DEBTOR_FIELDS = frozenset({
    "initials", "prefix", "last_name", "date_of_birth", "gender", "bsn", "phone",
    "email", "address",
})
_ADDRESS_FIELDS = frozenset({
    "street", "house_number", "house_number_suffix", "postcode", "city",
})
_GENDERS = ("M", "F", "X")
# A lone UTF-16 surrogate (JSON "\ud800") is a str in Python but no UTF-8 text:
# it could be neither hashed nor stored.
_SURROGATE = re.compile("[\ud800-\udfff]")


# --------------------------------------------------------------------- model

@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Address:
    house_number: int
    postcode: str  # "1234AB"
    house_number_suffix: str | None = None  # upper-case
    street: str | None = None
    city: str | None = None

    def __repr__(self) -> str:  # debtor data stays out of logs and tracebacks
        return "Address(<personal data>)"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Debtor:
    last_name: str
    address: Address
    initials: str | None = None
    prefix: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None  # "M", "F" or "X"
    bsn: str | None = None
    phone: str | None = None  # E.164
    email: str | None = None

    def __repr__(self) -> str:
        return "Debtor(<personal data>)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Signal:
    """A validated, normalised signal, as the intake stores it."""

    reference: str
    municipality_code: str
    signal_date: date
    signal_date_given: bool  # False: the partner omitted it and it is today
    arrears_since: date
    amount_cents: int
    debtor: Debtor
    customer_number: str | None = None
    crisis: bool = False
    warm_transfer: bool = False
    supply_ending: bool = False

    def to_record(self) -> dict[str, Any]:
        """A JSON-able dict: dates as ISO strings, money as int cents, no floats,
        None left out. `Signal.from_record` reads it back exactly."""
        d, a = self.debtor, self.debtor.address
        address = _without_none({
            "street": a.street,
            "house_number": a.house_number,
            "house_number_suffix": a.house_number_suffix,
            "postcode": a.postcode,
            "city": a.city,
        })
        debtor = _without_none({
            "initials": d.initials,
            "prefix": d.prefix,
            "last_name": d.last_name,
            "date_of_birth": d.date_of_birth.isoformat() if d.date_of_birth else None,
            "gender": d.gender,
            "bsn": d.bsn,
            "phone": d.phone,
            "email": d.email,
            "address": address,
        })
        return _without_none({
            "reference": self.reference,
            "municipality_code": self.municipality_code,
            "signal_date": self.signal_date.isoformat(),
            "signal_date_given": self.signal_date_given,
            "arrears_since": self.arrears_since.isoformat(),
            "amount_cents": self.amount_cents,
            "customer_number": self.customer_number,
            "crisis": self.crisis,
            "warm_transfer": self.warm_transfer,
            "supply_ending": self.supply_ending,
            "debtor": debtor,
        })

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Signal":
        """The inverse of `to_record`. Integers may come back as Decimal (boto3)."""
        d = record["debtor"]
        a = d["address"]
        dob = d.get("date_of_birth")
        return cls(
            reference=record["reference"],
            municipality_code=record["municipality_code"],
            signal_date=date.fromisoformat(record["signal_date"]),
            signal_date_given=bool(record["signal_date_given"]),
            arrears_since=date.fromisoformat(record["arrears_since"]),
            amount_cents=int(record["amount_cents"]),
            customer_number=record.get("customer_number"),
            crisis=bool(record.get("crisis", False)),
            warm_transfer=bool(record.get("warm_transfer", False)),
            supply_ending=bool(record.get("supply_ending", False)),
            debtor=Debtor(
                initials=d.get("initials"),
                prefix=d.get("prefix"),
                last_name=d["last_name"],
                date_of_birth=date.fromisoformat(dob) if dob is not None else None,
                gender=d.get("gender"),
                bsn=d.get("bsn"),
                phone=d.get("phone"),
                email=d.get("email"),
                address=Address(
                    street=a.get("street"),
                    house_number=int(a["house_number"]),
                    house_number_suffix=a.get("house_number_suffix"),
                    postcode=a["postcode"],
                    city=a.get("city"),
                ),
            ),
        )


def _without_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def content_hash(signal: Signal) -> str:
    """sha256 hex of the normalised content, for telling a replay from a conflict.

    Equal for ``"412.5"`` / ``412.50``, ``"3441 ab"`` / ``"3441AB"``, an omitted
    flag / ``false``. An omitted signal_date hashes as "omitted" (whatever day
    it was defaulted to), so it only equals another omitted one.
    """
    record = signal.to_record()
    if not signal.signal_date_given:
        del record["signal_date"]  # "signal_date_given": false is the marker
    canonical = json.dumps(
        [_HASH_VERSION, record], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def debtor_display_name(signal: Signal) -> str:
    """``"A.B. van Dijk"``: initials, prefix and last name, those present."""
    d = signal.debtor
    return " ".join(part for part in (d.initials, d.prefix, d.last_name) if part)


def is_reference(text: object) -> bool:
    """A well-formed reference: 1-64 of A-Z a-z 0-9 . _ : -"""
    return isinstance(text, str) and _REFERENCE.fullmatch(text) is not None


def reference_of(raw: object) -> str | None:
    """The body's reference if it is a well-formed one, else None (batch results)."""
    ref = raw.get("reference") if isinstance(raw, dict) else None
    return ref if is_reference(ref) else None


# ---------------------------------------------------------------- validation

_BAD = object()  # the field was present but invalid: skip rules that need it


class _Problems:
    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, loc: tuple, msg: str) -> None:
        self.details.append({"loc": [str(part) for part in loc], "msg": msg})


def _field(
    obj: dict,
    name: str,
    loc: tuple,
    problems: _Problems,
    parse: Callable[[Any], Any],
    *,
    required: bool = False,
) -> Any:
    """Parse obj[name]: the value, None when absent/null (optional), or _BAD."""
    value = obj.get(name)
    if value is None:
        if required:
            problems.add(loc + (name,), "field required")
            return _BAD
        return None
    if isinstance(value, str) and _SURROGATE.search(value):
        problems.add(loc + (name,), "must be valid Unicode text (it holds an unpaired surrogate)")
        return _BAD
    try:
        return parse(value)
    except ValueError as exc:  # our parsers' messages never carry the value
        problems.add(loc + (name,), str(exc))
        return _BAD


def _unknown_fields(obj: dict, allowed: frozenset, loc: tuple, problems: _Problems) -> None:
    for key in obj:
        if key not in allowed:
            problems.add(loc + (key,), "unknown field")


def _object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("must be an object")
    return value


def _text(max_len: int, *, min_len: int = 0) -> Callable[[Any], str | None]:
    """Free text: trimmed, NFC, no control characters; empty means absent."""

    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        text = unicodedata.normalize("NFC", value.strip())
        if len(text) < min_len:
            raise ValueError("must not be empty")
        if len(text) > max_len:
            raise ValueError(f"must be at most {max_len} characters")
        if CONTROL_CHARS.search(text):
            raise ValueError("must not contain control characters")
        return text or None

    return parse


def _reference(value: Any) -> str:
    if not isinstance(value, str) or not _REFERENCE.fullmatch(value):
        raise ValueError("must be 1-64 characters of A-Z a-z 0-9 . _ : -")
    return value


def _municipality_code(value: Any) -> str:
    if not isinstance(value, str) or not _MUNICIPALITY_CODE.fullmatch(value):
        raise ValueError("must be GM followed by 4 digits")
    return value


def _iso_date(value: Any) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # its message quotes the value
    raise ValueError("must be a date in the format YYYY-MM-DD")


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _amount(value: Any) -> int:
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT_TEXT.fullmatch(text):
            raise ValueError('must be an amount in euros such as "412.50"')
        value = text
    elif isinstance(value, OversizedInteger):
        raise ValueError("must be at most 1000000")
    elif isinstance(value, NumberLiteral):
        if value.has_exponent:
            raise ValueError("must be a plain decimal number such as 412.50 (no exponent)")
        value = value.text  # as written: 412.50 has two decimals, whatever the float's repr
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        # decided before parse_euros makes a string of a huge integer
        raise ValueError("must be greater than 0" if value < 0 else "must be at most 1000000")
    cents = parse_euros(value)  # rejects booleans and other types
    if cents <= 0:
        raise ValueError("must be greater than 0")
    if cents > MAX_AMOUNT_CENTS:
        raise ValueError("must be at most 1000000")
    return cents


def _house_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    if not 1 <= value <= HOUSE_NUMBER_MAX:
        raise ValueError(f"must be between 1 and {HOUSE_NUMBER_MAX}")
    return value


def _gender(value: Any) -> str:
    if value not in _GENDERS or not isinstance(value, str):
        raise ValueError("must be M, F or X")
    return value


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def validate_signal(
    raw: object,
    *,
    partner_type: str,
    today: date,
    is_known_municipality: Callable[[str], bool],
) -> Signal:
    """Validate and normalise one signal body (``POST /signals``).

    `partner_type` comes from the API key; `today` is the date in
    Europe/Amsterdam (`clock.today()`); `is_known_municipality(code)` is asked
    only for a well-formed code. Raises ValidationFailed with every problem.
    """
    if partner_type not in PARTNER_TYPES:
        raise ValueError("unknown partner type")  # a bug in the caller, not the body
    problems = _Problems()
    if not isinstance(raw, dict):
        problems.add((), "the body must be a JSON object")
        raise ValidationFailed(problems.details)

    top: tuple = ()
    _unknown_fields(raw, _TOP_FIELDS, top, problems)

    reference = _field(raw, "reference", top, problems, _reference, required=True)

    municipality_code = _field(
        raw, "municipality_code", top, problems, _municipality_code, required=True
    )
    # Asked outside _field, so an exception of the look-up is never a 422.
    if municipality_code is not _BAD and not is_known_municipality(municipality_code):
        problems.add(("municipality_code",), "is not a municipality registered in the system")
        municipality_code = _BAD

    def signal_date_rule(value: Any) -> date:
        day = _iso_date(value)
        if day > today:
            raise ValueError("must not be in the future")
        return day

    signal_date = _field(raw, "signal_date", top, problems, signal_date_rule)
    signal_date_given = signal_date is not None
    if signal_date is None:
        signal_date = today

    def arrears_rule(value: Any) -> date:
        day = _iso_date(value)
        if signal_date is not _BAD:
            if day > signal_date:
                raise ValueError("must not be after signal_date")
        elif day > today:
            raise ValueError("must not be in the future")
        return day

    arrears_since = _field(raw, "arrears_since", top, problems, arrears_rule, required=True)
    amount_cents = _field(raw, "amount", top, problems, _amount, required=True)
    customer_number = _field(raw, "customer_number", top, problems, _text(40))
    crisis = _field(raw, "crisis", top, problems, _boolean)
    warm_transfer = _field(raw, "warm_transfer", top, problems, _boolean)

    def supply_ending_rule(value: Any) -> bool:
        flag = _boolean(value)
        if flag and partner_type not in SUPPLY_ENDING_TYPES:
            raise ValueError("may be true only for energy and water partners")
        return flag

    supply_ending = _field(raw, "supply_ending", top, problems, supply_ending_rule)

    debtor = _debtor(raw, problems, signal_date)

    if problems.details:
        raise ValidationFailed(problems.details)
    return Signal(
        reference=reference,
        municipality_code=municipality_code,
        signal_date=signal_date,
        signal_date_given=signal_date_given,
        arrears_since=arrears_since,
        amount_cents=amount_cents,
        customer_number=customer_number,
        crisis=bool(crisis),
        warm_transfer=bool(warm_transfer),
        supply_ending=bool(supply_ending),
        debtor=debtor,
    )


def _debtor(raw: dict, problems: _Problems, signal_date: Any) -> Any:
    obj = _field(raw, "debtor", (), problems, _object, required=True)
    if obj is _BAD:
        return _BAD
    loc = ("debtor",)
    _unknown_fields(obj, _DEBTOR_FIELDS, loc, problems)

    def birth_rule(value: Any) -> date:
        born = _iso_date(value)
        if signal_date is not _BAD and not MIN_AGE <= _age_on(born, signal_date) <= MAX_AGE:
            raise ValueError(
                f"the debtor must be {MIN_AGE} to {MAX_AGE} years old on signal_date"
            )
        return born

    initials = _field(obj, "initials", loc, problems, _text(20))
    prefix = _field(obj, "prefix", loc, problems, _text(20))
    last_name = _field(obj, "last_name", loc, problems, _text(100, min_len=1), required=True)
    date_of_birth = _field(obj, "date_of_birth", loc, problems, birth_rule)
    gender = _field(obj, "gender", loc, problems, _gender)
    bsn = _field(obj, "bsn", loc, problems, normalise_bsn)
    phone = _field(obj, "phone", loc, problems, normalise_phone)
    email = _field(obj, "email", loc, problems, normalise_email)
    address = _address(obj, problems)
    if problems.details:
        return _BAD
    return Debtor(
        initials=initials,
        prefix=prefix,
        last_name=last_name,
        date_of_birth=date_of_birth,
        gender=gender,
        bsn=bsn,
        phone=phone,
        email=email,
        address=address,
    )


def _address(debtor: dict, problems: _Problems) -> Any:
    obj = _field(debtor, "address", ("debtor",), problems, _object, required=True)
    if obj is _BAD:
        return _BAD
    loc = ("debtor", "address")
    _unknown_fields(obj, _ADDRESS_FIELDS, loc, problems)
    street = _field(obj, "street", loc, problems, _text(100))
    house_number = _field(obj, "house_number", loc, problems, _house_number, required=True)
    suffix = _field(obj, "house_number_suffix", loc, problems, normalise_suffix)
    postcode = _field(obj, "postcode", loc, problems, normalise_postcode, required=True)
    city = _field(obj, "city", loc, problems, _text(100))
    if problems.details:
        return _BAD
    return Address(
        street=street,
        house_number=house_number,
        house_number_suffix=suffix,
        postcode=postcode,
        city=city,
    )


def validate_batch_envelope(raw: object) -> list:
    """``POST /signals/batch``: the body must be exactly ``{"signals": [...]}``
    with 1-500 items. Returns the list; each item is validated on its own."""
    problems = _Problems()
    if not isinstance(raw, dict):
        problems.add((), 'the body must be a JSON object {"signals": [...]}')
        raise ValidationFailed(problems.details)
    _unknown_fields(raw, frozenset({"signals"}), (), problems)
    signals = raw.get("signals")
    if "signals" not in raw:
        problems.add(("signals",), "field required")
    elif not isinstance(signals, list):
        problems.add(("signals",), "must be a list")
    elif not signals:
        problems.add(("signals",), "must hold at least 1 signal")
    elif len(signals) > BATCH_MAX:
        problems.add(("signals",), f"must hold at most {BATCH_MAX} signals")
    if problems.details:
        raise ValidationFailed(problems.details)
    return signals
