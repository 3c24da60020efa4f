"""Normalisation of the debtor's identifying data (signals-api.md).

Every function takes the raw JSON value and returns the normalised value, or
raises ValueError with a message that names the rule, never the value: the
values are debtor data. The message is meant to follow the field name, e.g.
``{"loc": ["debtor", "address", "postcode"], "msg": "must be a Dutch postcode such as 1234AB"}``.

`phonenumbers` and `email_validator` are imported inside the functions that
need them, so importing this module (on the intake Lambda's cold start) costs
nothing but `re`.
"""
from __future__ import annotations

import re

POSTCODE_MSG = "must be a Dutch postcode such as 1234AB"
SUFFIX_MAX = 10
PHONE_MSG = "must be a Dutch (06…, 010-…) or international (+…, 00…) phone number"
BSN_MSG = "must be 9 digits passing the eleven test"
EMAIL_MSG = "must be a valid e-mail address"

# Dutch postcodes run from 1000 to 9999; the letters are A-Z.
_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}", re.ASCII)
_SPACES = re.compile(r"\s+")
# C0 and C1 control characters (tabs, newlines, ...): never part of a name or address.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What a written phone number may contain: digits, a leading +, separators.
_PHONE_CHARS = re.compile(r"\+?[0-9 ()./\-]+", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[ ()./\-]", re.ASCII)
_PHONE_MAX_LEN = 32
_BSN = re.compile(r"[0-9]{9}", re.ASCII)
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_EMAIL_MAX_LEN = 254


def normalise_postcode(value: object) -> str:
    """``"3441 ab"`` -> ``"3441AB"``; spaces and case are ignored."""
    if not isinstance(value, str):
        raise ValueError(POSTCODE_MSG)
    compact = _SPACES.sub("", value).upper()
    if not _POSTCODE.fullmatch(compact):
        raise ValueError(POSTCODE_MSG)
    return compact


def normalise_suffix(value: object) -> str | None:
    """House number suffix: trimmed, empty -> None, at most 10 chars, upper-case."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be a string")
    text = value.strip()
    if not text:
        return None
    if len(text) > SUFFIX_MAX:
        raise ValueError(f"must be at most {SUFFIX_MAX} characters")
    if CONTROL_CHARS.search(text):
        raise ValueError("must not contain control characters")
    return text.upper()


def normalise_phone(value: object) -> str:
    """A Dutch (``06…``, ``010-…``) or international (``+…``, ``00…``) number -> E.164.

    Separators (spaces, ``-``, ``.``, ``/``, parentheses) are ignored, as is the
    Dutch trunk zero written as ``+31 (0)6…``. Anything that is not a valid
    number for its country (per libphonenumber's metadata) is rejected.
    """
    if not isinstance(value, str):
        raise ValueError(PHONE_MSG)
    text = value.strip()
    if len(text) > _PHONE_MAX_LEN or not _PHONE_CHARS.fullmatch(text):
        raise ValueError(PHONE_MSG)
    compact = _PHONE_SEPARATORS.sub("", text)
    if compact.startswith("+"):
        number, region = compact, None
    elif compact.startswith("00"):
        number, region = "+" + compact[2:], None
    elif compact.startswith("0"):
        number, region = compact, "NL"
    else:
        raise ValueError(PHONE_MSG)
    if len(number) < 4:
        raise ValueError(PHONE_MSG)

    import phonenumbers  # lazily: keeps the module's import cheap

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        raise ValueError(PHONE_MSG) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(PHONE_MSG)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def bsn_is_valid(value: object) -> bool:
    """The eleven test (elfproef) of a BSN.

    Nine digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11,
    and not all zeros.
    """
    if not isinstance(value, str) or not _BSN.fullmatch(value):
        return False
    if value == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _BSN_WEIGHTS, strict=True))
    return total % 11 == 0


def normalise_bsn(value: object) -> str:
    """A BSN as a string of 9 digits that passes the eleven test; returned unchanged."""
    if not bsn_is_valid(value):
        raise ValueError(BSN_MSG)
    return value  # type: ignore[return-value]


def normalise_email(value: object) -> str:
    """A syntactically valid e-mail address (no DNS look-up), normalised.

    The domain is lower-cased (and IDNA/Unicode normalised) by email-validator;
    the local part keeps its case. The library's own messages quote parts of
    the address, so they are never passed on.
    """
    if not isinstance(value, str):
        raise ValueError(EMAIL_MSG)
    text = value.strip()
    if not text or len(text) > _EMAIL_MAX_LEN:
        raise ValueError(EMAIL_MSG)

    from email_validator import EmailNotValidError, validate_email  # lazily

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(EMAIL_MSG) from None
    return result.normalized
