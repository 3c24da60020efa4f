"""The DDAS delivery built in the domain (domain/ddas_export.py) from typed cases."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from vroegsignaal.domain import ddas
from vroegsignaal.domain.case import ContactAttempt
from vroegsignaal.domain.ddas_export import (
    ExportCase,
    Organisation,
    Period,
    delivery,
    euros,
    municipality_number,
    parse_period,
)
from vroegsignaal.domain.errors import ValidationFailed

from tests import ddas_schema

JANUARY = Period(date(2026, 1, 1), date(2026, 1, 31))
ORGANISATION = Organisation(name="Woerden", contact={"team": "Team Vroegsignalering", "phone": "0348 428 911",
                                                     "email": "vroegsignalering@example.nl"})


def entry(signal_id: str, signal_date: str, *, cents: int = 41250, partner_type: str = "energy") -> dict[str, Any]:
    return {"signal_id": signal_id, "reference": f"REF-{signal_id}", "partner_id": "energie-noord",
            "partner_type": partner_type, "received_at": f"{signal_date}T09:00:00Z",
            "signal": {"reference": f"REF-{signal_id}", "municipality_code": "GM0632", "signal_date": signal_date,
                       "arrears_since": "2025-12-01", "amount_cents": cents, "crisis": True,
                       "debtor": {"initials": "A.B.", "prefix": "van", "last_name": "Dijk", "bsn": "111222333",
                                  "date_of_birth": "2001-04-02",
                                  "address": {"street": "Rijnstraat", "house_number": 12, "postcode": "3441AB",
                                              "city": "Woerden"}}}}


def case(case_id: str = "c1", *, start: str = "2026-01-10", picked_up_at: str | None = None,
         status: str = "open", outcome: str | None = None) -> dict[str, Any]:
    return {"case_id": case_id, "municipality_code": "GM0632", "household": "h", "status": status,
            "start_date": start, "opened_at": f"{start}T09:00:00Z", "picked_up_at": picked_up_at,
            "outcome": outcome, "closed_at": "2026-01-20T10:00:00Z" if status == "closed" else None}


def held(the_case: dict[str, Any], *entries: dict[str, Any], attempts: tuple[ContactAttempt, ...] = ()) -> ExportCase:
    return ExportCase(case=the_case, signals=list(entries), attempts=list(attempts))  # type: ignore[arg-type]


def export(*cases: ExportCase, period: Period = JANUARY) -> dict[str, Any]:
    return delivery(period=period, municipality_code="GM0632", organisation=ORGANISATION,
                    supplier_code="VROEGSIGNAAL-TEST", delivered_at=datetime(2026, 2, 3, 10, 30, tzinfo=UTC),
                    window_days=30, cases=cases)


def levering(document: dict[str, Any]) -> dict[str, Any]:
    return document["leveringen"][0]


@pytest.mark.parametrize("name", ddas_schema.EXAMPLES)
def test_the_shipped_examples_validate(name):
    assert ddas_schema.problems(ddas_schema.example(name)) == []


def test_the_validator_rejects_what_the_schema_forbids():
    broken = ddas_schema.example("enkelvoudigVoorbeeld.json")
    broken["leveringen"][0]["vroegsignalen"][0]["bedrag"] = 450.5
    del broken["codeGegevensleverancier"]
    assert len(ddas_schema.problems(broken)) == 2


def test_a_delivery_validates():
    attempt = ContactAttempt("a1", "Telefoon", True, "2026-01-12", "Ochtend", None, "2026-01-12T10:00:00Z")
    document = export(held(case(picked_up_at="2026-01-12T10:00:00Z"), entry("s1", "2026-01-10"), attempts=(attempt,)),
                      held(case("c2", status="closed", outcome="Niet opgepakt: onterecht signaal"),
                           entry("s2", "2026-01-15", partner_type="housing")))
    assert ddas_schema.problems(document) == []
    assert document["codeGegevensleverancier"] == "VROEGSIGNAAL-TEST"
    assert levering(document)["aanleverende_organisatie"]["naam"] == "Woerden"


def test_an_empty_period_validates():
    document = export()
    assert ddas_schema.problems(document) == [] and levering(document)["vroegsignalen"] == []


@pytest.mark.parametrize(("cents", "whole"), [(1250, 13), (1249, 12), (1200, 12), (1251, 13), (50, 1), (49, 0)])
def test_amounts_are_whole_euros_rounded_half_up(cents, whole):
    assert euros(cents) == whole
    (signal,) = levering(export(held(case(), entry("s1", "2026-01-10", cents=cents))))["vroegsignalen"]
    assert signal["bedrag"] == whole


def test_the_municipality_code_is_four_digits():
    assert municipality_number("GM0632") == "0632" and levering(export())["gemeentecode"] == "0632"


def test_the_period_boundaries_are_inclusive():
    the_case = held(case(start="2025-12-31"), entry("before", "2025-12-31"), entry("first", "2026-01-01"),
                    entry("last", "2026-01-31"), entry("after", "2026-02-01"))
    delivered = levering(export(the_case))
    assert [s["ID"] for s in delivered["vroegsignalen"]] == ["first", "last"]
    assert delivered["vroegsignaalzaken"][0]["vroegsignalen"] == [{"ID": "first"}, {"ID": "last"}]


def test_a_case_without_signals_in_the_period_is_left_out():
    delivered = levering(export(held(case(start="2025-11-01"), entry("old", "2025-11-01"))))
    assert delivered["vroegsignalen"] == [] and delivered["vroegsignaalzaken"] == []


def test_a_case_straddling_the_period_lists_only_its_signals_of_the_period():
    the_case = case(start="2025-12-20")
    delivered = levering(export(held(the_case, entry("december", "2025-12-20"), entry("january", "2026-01-05"))))
    (zaak,) = delivered["vroegsignaalzaken"]
    assert zaak["vroegsignalen"] == [{"ID": "january"}]
    assert zaak["matchingsdatum"] == "2025-12-20"
    assert (zaak["startdatum_matchtingperiode"], zaak["einddatum_matchingperiode"]) == ("2025-11-20", "2026-01-19")


def test_contact_attempts_are_listed_with_their_type_date_and_part_of_day():
    attempts = (ContactAttempt("a1", "Telefoon", False, "2026-01-12", "Ochtend", "no answer", "2026-01-12T10:00:00Z"),
                ContactAttempt("a2", "Huisbezoek", True, None, None, None, "2026-01-15T14:00:00Z"))
    (zaak,) = levering(export(held(case(picked_up_at="2026-01-12T10:00:00Z"), entry("s1", "2026-01-10"),
                                   attempts=attempts)))["vroegsignaalzaken"]
    assert zaak["contactpogingen"] == [
        {"soort": "Telefoon", "bereikt": False, "datum": "2026-01-12", "dagdeel": "Ochtend"},
        {"soort": "Huisbezoek", "bereikt": True, "datum": "2026-01-15"}]
    assert zaak["datum_opgepakt"] == "2026-01-12"


@pytest.mark.parametrize(("picked_up", "status", "outcome", "signal_status"), [
    (None, "open", None, "Nog niet opgepakt"),
    (None, "closed", "Niet opgepakt: herhaalde melding", "Niet opgepakt: herhaalde melding"),
    (None, "closed", "Inwoner is overleden", "Inwoner is overleden"),
    ("2026-01-12T10:00:00Z", "open", None, None),
    ("2026-01-12T10:00:00Z", "closed", "(Budget)advies en/of quick fix", None),
])
def test_a_signals_status_follows_its_case(picked_up, status, outcome, signal_status):
    delivered = levering(export(held(case(picked_up_at=picked_up, status=status, outcome=outcome),
                                     entry("s1", "2026-01-10"))))
    (signal,) = delivered["vroegsignalen"]
    assert signal.get("status") == signal_status
    assert signal_status is None or signal_status in ddas.SIGNAL_STATUSES


@pytest.mark.parametrize("outcome", ["Vervolghulp en/of verwijzing financieel", "Niet opgepakt: andere reden"])
def test_a_closed_case_carries_its_outcome(outcome):
    (zaak,) = levering(export(held(case(status="closed", outcome=outcome), entry("s1", "2026-01-10"))))[
        "vroegsignaalzaken"]
    assert zaak["resultaat"] == outcome


def test_an_open_case_has_no_outcome_nor_pick_up_date():
    (zaak,) = levering(export(held(case(), entry("s1", "2026-01-10"))))["vroegsignaalzaken"]
    assert "resultaat" not in zaak and "datum_opgepakt" not in zaak


def test_the_client_is_the_debtor_of_the_signal():
    (signal,) = levering(export(held(case(), entry("s1", "2026-01-10"))))["vroegsignalen"]
    assert signal["client"] == {"Burgerservicenummer": "111222333", "Voorletters": "A.B.", "Voorvoegsel": "van",
                                "Achternaam": "Dijk", "Geboortedatum": "2001-04-02", "Straatnaam": "Rijnstraat",
                                "Postcode": "3441AB", "Huisnummer": "12", "Plaatsnaam": "Woerden"}
    assert signal["signaalpartner"] == {"type": "Energie"} and signal["crisissignaal"] is True


@pytest.mark.parametrize(("start", "end", "fields"), [
    ("2026-02-01", "2026-01-01", {"from"}), ("2026-01-01", "2027-01-02", {"to"}),
    (None, "2026-01-01", {"from"}), ("2026-13-01", "bad", {"from", "to"}), ("2026-1-1", "2026-01-31", {"from"}),
    ("2026-01-0²", "2026-01-31", {"from"}), ("20260101", "2026-01-31", {"from"}),
])
def test_a_bad_period_names_every_problem(start, end, fields):
    with pytest.raises(ValidationFailed) as failed:
        parse_period(start, end)
    assert {detail["loc"][1] for detail in failed.value.details} == fields


def test_a_period_of_366_days_is_allowed():
    assert parse_period("2024-01-01", "2024-12-31") == Period(date(2024, 1, 1), date(2024, 12, 31))


def test_a_period_in_the_first_year_reads_every_case():
    assert parse_period("0001-01-01", "0001-12-31").earliest_case_opening() == date.min
