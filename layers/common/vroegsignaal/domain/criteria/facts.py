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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

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


@dataclass(frozen=True, slots=True)
class Facts(Mapping[str, Any]):
    """The facts of one case.

    Attributes hold the values (amounts as cents in `amount_cents`,
    `total_amount_cents`, `max_amount_cents`; `partner_types` a sorted tuple;
    `None` where a fact has no value). As a mapping, keys are the fact names
    of criteria.md and amounts are `Decimal` euros. `to_json()` gives the
    JSON form stored with a classification (amounts as "310.00").
    `high_amount_trigger` is `(partner_type, amount_cents, threshold_text)` of
    the signal that made `high_amount` true, or None.

    A new fact: its name and type in FACT_TYPES, its attribute here, and its
    value in `SignalAggregate.facts` (plus what the aggregate must keep for it).
    """

    age: int | None = None
    signal_count: int | None = None
    partner_count: int | None = None
    partner_types: Sequence[str] | None = None
    partner_type: str | None = None
    amount_cents: int | None = None
    total_amount_cents: int | None = None
    max_amount_cents: int | None = None
    days_in_arrears: int | None = None
    high_amount: bool | None = None
    repeat: bool | None = None
    crisis: bool | None = None
    warm_transfer: bool | None = None
    supply_ending: bool | None = None
    postcode: str | None = None
    has_phone: bool | None = None
    has_email: bool | None = None
    high_amount_trigger: tuple[str, int, str] | None = None

    def __post_init__(self) -> None:
        if self.partner_types is not None:
            object.__setattr__(self, "partner_types", tuple(sorted(set(self.partner_types))))

    # -- mapping interface: fact name -> value (amounts as Decimal euros)
    def __getitem__(self, name: str) -> Any:
        attr = FACT_ATTRS.get(name)
        if attr is None:
            raise KeyError(name)
        value = getattr(self, attr)
        if value is None:
            return None
        if name in AMOUNT_ATTRS:
            return Decimal(value) / 100
        if isinstance(value, tuple):
            return list(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(FACT_TYPES)

    def __len__(self) -> int:
        return len(FACT_TYPES)

    def __repr__(self) -> str:
        return f"Facts({self.to_json()!r})"

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON: amounts as strings with two decimals, no floats."""
        out: dict[str, Any] = {}
        for name, attr in FACT_ATTRS.items():
            value = getattr(self, attr)
            if value is not None and name in AMOUNT_ATTRS:
                value = format_cents(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date. Born on 29 February: a year older on
    1 March in a common year (the birthday has not passed on 28 February)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


class _Settings(Protocol):
    """What the facts need of the criteria's Settings."""

    @property
    def repeat_lookback_days(self) -> int: ...

    def high_amount_threshold(self, partner_type: str) -> tuple[int, str]: ...


# Per partner type, the signals that can be the latest at or above some
# threshold (none later is as large); at most this many are kept, dropping the
# smallest, so a trigger is then a true but not necessarily the latest one.
FRONTIER_MAX = 32


@dataclass(slots=True)
class SignalAggregate:
    """What the facts need of a case's signals, kept up to date one signal at a
    time, so a case never has to hold (or re-read) every signal it ever got.
    Its size grows with the partners of the case, not with its signals."""

    signal_count: int = 0
    partner_ids: set[str] = field(default_factory=set)
    partner_types: set[str] = field(default_factory=set)
    total_amount_cents: int = 0
    max_amount_cents: int | None = None
    latest_key: tuple[date, str] | None = None  # (signal_date, arrival) of the latest signal
    latest_partner_type: str | None = None
    latest_amount_cents: int | None = None
    earliest_arrears_since: date | None = None
    youngest_date_of_birth: date | None = None
    crisis: bool = False
    warm_transfer: bool = False
    supply_ending: bool = False
    has_phone: bool = False
    has_email: bool = False
    # partner_type -> [(signal_date, arrival, cents)], by key ascending, cents descending
    frontier: dict[str, list[tuple[date, str, int]]] = field(default_factory=dict)

    def add(self, signal: SignalFacts) -> None:
        key = (signal.signal_date, signal.arrival)
        cents = signal.amount_cents
        self.signal_count += 1
        self.partner_ids.add(signal.partner_id)
        self.partner_types.add(signal.partner_type)
        self.total_amount_cents += cents
        self.max_amount_cents = cents if self.max_amount_cents is None else max(self.max_amount_cents, cents)
        if self.latest_key is None or key > self.latest_key:
            self.latest_key, self.latest_partner_type, self.latest_amount_cents = key, signal.partner_type, cents
        if self.earliest_arrears_since is None or signal.arrears_since < self.earliest_arrears_since:
            self.earliest_arrears_since = signal.arrears_since
        born = signal.date_of_birth
        if born is not None and (self.youngest_date_of_birth is None or born > self.youngest_date_of_birth):
            self.youngest_date_of_birth = born
        self.crisis = self.crisis or signal.crisis
        self.warm_transfer = self.warm_transfer or signal.warm_transfer
        self.supply_ending = self.supply_ending or signal.supply_ending
        self.has_phone = self.has_phone or signal.has_phone
        self.has_email = self.has_email or signal.has_email
        self._add_to_frontier(signal.partner_type, key, cents)

    def _add_to_frontier(self, partner_type: str, key: tuple[date, str], cents: int) -> None:
        stairs = self.frontier.setdefault(partner_type, [])
        if any((d, a) > key and c >= cents for d, a, c in stairs):
            return  # a later signal is as large: this one is never the trigger
        stairs[:] = [s for s in stairs if not ((s[0], s[1]) < key and s[2] <= cents)]
        stairs.append((key[0], key[1], cents))
        stairs.sort(key=lambda s: (s[0], s[1]))
        if len(stairs) > FRONTIER_MAX:
            del stairs[-2]  # keep the largest (first) and the latest (last)

    def _trigger(self, settings: _Settings) -> tuple[str, int, str] | None:
        """The latest signal at or above its partner type's threshold."""
        best: tuple[tuple[date, str], tuple[str, int, str]] | None = None
        for partner_type, stairs in self.frontier.items():
            limit_cents, limit_text = settings.high_amount_threshold(partner_type)
            for signal_date, arrival, cents in stairs:
                if cents >= limit_cents and (best is None or (signal_date, arrival) > best[0]):
                    best = ((signal_date, arrival), (partner_type, cents, limit_text))
        return best[1] if best else None

    def facts(self, *, postcode: str, case_start: date, earlier_case_starts: Iterable[date],
              settings: _Settings) -> Facts:
        """The facts of the case (criteria.md, "Facts"); see compute_facts."""
        if self.latest_key is None or self.earliest_arrears_since is None:
            raise ValueError("a case has at least one signal")
        reference = self.latest_key[0]
        earliest = case_start - timedelta(days=settings.repeat_lookback_days)
        trigger = self._trigger(settings)
        born = self.youngest_date_of_birth
        return Facts(
            age=None if born is None else age_on(born, reference),
            signal_count=self.signal_count,
            partner_count=len(self.partner_ids),
            partner_types=list(self.partner_types),
            partner_type=self.latest_partner_type,
            amount_cents=self.latest_amount_cents,
            total_amount_cents=self.total_amount_cents,
            max_amount_cents=self.max_amount_cents,
            days_in_arrears=(reference - self.earliest_arrears_since).days,
            high_amount=trigger is not None,
            repeat=any(earliest <= start < case_start for start in earlier_case_starts),
            crisis=self.crisis,
            warm_transfer=self.warm_transfer,
            supply_ending=self.supply_ending,
            postcode=postcode,
            has_phone=self.has_phone,
            has_email=self.has_email,
            high_amount_trigger=trigger,
        )

    def record(self) -> dict[str, Any]:
        """JSON-able form (stored with the case)."""
        def day(value: date | None) -> str | None:
            return None if value is None else value.isoformat()
        return {
            "signal_count": self.signal_count, "partner_ids": sorted(self.partner_ids),
            "partner_types": sorted(self.partner_types),
            "total_amount_cents": self.total_amount_cents, "max_amount_cents": self.max_amount_cents,
            "latest": None if self.latest_key is None else [self.latest_key[0].isoformat(), self.latest_key[1]],
            "latest_partner_type": self.latest_partner_type, "latest_amount_cents": self.latest_amount_cents,
            "earliest_arrears_since": day(self.earliest_arrears_since),
            "youngest_date_of_birth": day(self.youngest_date_of_birth),
            "flags": [name for name in _FLAGS if getattr(self, name)],
            "frontier": {t: [[d.isoformat(), a, c] for d, a, c in stairs] for t, stairs in self.frontier.items()},
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "SignalAggregate":
        def day(value: Any) -> date | None:
            return None if value is None else date.fromisoformat(str(value))
        latest = record.get("latest")
        aggregate = cls(
            signal_count=int(record["signal_count"]), partner_ids=set(record["partner_ids"]),
            partner_types=set(record["partner_types"]),
            total_amount_cents=int(record["total_amount_cents"]),
            max_amount_cents=None if record.get("max_amount_cents") is None else int(record["max_amount_cents"]),
            latest_key=None if latest is None else (date.fromisoformat(latest[0]), str(latest[1])),
            latest_partner_type=record.get("latest_partner_type"),
            latest_amount_cents=None if record.get("latest_amount_cents") is None
            else int(record["latest_amount_cents"]),
            earliest_arrears_since=day(record.get("earliest_arrears_since")),
            youngest_date_of_birth=day(record.get("youngest_date_of_birth")),
            frontier={t: [(date.fromisoformat(d), str(a), int(c)) for d, a, c in stairs]
                      for t, stairs in (record.get("frontier") or {}).items()},
        )
        for name in record.get("flags") or []:
            if name in _FLAGS:
                setattr(aggregate, name, True)
        return aggregate


_FLAGS = ("crisis", "warm_transfer", "supply_ending", "has_phone", "has_email")


def compute_facts(
    signals: Sequence[SignalFacts],
    *,
    postcode: str,
    case_start: date,
    earlier_case_starts: Sequence[date] = (),
    settings: _Settings,
) -> Facts:
    """The facts of a case (criteria.md, "Facts").

    `signals`: all signals of the case (at least one). `case_start`: the
    case's start date (its earliest signal_date). `earlier_case_starts`: the
    start dates of the household's other cases, open or closed (any order;
    only those earlier than `case_start` by at most
    `settings.repeat_lookback_days` make `repeat` true). `settings`: the
    criteria's `Settings` (`Criteria.settings`). The same as adding the
    signals one by one to a SignalAggregate, which is what a stored case does.
    """
    if not signals:
        raise ValueError("a case has at least one signal")
    aggregate = SignalAggregate()
    for signal in signals:
        aggregate.add(signal)
    return aggregate.facts(postcode=postcode, case_start=case_start, earlier_case_starts=earlier_case_starts,
                           settings=settings)
