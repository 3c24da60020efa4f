"""The DDAS export through the municipality handler, from cases made as in
production (intake, classification, consultants' changes), against moto."""
from __future__ import annotations

import pytest

from tests import ddas_schema
from tests.integration.test_municipality_api import OLD, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def export(h, query=NOVEMBER):
    status, body = request(h, "GET", "/exports/ddas", query=query)
    assert status == 200, body
    return body


def test_the_export_of_demo_like_cases_validates(h):
    picked = open_case(h, reference="EN-1", debtor__date_of_birth=OLD)
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": picked},
            body={"type": "Telefoon", "reached": True, "date": "2026-11-21", "part_of_day": "Middag"})
    closed = open_case(h, "woonstede", reference="WS-1", amount="1250.50",
                       debtor__address__postcode="3442 CD", debtor__address__house_number=7)
    status, _ = request(h, "POST", "/cases/{case_id}/close", {"case_id": closed},
                        body={"outcome": "Niet opgepakt: onterecht signaal"})
    assert status == 200
    open_case(h, "vitens", reference="WA-1", debtor__address__postcode="3443 EF")
    document = export(h)
    assert ddas_schema.problems(document) == []
    levering = document["leveringen"][0]
    assert len(levering["vroegsignalen"]) == 3 and len(levering["vroegsignaalzaken"]) == 3
    amounts = sorted(s["bedrag"] for s in levering["vroegsignalen"])
    assert amounts == [413, 413, 1251]
    zaak = next(z for z in levering["vroegsignaalzaken"] if "contactpogingen" in z)
    assert zaak["contactpogingen"] == [{"soort": "Telefoon", "bereikt": True, "datum": "2026-11-21",
                                        "dagdeel": "Middag"}]


def test_the_export_names_the_deployment_and_the_municipality(h):
    document = export(h)
    assert document["codeGegevensleverancier"] == "VROEGSIGNAAL-LOCAL"
    levering = document["leveringen"][0]
    assert levering["gemeentecode"] == "0632"
    assert levering["aanleverende_organisatie"]["naam"] == "Woerden"


def test_signals_outside_the_period_are_not_exported(h):
    open_case(h, reference="EN-OCT", signal_date="2026-10-20", arrears_since="2026-09-01")
    document = export(h)
    assert document["leveringen"][0]["vroegsignalen"] == []


def test_a_bad_period_is_422_naming_it(h):
    status, body = request(h, "GET", "/exports/ddas", query={"from": "2026-12-01", "to": "2026-11-01"})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["query", "from"]]


def test_another_municipalitys_cases_are_not_in_the_export(h):
    open_case(h, reference="EN-THEIRS", municipality_code="GM0344", debtor__address__postcode="3511 AA")
    document = export(h)
    assert document["leveringen"][0]["vroegsignalen"] == []


def test_the_export_is_gzipped_for_a_caller_that_accepts_it(h):
    import base64
    import gzip
    import json

    from tests.integration.events import LambdaContext, api_event, municipality
    open_case(h, reference="EN-1")
    event = api_event("GET", "/municipalities/{code}/exports/ddas", {"code": "GM0632"}, query=NOVEMBER,
                      principal=municipality("GM0632"))
    event["headers"]["Accept-Encoding"] = "gzip, deflate"
    event["multiValueHeaders"]["Accept-Encoding"] = ["gzip, deflate"]
    answer = h.mun(event, LambdaContext())
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is True
    assert answer["multiValueHeaders"]["Content-Encoding"] == ["gzip"]
    document = json.loads(gzip.decompress(base64.b64decode(answer["body"])))
    assert ddas_schema.problems(document) == [] and len(document["leveringen"][0]["vroegsignalen"]) == 1


def test_an_unknown_parameter_is_422(h):
    status, body = request(h, "GET", "/exports/ddas", query={**NOVEMBER, "gemeente": "0632"})
    assert status == 422 and [d["loc"] for d in body["details"]] == [["query", "gemeente"]]
