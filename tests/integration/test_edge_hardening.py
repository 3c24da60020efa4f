"""Bodies that once broke the handlers (issue 8) on every JSON route of both APIs,
through the real handlers against moto: nothing of it is a 500, and a batch never
loses what it accepted."""
from __future__ import annotations

import json

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, api_event, call
from tests.integration.test_municipality_api import OLD, add_task, open_case, request
from tests.unit.test_signal_hardening import TEXT_FIELDS

pytestmark = pytest.mark.usefixtures("tenants")
ENERGY = PARTNERS["energie-noord"]
DEEP = '{"a":' * 1000 + "1" + "}" * 1000           # 10 KB of nesting
HUGE = "9" * 5000                                   # an integer of 5 000 digits


def post(h, resource, body=None, raw_body=None):  # noqa: F811
    return call(h.intake, api_event("POST", resource, body=body, raw_body=raw_body, principal=ENERGY))


def stored_references() -> set[str]:
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name())["Items"]
    return {item["reference"]["S"] for item in items if item.get("type", {}).get("S") == "signal"}


def with_surrogate(field: str, **overrides) -> dict:
    body = signal_body(**overrides)
    *path, last = field.split("__")
    target = body
    for part in path:
        target = target[part]
    target[last] = "\ud800"
    return body


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_lone_surrogate_in_any_text_field_is_a_422_naming_it(h, field):  # noqa: F811
    status, body = post(h, "/signals", with_surrogate(field))
    assert status == 422 and body["error"] == "validation"
    assert field.split("__") in [d["loc"] for d in body["details"]]
    assert not stored_references()


def test_a_batch_of_500_with_one_surrogate_stores_the_499_and_reports_the_one(h):  # noqa: F811
    signals = [signal_body(reference=f"EN-B-{i}") for i in range(500)]
    signals[217] = with_surrogate("debtor__last_name", reference="EN-B-217")
    status, body = post(h, "/signals/batch", {"signals": signals})
    assert status == 200
    assert (body["received"], body["duplicates"], body["rejected"]) == (499, 0, 1)
    bad = body["results"][217]
    assert bad["status"] == 422 and [d["loc"] for d in bad["details"]] == [["debtor", "last_name"]]
    assert len(stored_references()) == 499 and "EN-B-217" not in stored_references()


def test_a_surrogate_in_each_text_field_inside_a_batch_of_500_is_reported_on_that_field(h):  # noqa: F811
    signals = [signal_body(reference=f"EN-C-{i}") for i in range(500)]
    bad_at = {index * 25: field for index, field in enumerate(TEXT_FIELDS)}
    for index, field in bad_at.items():
        signals[index] = with_surrogate(field, reference=f"EN-C-{index}")
    status, body = post(h, "/signals/batch", {"signals": signals})
    assert status == 200
    assert (body["received"], body["rejected"]) == (500 - len(bad_at), len(bad_at))
    for index, field in bad_at.items():
        result = body["results"][index]
        assert result["status"] == 422 and field.split("__") in [d["loc"] for d in result["details"]], field
    assert len(stored_references()) == 500 - len(bad_at)


def test_a_batch_item_that_fails_unexpectedly_is_reported_and_the_others_stand(h, monkeypatch):  # noqa: F811
    import intake_api
    insert = intake_api.store.insert_signal

    def failing_for_one(item):
        if item["reference"] == "EN-F-2":
            raise RuntimeError("Dijk 111222333")
        return insert(item)

    monkeypatch.setattr(intake_api.store, "insert_signal", failing_for_one)
    signals = [signal_body(reference=f"EN-F-{i}") for i in range(5)]
    signals[4]["amount"] = "-1"
    status, body = post(h, "/signals/batch", {"signals": signals})
    assert status == 200
    assert [r["status"] for r in body["results"]] == [201, 201, 500, 201, 422]
    failed = body["results"][2]
    assert failed["reference"] == "EN-F-2" and failed["message"] and "signal_id" not in failed
    assert "Dijk" not in json.dumps(body)
    assert body["received"] == len(stored_references()) == 3 and body["rejected"] == 2


def test_an_amount_with_an_exponent_is_422(h):  # noqa: F811
    raw = json.dumps(signal_body(amount="@")).replace('"@"', "1e3")
    status, body = post(h, "/signals", raw_body=raw)
    assert status == 422 and [d["loc"] for d in body["details"]] == [["amount"]]


def test_a_percent_encoded_reference_finds_the_partners_own_signal(h):  # noqa: F811
    post(h, "/signals", signal_body(reference="EN:2026:000123"))
    # As API Gateway (REST) hands it over: path and pathParameters still percent-encoded.
    event = api_event("GET", "/signals/{reference}", {"reference": "EN%3A2026%3A000123"}, principal=ENERGY)
    assert event["path"] == "/signals/EN%3A2026%3A000123"
    status, body = call(h.intake, event)
    assert status == 200 and body["reference"] == "EN:2026:000123"


def test_another_partner_asking_for_it_encoded_gets_404(h):  # noqa: F811
    post(h, "/signals", signal_body(reference="EN:2026:000124"))
    event = api_event("GET", "/signals/{reference}", {"reference": "EN%3A2026%3A000124"},
                      principal=PARTNERS["woonstede"])
    assert call(h.intake, event)[0] == 404


# --------------------------------------------------------------------------- every JSON route


@pytest.fixture
def ids(h):  # noqa: F811
    case_id = open_case(h, reference="EN-JSON-1", debtor__date_of_birth=OLD)
    return {"case_id": case_id, "task_id": add_task(case_id)}


# (method, resource, a valid-looking body with "@" where the bad value goes)
MUNICIPALITY_JSON_ROUTES = [
    ("PUT", "/criteria", '{"schema_version": @, "baskets": [{"id": "a", "name": "A", "action": "none"}]}'),
    ("POST", "/criteria/preview", '{"schema_version": @, "baskets": [{"id": "a", "name": "A", "action": "none"}]}'),
    ("POST", "/cases/{case_id}/move", '{"basket_id": @, "reason": "test"}'),
    ("POST", "/cases/{case_id}/contact-attempts", '{"type": "Telefoon", "reached": @}'),
    ("POST", "/cases/{case_id}/close", '{"outcome": @}'),
    ("PATCH", "/tasks/{task_id}", '{"assignee": @}'),
    ("PUT", "/letter-template", '{"template": @}'),
]
PARTNER_JSON_ROUTES = [
    ("POST", "/signals", json.dumps(signal_body(amount="@")).replace('"@"', "@")),
    ("POST", "/signals/batch", '{"signals": [' + json.dumps(signal_body(amount="@")).replace('"@"', "@") + "]}"),
]
ROUTE_IDS = [f"{m} {r}" for m, r, _ in MUNICIPALITY_JSON_ROUTES + PARTNER_JSON_ROUTES]


def send(h, ids, method, resource, raw):  # noqa: F811
    if resource.startswith("/signals"):
        return post(h, resource, raw_body=raw)
    params = {name: ids[name] for name in ("case_id", "task_id") if "{" + name + "}" in resource}
    return request(h, method, resource, params, raw_body=raw)


@pytest.mark.parametrize("method,resource,template", MUNICIPALITY_JSON_ROUTES + PARTNER_JSON_ROUTES, ids=ROUTE_IDS)
def test_json_nested_1000_deep_is_a_400_on_every_json_route(h, ids, method, resource, template):  # noqa: F811
    status, body = send(h, ids, method, resource, template.replace("@", DEEP))
    assert status == 400 and body["error"] == "bad_request" and "nested" in body["message"]


@pytest.mark.parametrize("method,resource,template", MUNICIPALITY_JSON_ROUTES + PARTNER_JSON_ROUTES, ids=ROUTE_IDS)
def test_an_integer_of_5000_digits_is_a_422_on_every_json_route(h, ids, method, resource, template):  # noqa: F811
    status, body = send(h, ids, method, resource, template.replace("@", HUGE))
    if resource == "/signals/batch":  # the batch itself is fine: its one signal is rejected
        assert status == 200 and body["results"][0]["status"] == 422 and body["rejected"] == 1
    else:
        assert status == 422 and body["error"] == "validation" and body["details"]


def test_a_criteria_when_of_990_nested_nots_is_refused(h):  # noqa: F811
    when = '{"not": ' * 990 + '{"fact": "crisis", "equals": true}' + "}" * 990
    raw = '{"schema_version": 1, "baskets": [{"id": "a", "name": "A", "action": "letter", "when": ' + when + \
          '}, {"id": "rest", "name": "Rest", "action": "none"}]}'
    status, body = request(h, "PUT", "/criteria", raw_body=raw)
    assert status in (400, 422) and body["error"] in ("bad_request", "validation")
    assert request(h, "GET", "/criteria")[1]["default"] is True


@pytest.mark.parametrize("value", ["9" * 4000, "14.0", "1.4e1"], ids=["4000-digits", "fraction", "exponent"])
def test_a_criteria_integer_that_is_no_plain_integer_is_422_and_nothing_changes(h, value):  # noqa: F811
    raw = ('{"schema_version": 1, "settings": {"matching_window_days": ' + value + '}, '
           '"baskets": [{"id": "a", "name": "A", "action": "none"}]}')
    status, body = request(h, "PUT", "/criteria", raw_body=raw)
    assert status == 422 and [d["pointer"] for d in body["details"]] == ["/settings/matching_window_days"]
    assert request(h, "GET", "/criteria")[1]["default"] is True
