"""The monthly report through the municipality handler, from counters the case
writes keep (adapters/monthly_counters.py), against moto."""
from __future__ import annotations

import csv
import io

import pytest
from vroegsignaal import clock

from tests.integration.events import LambdaContext, api_event, call, municipality, stream_event
from tests.integration.test_municipality_api import GM, open_case, request

pytestmark = pytest.mark.usefixtures("tenants")
NOVEMBER = {"from": "2026-11", "to": "2026-11"}
# Signals count in the month of their signal date (2026-11-20 by default); cases in the
# month they opened: today's.
BOTH = {"from": "2026-11", "to": clock.today().isoformat()[:7]}


def report(h, query=NOVEMBER):
    status, body = request(h, "GET", "/reports/monthly", query=query)
    assert status == 200, body
    return body["months"]


def test_a_month_counts_its_signals_cases_pick_ups_and_closes(h):
    first = open_case(h, reference="EN-1")
    open_case(h, "woonstede", reference="WS-1")  # the same household: joins the case
    other = open_case(h, "vitens", reference="VI-1", debtor__address__postcode="3442 CD")
    request(h, "POST", "/cases/{case_id}/contact-attempts", {"case_id": first},
            body={"type": "Telefoon", "reached": True})
    request(h, "POST", "/cases/{case_id}/close", {"case_id": other}, body={"outcome": "Verwijzing zonder contact"})
    signals, cases = report(h, BOTH)[0], report(h, BOTH)[-1]
    assert signals["signals"]["total"] == 3
    assert {t: n for t, n in signals["signals"]["by_partner_type"].items() if n} == {
        "energy": 1, "housing": 1, "water": 1}
    assert (cases["cases_opened"], cases["multiple"], cases["picked_up"], cases["reached"]) == (2, 1, 1, 1)
    assert cases["closed"]["total"] == 1 and cases["closed"]["by_outcome"]["Verwijzing zonder contact"] == 1


def test_a_redelivered_stream_record_counts_once(h):
    from vroegsignaal.adapters import aws, table
    open_case(h, reference="EN-1")
    image = aws.client("dynamodb").get_item(TableName=table.table_name(),
                                            Key=table.key("SIGNAL#energie-noord#EN-1", "SIGNAL"))["Item"]
    image.pop("case_id"), image.pop("household")  # as the INSERT record carried it
    assert h.classify(stream_event([image]), LambdaContext()) == {"batchItemFailures": []}
    months = report(h, BOTH)
    assert months[0]["signals"]["total"] == 1 and months[-1]["cases_opened"] == 1


def test_the_report_agrees_with_the_ddas_export_of_the_same_period(h):
    open_case(h, reference="EN-1")
    open_case(h, "woonstede", reference="WS-1", signal_date="2026-11-01")
    open_case(h, "vitens", reference="VI-1", debtor__address__postcode="3442 CD", signal_date="2026-10-31",
              arrears_since="2026-09-01")
    status, document = request(h, "GET", "/exports/ddas", query={"from": "2026-11-01", "to": "2026-11-30"})
    assert status == 200
    (month,) = report(h)
    exported = document["leveringen"][0]["vroegsignalen"]
    assert month["signals"]["total"] == len(exported) == 2
    from vroegsignaal.domain.ddas import DDAS_PARTNER_TYPE
    by_type = {DDAS_PARTNER_TYPE[t]: n for t, n in month["signals"]["by_partner_type"].items() if n}
    assert by_type == {name: sum(1 for s in exported if s["signaalpartner"]["type"] == name) for name in by_type}
    not_picked_up = sum(1 for s in exported if s.get("status") == "Nog niet opgepakt")
    assert not_picked_up == len(exported) and report(h, BOTH)[-1]["picked_up"] == 0


def test_the_report_lists_every_month_of_the_range(h):
    months = report(h, {"from": "2026-10", "to": "2027-01"})
    assert [m["month"] for m in months] == ["2026-10", "2026-11", "2026-12", "2027-01"]
    assert all(m["signals"]["total"] == 0 for m in months)


def test_text_csv_gives_the_same_figures(h):
    open_case(h, reference="EN-1")
    event = api_event("GET", "/municipalities/{code}/reports/monthly", {"code": GM}, query=NOVEMBER,
                      principal=municipality(GM))
    event["headers"]["Accept"] = "text/csv"
    event["multiValueHeaders"]["Accept"] = ["text/csv"]
    import municipality_api
    answer = municipality_api.lambda_handler(event, LambdaContext())
    assert answer["statusCode"] == 200 and answer["multiValueHeaders"]["Content-Type"][0].startswith("text/csv")
    rows = {(m, f): int(v) for m, f, v in list(csv.reader(io.StringIO(answer["body"])))[1:]}
    assert rows[("2026-11", "signals")] == 1 and rows[("2026-11", "signals.energy")] == 1


def test_more_than_24_months_is_422(h):
    status, body = call(h.mun, api_event("GET", "/municipalities/{code}/reports/monthly", {"code": GM},
                                         query={"from": "2025-01", "to": "2027-01"}, principal=municipality(GM)))
    assert status == 422 and [d["loc"] for d in body["details"]] == [["query", "to"]]


def test_an_unknown_parameter_is_422_with_the_others(h):
    status, body = request(h, "GET", "/reports/monthly", query={"from": "2026-13", "to": "2026-11", "month": "x"})
    assert status == 422 and sorted(d["loc"][1] for d in body["details"]) == ["from", "month"]
