"""Money is held as integer cents, never as a float."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_euros(value: object) -> int:
    """Euros as a string or number -> integer cents.

    Raises ValueError with a message fit for a client when the value is not an
    amount with at most two decimals. Floats are read through their shortest
    repr, so 412.5 is 41250 cents and 0.1 is 10 cents.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("must be an amount in euros, as a string or a number")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be an amount in euros such as \"412.50\"") from None
    if not amount.is_finite():
        raise ValueError("must be a finite amount")
    exponent = amount.as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValueError("must have at most 2 decimals")
    return int((amount * 100).to_integral_value())


def format_cents(cents: int) -> str:
    """Integer cents -> "1912.50", the API's money format."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def euros(cents: int) -> float:
    """Cents -> euros for comparisons in criteria (exact for two decimals)."""
    return cents / 100
