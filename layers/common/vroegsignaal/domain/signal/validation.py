"""`validate_signal`: a parsed ``POST /signals`` body -> a `Signal`, or
`ValidationFailed` with every problem at once (field rules and the cross-field
rules on dates, age and ``supply_ending`` reported together).

Plain Python rather than a pydantic model: every message is ours, and the
intake Lambda's cold start does not pay for importing pydantic.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import ValidationFailed
from ..normalise import normalise_bsn, normalise_email, normalise_phone, normalise_postcode, normalise_suffix
from ..partners import PARTNER_TYPES, SUPPLY_ENDING_TYPES
from . import fields
from .fields import BAD, MAX_AMOUNT_CENTS, Loc, Problems, field, unknown_fields
from .model import Address, Debtor, Signal

__all__ = ["MAX_AMOUNT_CENTS", "validate_signal"]

MIN_AGE, MAX_AGE = 16, 120

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
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add((), "the body must be a JSON object")
        raise ValidationFailed(problems.details)

    top: Loc = ()
    unknown_fields(raw, _TOP_FIELDS, top, problems)

    reference = field(raw, "reference", top, problems, fields.reference, required=True)

    municipality_code = field(raw, "municipality_code", top, problems, fields.municipality_code, required=True)
    # Asked outside field(), so an exception of the look-up is never a 422.
    if municipality_code is not BAD and not is_known_municipality(municipality_code):
        problems.add(("municipality_code",), "is not a municipality registered in the system")
        municipality_code = BAD

    def signal_date_rule(value: Any) -> date:
        day = fields.iso_date(value)
        if day > today:
            raise ValueError("must not be in the future")
        return day

    signal_date = field(raw, "signal_date", top, problems, signal_date_rule)
    signal_date_given = signal_date is not None
    if signal_date is None:
        signal_date = today

    def arrears_rule(value: Any) -> date:
        day = fields.iso_date(value)
        if signal_date is not BAD:
            if day > signal_date:
                raise ValueError("must not be after signal_date")
        elif day > today:
            raise ValueError("must not be in the future")
        return day

    arrears_since = field(raw, "arrears_since", top, problems, arrears_rule, required=True)
    amount_cents = field(raw, "amount", top, problems, fields.amount, required=True)
    customer_number = field(raw, "customer_number", top, problems, fields.text(40))
    crisis = field(raw, "crisis", top, problems, fields.boolean)
    warm_transfer = field(raw, "warm_transfer", top, problems, fields.boolean)

    def supply_ending_rule(value: Any) -> bool:
        flag = fields.boolean(value)
        if flag and partner_type not in SUPPLY_ENDING_TYPES:
            raise ValueError("may be true only for energy and water partners")
        return flag

    supply_ending = field(raw, "supply_ending", top, problems, supply_ending_rule)

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


def _debtor(raw: dict[str, Any], problems: Problems, signal_date: Any) -> Any:
    obj = field(raw, "debtor", (), problems, fields.json_object, required=True)
    if obj is BAD:
        return BAD
    loc: Loc = ("debtor",)
    unknown_fields(obj, _DEBTOR_FIELDS, loc, problems)

    def birth_rule(value: Any) -> date:
        born = fields.iso_date(value)
        if signal_date is not BAD and not MIN_AGE <= _age_on(born, signal_date) <= MAX_AGE:
            raise ValueError(f"the debtor must be {MIN_AGE} to {MAX_AGE} years old on signal_date")
        return born

    initials = field(obj, "initials", loc, problems, fields.text(20))
    prefix = field(obj, "prefix", loc, problems, fields.text(20))
    last_name = field(obj, "last_name", loc, problems, fields.text(100, min_len=1), required=True)
    date_of_birth = field(obj, "date_of_birth", loc, problems, birth_rule)
    gender = field(obj, "gender", loc, problems, fields.gender)
    bsn = field(obj, "bsn", loc, problems, normalise_bsn)
    phone = field(obj, "phone", loc, problems, normalise_phone)
    email = field(obj, "email", loc, problems, normalise_email)
    address = _address(obj, problems)
    if problems.details:
        return BAD
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


def _address(debtor: dict[str, Any], problems: Problems) -> Any:
    obj = field(debtor, "address", ("debtor",), problems, fields.json_object, required=True)
    if obj is BAD:
        return BAD
    loc: Loc = ("debtor", "address")
    unknown_fields(obj, _ADDRESS_FIELDS, loc, problems)
    street = field(obj, "street", loc, problems, fields.text(100))
    house_number = field(obj, "house_number", loc, problems, fields.house_number, required=True)
    suffix = field(obj, "house_number_suffix", loc, problems, normalise_suffix)
    postcode = field(obj, "postcode", loc, problems, normalise_postcode, required=True)
    city = field(obj, "city", loc, problems, fields.text(100))
    if problems.details:
        return BAD
    return Address(
        street=street,
        house_number=house_number,
        house_number_suffix=suffix,
        postcode=postcode,
        city=city,
    )
