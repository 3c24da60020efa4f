"""The views name partners and the municipality where the registry knows them (the
workspace shows names, not ids); an unknown one is null, and the screen shows the id."""
from __future__ import annotations

import pytest
from vroegsignaal.services.views import Views

from tests.unit.test_municipality_services import GM, Cases, Criteria, Letters, Tasks, make_case


@pytest.fixture
def ports():
    cases = Cases()
    return cases, Tasks(cases)


class Registry:
    def __init__(self, partners: dict[str, str], municipalities: dict[str, str]):
        self.partners, self.municipalities = partners, municipalities

    def partner(self, partner_id):
        return {"partner_id": partner_id, "name": self.partners[partner_id]} if partner_id in self.partners else None

    def municipality(self, code):
        return {"municipality_code": code, "name": self.municipalities[code]} if code in self.municipalities else None


def views_with(ports, registry):
    cases, tasks = ports
    return Views(cases=cases, tasks=tasks, criteria=Criteria(), letters=Letters(), registry=registry)


def test_a_case_names_the_partner_of_each_signal(ports):
    case = make_case(cases=ports[0])
    view = views_with(ports, Registry({"energie-noord": "Energie Noord"}, {})).case(GM, case["case_id"])
    assert [(s["partner_id"], s["partner_name"]) for s in view["signals"]] == [("energie-noord", "Energie Noord")]


def test_an_unregistered_partner_has_no_name(ports):
    case = make_case(cases=ports[0])
    view = views_with(ports, Registry({}, {})).case(GM, case["case_id"])
    assert [s["partner_name"] for s in view["signals"]] == [None]


def test_the_baskets_carry_the_municipalitys_name(ports):
    assert views_with(ports, Registry({}, {GM: "Woerden"})).baskets(GM)["municipality_name"] == "Woerden"
    assert views_with(ports, Registry({}, {})).baskets(GM)["municipality_name"] is None


def test_without_a_registry_names_are_null(ports):
    case = make_case(cases=ports[0])
    views = views_with(ports, None)
    assert views.case(GM, case["case_id"])["signals"][0]["partner_name"] is None
    assert views.baskets(GM)["municipality_name"] is None
