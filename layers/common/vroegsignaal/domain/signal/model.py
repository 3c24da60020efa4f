"""The validated, normalised signal and its stored form (a JSON-able record)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


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
    def from_record(cls, record: dict[str, Any]) -> Signal:
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


def debtor_display_name(signal: Signal) -> str:
    """``"A.B. van Dijk"``: initials, prefix and last name, those present."""
    d = signal.debtor
    return " ".join(part for part in (d.initials, d.prefix, d.last_name) if part)
