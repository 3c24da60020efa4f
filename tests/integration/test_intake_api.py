"""The partner API (signals-api.md) through the intake handler, against moto."""
import json

import pytest

from tests.factories import DEBTOR_SECRETS, signal_body
from tests.integration.events import PARTNERS, api_event, call, municipality

pytestmark = pytest.mark.usefixtures("tenants")
ENERGY = PARTNERS["energie-noord"]


@pytest.fixture
def intake():
    import intake_api
    return intake_api.lambda_handler


def post(intake, body=None, *, principal=ENERGY, raw_body=None, batch=False):
    resource = "/signals/batch" if batch else "/signals"
    return call(intake, api_event("POST", resource, body=body, principal=principal, raw_body=raw_body))


def test_signal_is_stored_durably_with_integer_cents(intake):
    from vroegsignaal.adapters import table
    status, body = post(intake, signal_body())
    assert status == 201 and body["status"] == "received" and body["signal_id"].startswith("sig-")
    item = table.get("SIGNAL#energie-noord#EN-2026-000123", "SIGNAL")
    assert item["signal"]["amount_cents"] == 41250 and isinstance(item["signal"]["amount_cents"], int)
    assert item["signal"]["debtor"]["address"]["postcode"] == "3441AB"


def test_replay_is_200_and_conflict_is_409(intake):
    _, first = post(intake, signal_body())
    status, replay = post(intake, signal_body(amount=412.5, debtor__address__postcode="3441 ab"))
    assert status == 200 and replay["signal_id"] == first["signal_id"] and replay["status"] == "received"
    status, conflict = post(intake, signal_body(amount="413.00"))
    assert status == 409 and conflict["error"] == "conflict" and conflict["signal_id"] == first["signal_id"]


def test_the_same_reference_from_another_partner_is_another_signal(intake):
    _, first = post(intake, signal_body())
    status, other = post(intake, signal_body(), principal=PARTNERS["woonstede"])
    assert status == 201 and other["signal_id"] != first["signal_id"]


def test_validation_reports_every_failing_field(intake):
    status, body = post(intake, signal_body(amount="0", debtor__bsn="123456789", debtor__address__postcode="12345",
                                            signal_date="2999-01-01", colour="blue"))
    assert status == 422 and body["error"] == "validation"
    locs = {tuple(d["loc"]) for d in body["details"]}
    assert {("amount",), ("debtor", "bsn"), ("debtor", "address", "postcode"), ("signal_date",), ("colour",)} <= locs


def test_unknown_municipality_is_422(intake):
    status, body = post(intake, signal_body(municipality_code="GM9999"))
    assert status == 422 and body["details"][0]["loc"] == ["municipality_code"]


def test_not_json_is_400_and_too_large_is_413(intake):
    assert post(intake, raw_body="{not json")[0] == 400
    too_large = json.dumps(signal_body(customer_number="x" * (1024 * 1024)))
    status, body = post(intake, raw_body=too_large)
    assert status == 413 and body["error"] == "too_large"
    assert post(intake, raw_body="[1, 2]")[0] == 422


def test_batch_over_6_mib_is_413_and_stores_nothing(intake):
    from vroegsignaal.adapters import table
    padding = "x" * (6 * 1024 * 1024)
    status, _ = post(intake, raw_body=json.dumps({"signals": [signal_body(customer_number=padding)]}), batch=True)
    assert status == 413
    assert table.get("SIGNAL#energie-noord#EN-2026-000123", "SIGNAL") is None


def test_batch_stores_the_good_ones_and_reports_the_bad(intake):
    from vroegsignaal.adapters import table
    signals = [signal_body(reference=f"EN-{i}") for i in range(4)]
    signals[2]["debtor"]["bsn"] = "123456789"
    status, body = post(intake, {"signals": signals}, batch=True)
    assert status == 200
    assert (body["received"], body["duplicates"], body["rejected"]) == (3, 0, 1)
    result = body["results"][2]
    assert {k: v for k, v in result.items() if k != "details"} == {"index": 2, "reference": "EN-2", "status": 422}
    (detail,) = result["details"]
    assert set(detail) == {"loc", "msg"} and detail["loc"] == ["debtor", "bsn"]
    assert isinstance(detail["msg"], str) and detail["msg"].strip()
    assert "123456789" not in detail["msg"]  # names the field, not its value
    assert table.get("SIGNAL#energie-noord#EN-3", "SIGNAL") is not None
    assert table.get("SIGNAL#energie-noord#EN-2", "SIGNAL") is None


def test_batch_of_501_is_422_and_stores_nothing(intake):
    from vroegsignaal.adapters import table
    status, body = post(intake, {"signals": [signal_body(reference=f"EN-{i}") for i in range(501)]}, batch=True)
    assert status == 422 and body["error"] == "validation"
    assert table.get("SIGNAL#energie-noord#EN-0", "SIGNAL") is None


def test_status_feedback_only_for_the_sending_partner(intake):
    _, stored = post(intake, signal_body())
    event = api_event("GET", "/signals/{reference}", {"reference": "EN-2026-000123"}, principal=ENERGY)
    status, body = call(intake, event)
    assert status == 200 and body["signal_id"] == stored["signal_id"] and body["status"] == "received"
    assert body["received_at"].endswith("Z")
    other = api_event("GET", "/signals/{reference}", {"reference": "EN-2026-000123"}, principal=PARTNERS["vitens"])
    assert call(intake, other)[0] == 404


def _stored_signals():
    from vroegsignaal.adapters import aws, table
    items = aws.client("dynamodb").scan(TableName=table.table_name())["Items"]
    return [i for i in map(table.from_attrs, items) if i.get("type") == "signal"]


@pytest.mark.parametrize("method, resource, path_params, body", [
    ("POST", "/signals", None, signal_body()),
    ("POST", "/signals/batch", None, {"signals": [signal_body()]}),
    ("GET", "/signals/{reference}", {"reference": "EN-2026-000123"}, None),
], ids=["post-signal", "post-batch", "get-status"])
def test_municipality_key_on_a_partner_route_is_403(intake, method, resource, path_params, body):
    post(intake, signal_body())  # a stored signal, so GET would find one for a partner
    before = _stored_signals()
    event = api_event(method, resource, path_params, body=body, principal=municipality("GM0632"))
    status, answer = call(intake, event)
    assert status == 403 and answer["error"] == "forbidden", answer
    assert set(answer) == {"error", "message"}  # no signal data in the answer
    assert _stored_signals() == before


def test_authorisation_runs_before_the_size_check(intake):
    too_large = json.dumps(signal_body(customer_number="x" * (1024 * 1024 + 1)))
    assert len(too_large.encode()) > 1024 * 1024
    status, body = post(intake, raw_body=too_large, principal=municipality("GM0632"))
    assert status == 403 and body["error"] == "forbidden", body
    assert _stored_signals() == []
    assert post(intake, raw_body=too_large)[0] == 413  # the same body from a partner is too large


def test_unknown_route_is_404_json(intake):
    status, body = call(intake, api_event("GET", "/nothing-here", principal=ENERGY))
    assert status == 404 and body["error"] == "not_found"


def test_no_debtor_data_in_logs(intake, capsys, caplog):
    post(intake, signal_body())
    post(intake, signal_body(amount="1.00"))  # a conflict
    post(intake, signal_body(debtor__bsn="123456789", debtor__phone="12"))  # a validation error
    post(intake, {"signals": [signal_body(reference="B-1"), signal_body(reference="B-2", debtor__email="x@")]}, batch=True)
    captured = capsys.readouterr()
    # Every log record with all its extra fields, and whatever reached stdout/stderr (metrics).
    logs = captured.out + captured.err + "".join(repr(vars(record)) for record in caplog.records)
    assert "signal handled" in logs  # the logs were captured
    for secret in DEBTOR_SECRETS + ("123456789", "A.B."):
        assert secret not in logs, f"debtor data in logs: {secret}"


def test_a_reference_no_signal_can_have_is_404(intake):
    for reference in ("a" * 3000, "has space", "x/y"):
        event = api_event("GET", "/signals/{reference}", {"reference": reference}, principal=ENERGY)
        assert call(intake, event)[0] == 404


@pytest.mark.parametrize("raw", ['{"amount": NaN}', '{"amount": Infinity}', '{"a": 1}'.encode("utf-16")])
def test_nan_infinity_and_other_encodings_are_not_json(intake, raw):
    body = raw if isinstance(raw, str) else None
    if body is None:
        import base64
        event = api_event("POST", "/signals", principal=ENERGY, raw_body=base64.b64encode(raw).decode())
        event["isBase64Encoded"] = True
    else:
        event = api_event("POST", "/signals", principal=ENERGY, raw_body=body)
    status, answer = call(intake, event)
    assert status == 400 and answer["error"] == "bad_request"


def test_an_unexpected_error_is_a_json_500_without_data(intake, monkeypatch, caplog):
    import intake_api

    def broken(*_args, **_kwargs):
        raise RuntimeError("Dijk 111222333")  # what a library message might carry
    monkeypatch.setattr(intake_api.intake, "receive", broken)
    status, body = post(intake, signal_body())
    assert status == 500 and body["error"] == "internal" and "Dijk" not in str(body)
    assert "unexpected error" in caplog.text and "111222333" not in "".join(repr(vars(r)) for r in caplog.records)


def test_registering_a_municipality_again_keeps_its_criteria_versions(intake):
    from vroegsignaal.adapters import registry
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import example_document, parse_criteria
    repository = CriteriaRepository()
    repository.upload("GM0632", parse_criteria(example_document(), municipality_code="GM0632"))
    registry.register_municipality("GM0632", "Woerden", contact={"team": "Nieuw team"})
    assert repository.upload("GM0632", parse_criteria(example_document(), municipality_code="GM0632")).version == "v2"
