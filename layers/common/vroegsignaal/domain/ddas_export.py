"""The DDAS delivery (municipality-api.md, "DDAS export"): one `levering` of the
municipality with the signals whose signal date falls in the period and the
cases (vroegsignaalzaken) holding them, as the v0.9 Uitwisselmodel spells it.

Pure: it gets typed cases with their signal log entries and contact attempts,
one at a time (the store reads them page by page), and builds the document.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vroegsignaal.domain import ddas
from vroegsignaal.domain.case import Case, ContactAttempt
from vroegsignaal.domain.errors import ValidationFailed

PERIOD_MAX_DAYS = 366
# The widest matching window criteria may set (criteria.md): a case holding a signal of
# the period opened at most this long before the period starts.
MATCHING_WINDOW_MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class Period:
    """From and to, both inclusive."""

    start: date
    end: date

    def holds(self, day: str) -> bool:
        return self.start.isoformat() <= day <= self.end.isoformat()

    def earliest_case_opening(self) -> date:
        """No case opened before this holds a signal dated in the period."""
        if self.start.toordinal() <= MATCHING_WINDOW_MAX_DAYS:  # a period in the first year AD
            return date.min
        return self.start - timedelta(days=MATCHING_WINDOW_MAX_DAYS)


def parse_period(start: str | None, end: str | None) -> Period:
    """`from` and `to` (YYYY-MM-DD); ValidationFailed naming every problem."""
    problems: list[dict[str, Any]] = []
    days: dict[str, date] = {}
    for name, value in (("from", start), ("to", end)):
        try:
            days[name] = date.fromisoformat(value or "")
            if len(value or "") != 10:
                raise ValueError
        except ValueError:
            problems.append({"loc": ["query", name], "msg": "required, a date YYYY-MM-DD"})
    if not problems:
        if days["from"] > days["to"]:
            problems.append({"loc": ["query", "from"], "msg": "must not be after to"})
        elif (days["to"] - days["from"]).days + 1 > PERIOD_MAX_DAYS:
            problems.append({"loc": ["query", "to"], "msg": f"the period is at most {PERIOD_MAX_DAYS} days"})
    if problems:
        raise ValidationFailed(problems)
    return Period(days["from"], days["to"])


def euros(cents: int) -> int:
    """Whole euros, rounded half up (12.50 -> 13, 12.49 -> 12)."""
    return int((Decimal(cents) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def municipality_number(code: str) -> str:
    """The four digits of a CBS municipality code (GM0632 -> 0632)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return digits[-4:].rjust(4, "0")


@dataclass(frozen=True, slots=True)
class ExportCase:
    """A case as the export reads it: the case, the bodies of its signal log entries
    (domain/cases.signal_entry) and its contact attempts."""

    case: Case
    signals: list[dict[str, Any]]
    attempts: list[ContactAttempt]


@dataclass(frozen=True, slots=True)
class Organisation:
    """The delivering organisation, from the municipality's registration."""

    name: str
    contact: dict[str, Any]
    kvk_number: str | None = None

    def document(self) -> dict[str, Any]:
        organisation: dict[str, Any] = {"naam": self.name}
        if self.kvk_number:
            organisation["kvk-nummer"] = self.kvk_number
        person = {field: str(self.contact[key]) for key, field in
                  (("team", "naam"), ("phone", "telefoonnummer"), ("email", "email"))
                  if self.contact.get(key)}
        if person:
            organisation["contactpersoonen"] = [person]
        return organisation


def _day(moment: str | None) -> str | None:
    return moment[:10] if moment else None


def _client(debtor: dict[str, Any]) -> dict[str, Any]:
    address = debtor.get("address") or {}
    fields = {
        "Burgerservicenummer": debtor.get("bsn"), "Voorletters": debtor.get("initials"),
        "Voorvoegsel": debtor.get("prefix"), "Achternaam": debtor.get("last_name"),
        "Geboortedatum": debtor.get("date_of_birth"), "Straatnaam": address.get("street"),
        "Postcode": address.get("postcode"), "Huisnummer": address.get("house_number"),
        "Huisnummertoevoeging": address.get("house_number_suffix"), "Plaatsnaam": address.get("city"),
    }
    return {name: str(value) for name, value in fields.items() if value is not None and value != ""}


def vroegsignaal(entry: dict[str, Any], case: Case) -> dict[str, Any]:
    """One signal of the delivery, from its log entry and the case holding it."""
    record = entry["signal"]
    signal: dict[str, Any] = {
        "ID": entry["signal_id"],
        "crisissignaal": bool(record.get("crisis")),
        "warmeOverdracht": bool(record.get("warm_transfer")),
        "bedrag": euros(int(record["amount_cents"])),
        "ontstaansdatum": record["arrears_since"],
        "signaaldatum": record["signal_date"],
        "signaalpartner": {"type": ddas.DDAS_PARTNER_TYPE.get(entry["partner_type"], "Overige")},
        "client": _client(record.get("debtor") or {}),
    }
    status = ddas.signal_status(picked_up=bool(case.get("picked_up_at")), closed=case["status"] == "closed",
                                outcome=case.get("outcome"))
    if status:
        signal["status"] = status
    return signal


def contactpoging(attempt: ContactAttempt) -> dict[str, Any]:
    poging: dict[str, Any] = {"bereikt": attempt.reached}
    if attempt.type in ddas.CONTACT_TYPES:
        poging["soort"] = attempt.type
    day = attempt.date or _day(attempt.registered_at)
    if day:
        poging["datum"] = day
    if attempt.part_of_day in ddas.PARTS_OF_DAY:
        poging["dagdeel"] = attempt.part_of_day
    return poging


def vroegsignaalzaak(case: Case, signal_ids: list[str], attempts: list[ContactAttempt],
                     window_days: int) -> dict[str, Any]:
    """The case with its signals of the period (by ID). The matching period is the
    window around the case's start date within which signals join it (criteria.md)."""
    start = date.fromisoformat(case["start_date"])
    zaak: dict[str, Any] = {
        "matchingsdatum": _day(case["opened_at"]),
        "startdatum_matchtingperiode": (start - timedelta(days=window_days)).isoformat(),
        "einddatum_matchingperiode": (start + timedelta(days=window_days)).isoformat(),
        "vroegsignalen": [{"ID": signal_id} for signal_id in signal_ids],
    }
    if case.get("picked_up_at"):
        zaak["datum_opgepakt"] = _day(case["picked_up_at"])
    if case["status"] == "closed" and case.get("outcome") in ddas.OUTCOMES:
        zaak["resultaat"] = case["outcome"]
    if attempts:
        zaak["contactpogingen"] = [contactpoging(a) for a in attempts]
    return zaak


def delivery(*, period: Period, municipality_code: str, organisation: Organisation, supplier_code: str,
             delivered_at: datetime, window_days: int, cases: Iterable[ExportCase]) -> dict[str, Any]:
    """The whole document. Each case is read once: its signals of the period go to
    `vroegsignalen`, the case to `vroegsignaalzaken`; a case with none is left out."""
    signals: list[dict[str, Any]] = []
    zaken: list[dict[str, Any]] = []
    for held in cases:
        in_period = [entry for entry in held.signals if period.holds(entry["signal"]["signal_date"])]
        if not in_period:
            continue
        signals.extend(vroegsignaal(entry, held.case) for entry in in_period)
        zaken.append(vroegsignaalzaak(held.case, [entry["signal_id"] for entry in in_period], held.attempts,
                                      window_days))
    levering: dict[str, Any] = {"teller": 1, "gemeentecode": municipality_number(municipality_code),
                                "aanleverende_organisatie": organisation.document()}
    levering["vroegsignalen"] = signals
    levering["vroegsignaalzaken"] = zaken
    return {
        "codeGegevensleverancier": supplier_code,
        "startdatumLevering": period.start.isoformat(),
        "einddatumLevering": period.end.isoformat(),
        "aanleverdatumEnTijd": delivered_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leveringen": [levering],
    }
