"""Facts of a case: the values the afwegingskader's conditions look at.

criteria.md, "Facts": every fact is computed over all signals of the case.
The reference date is the latest `signal_date`, the latest signal the one with
the latest `signal_date` (on a tie, the last to arrive), so a case's facts
depend only on its signals and the criteria.

Amounts are integer cents here (`amount_cents`, ...); the mapping interface
(`facts["amount"]`) gives them as exact `Decimal` euros, as the criteria speak
euros. Nothing here is a float.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vroegsignaal.domain.money import format_cents

# fact name -> type (criteria.md). Types: integer, number (euros), boolean,
# string, partner_type, partner_types (a list of partner types).
FACT_TYPES: dict[str, str] = {
    "age": "integer",
    "signal_count": "integer",
    "partner_count": "integer",
    "partner_types": "partner_types",
    "partner_type": "partner_type",
    "amount": "number",
    "total_amount": "number",
    "max_amount": "number",
    "days_in_arrears": "integer",
    "high_amount": "boolean",
    "repeat": "boolean",
    "crisis": "boolean",
    "warm_transfer": "boolean",
    "supply_ending": "boolean",
    "postcode": "string",
    "has_phone": "boolean",
    "has_email": "boolean",
}
# Amount facts are held as cents under these attribute names.
AMOUNT_ATTRS: dict[str, str] = {
    "amount": "amount_cents",
    "total_amount": "total_amount_cents",
    "max_amount": "max_amount_cents",
}
# fact name -> attribute of Facts
FACT_ATTRS: dict[str, str] = {name: AMOUNT_ATTRS.get(name, name) for name in FACT_TYPES}


@dataclass(frozen=True, slots=True)
class SignalFacts:
    """What the engine needs of one signal of a case (no debtor data beyond it)."""

    partner_id: str
    partner_type: str
    signal_date: date
    arrears_since: date
    amount_cents: int
    crisis: bool = False
    warm_transfer: bool = False
    supply_ending: bool = False
    date_of_birth: date | None = None
    has_phone: bool = False
    has_email: bool = False
    # Sortable arrival key (e.g. "<received_at>#<signal_id>"): on equal
    # signal_dates the signal with the greatest key is the latest.
    arrival: str = ""


class Facts(Mapping):
    """The facts of one case. Read-only by convention.

    Attributes hold the values (amounts as cents in `amount_cents`,
    `total_amount_cents`, `max_amount_cents`; `partner_types` a sorted tuple;
    `None` where a fact has no value). As a mapping, keys are the fact names
    of criteria.md and amounts are `Decimal` euros. `to_json()` gives the
    JSON form stored with a classification (amounts as "310.00").
    `high_amount_trigger` is `(partner_type, amount_cents, threshold_text)` of
    the signal that made `high_amount` true, or None.
    """

    __slots__ = (
        "age", "signal_count", "partner_count", "partner_types", "partner_type",
        "amount_cents", "total_amount_cents", "max_amount_cents", "days_in_arrears",
        "high_amount", "repeat", "crisis", "warm_transfer", "supply_ending",
        "postcode", "has_phone", "has_email", "high_amount_trigger",
    )

    def __init__(
        self,
        *,
        age: int | None = None,
        signal_count: int | None = None,
        partner_count: int | None = None,
        partner_types: Sequence[str] | None = None,
        partner_type: str | None = None,
        amount_cents: int | None = None,
        total_amount_cents: int | None = None,
        max_amount_cents: int | None = None,
        days_in_arrears: int | None = None,
        high_amount: bool | None = None,
        repeat: bool | None = None,
        crisis: bool | None = None,
        warm_transfer: bool | None = None,
        supply_ending: bool | None = None,
        postcode: str | None = None,
        has_phone: bool | None = None,
        has_email: bool | None = None,
        high_amount_trigger: tuple[str, int, str] | None = None,
    ):
        self.age = age
        self.signal_count = signal_count
        self.partner_count = partner_count
        self.partner_types = None if partner_types is None else tuple(sorted(set(partner_types)))
        self.partner_type = partner_type
        self.amount_cents = amount_cents
        self.total_amount_cents = total_amount_cents
        self.max_amount_cents = max_amount_cents
        self.days_in_arrears = days_in_arrears
        self.high_amount = high_amount
        self.repeat = repeat
        self.crisis = crisis
        self.warm_transfer = warm_transfer
        self.supply_ending = supply_ending
        self.postcode = postcode
        self.has_phone = has_phone
        self.has_email = has_email
        self.high_amount_trigger = high_amount_trigger

    # -- mapping interface: fact name -> value (amounts as Decimal euros)
    def __getitem__(self, name: str):
        attr = FACT_ATTRS.get(name)
        if attr is None:
            raise KeyError(name)
        value = getattr(self, attr)
        if value is None:
            return None
        if name in AMOUNT_ATTRS:
            return Decimal(value) / 100
        if name == "partner_types":
            return list(value)
        return value

    def __iter__(self):
        return iter(FACT_TYPES)

    def __len__(self) -> int:
        return len(FACT_TYPES)

    def __repr__(self) -> str:
        return f"Facts({self.to_json()!r})"

    def to_json(self) -> dict:
        """The facts as JSON: amounts as strings with two decimals, no floats."""
        amount, total, largest = self.amount_cents, self.total_amount_cents, self.max_amount_cents
        types = self.partner_types
        return {
            "age": self.age,
            "signal_count": self.signal_count,
            "partner_count": self.partner_count,
            "partner_types": None if types is None else list(types),
            "partner_type": self.partner_type,
            "amount": None if amount is None else format_cents(amount),
            "total_amount": None if total is None else format_cents(total),
            "max_amount": None if largest is None else format_cents(largest),
            "days_in_arrears": self.days_in_arrears,
            "high_amount": self.high_amount,
            "repeat": self.repeat,
            "crisis": self.crisis,
            "warm_transfer": self.warm_transfer,
            "supply_ending": self.supply_ending,
            "postcode": self.postcode,
            "has_phone": self.has_phone,
            "has_email": self.has_email,
        }


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date. Born on 29 February: a year older on
    1 March in a common year (the birthday has not passed on 28 February)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def _latest_key(signal: SignalFacts):
    return (signal.signal_date, signal.arrival)


def compute_facts(
    signals: Sequence[SignalFacts],
    *,
    postcode: str,
    case_start: date,
    earlier_case_starts: Sequence[date] = (),
    settings,
) -> Facts:
    """The facts of a case (criteria.md, "Facts").

    `signals`: all signals of the case (at least one). `case_start`: the
    case's start date (its earliest signal_date). `earlier_case_starts`: the
    start dates of the household's other cases, open or closed (any order;
    only those earlier than `case_start` by at most
    `settings.repeat_lookback_days` make `repeat` true). `settings`: the
    criteria's `Settings` (`Criteria.settings`).
    """
    if not signals:
        raise ValueError("a case has at least one signal")
    latest = max(signals, key=_latest_key)
    reference = latest.signal_date

    age = None
    for signal in signals:
        if signal.date_of_birth is not None:
            years = age_on(signal.date_of_birth, reference)
            if age is None or years < age:
                age = years

    threshold = settings.high_amount_threshold
    trigger = None
    trigger_key = None
    total = 0
    largest = None
    longest = None
    crisis = warm = supply = phone = email = False
    for signal in signals:
        cents = signal.amount_cents
        total += cents
        if largest is None or cents > largest:
            largest = cents
        days = (reference - signal.arrears_since).days
        if longest is None or days > longest:
            longest = days
        limit_cents, limit_text = threshold(signal.partner_type)
        if cents >= limit_cents:
            key = _latest_key(signal)
            if trigger_key is None or key > trigger_key:
                trigger_key = key
                trigger = (signal.partner_type, cents, limit_text)
        crisis = crisis or bool(signal.crisis)
        warm = warm or bool(signal.warm_transfer)
        supply = supply or bool(signal.supply_ending)
        phone = phone or bool(signal.has_phone)
        email = email or bool(signal.has_email)

    lookback = settings.repeat_lookback_days
    earliest = case_start - timedelta(days=lookback)
    repeat = any(earliest <= start < case_start for start in earlier_case_starts)

    return Facts(
        age=age,
        signal_count=len(signals),
        partner_count=len({s.partner_id for s in signals}),
        partner_types=[s.partner_type for s in signals],
        partner_type=latest.partner_type,
        amount_cents=latest.amount_cents,
        total_amount_cents=total,
        max_amount_cents=largest,
        days_in_arrears=longest,
        high_amount=trigger is not None,
        repeat=repeat,
        crisis=crisis,
        warm_transfer=warm,
        supply_ending=supply,
        postcode=postcode,
        has_phone=phone,
        has_email=email,
        high_amount_trigger=trigger,
    )
