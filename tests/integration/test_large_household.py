"""A household never outgrows its case (issue 8, row 2): 1 000 signals of one
household are all classified, its case view shows every one of them, a
contact attempt still fits, and a signal of another household in the same
stream meanwhile lands in its own case. A signal that can never be stored
goes to the failure queue at once, and its shard goes on.

moto's queries read the whole household partition (its log of one item per signal) where
DynamoDB reads a page, so the household test is quadratic here: `make test` classifies 200
signals (seconds), `make test-large` (CI, after make test) the 1 000 of the issue (minutes)."""
from __future__ import annotations

import json

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, municipality, stream_event

pytestmark = pytest.mark.usefixtures("tenants")
GM = "GM0632"


@pytest.fixture
def moto_without_table_snapshots(monkeypatch):
    """moto copies the whole table for every item of a transaction (to roll it back),
    which makes a test of thousands of items quadratic. Where no transaction is
    expected to fail, that copy is skipped; DynamoDB itself charges per item written."""
    import copy

    import moto.dynamodb.models as backend
    from moto.dynamodb.models.table import Table

    class _Copy:
        @staticmethod
        def deepcopy(value):
            return value if isinstance(value, Table) else copy.deepcopy(value)

    monkeypatch.setattr(backend, "copy", _Copy)


@pytest.fixture
def h():
    import classify_stream
    import intake_api
    import municipality_api
    return classify_stream, intake_api, municipality_api


def post_batch(intake, bodies, partner="energie-noord"):
    status, answer = call(intake.lambda_handler, api_event("POST", "/signals/batch", body={"signals": bodies},
                                                           principal=PARTNERS[partner]))
    assert status == 200 and answer["received"] == len(bodies), answer


def stored_images(partner, references):
    """The stored signals as the stream's NewImages, in the order of `references`."""
    from vroegsignaal.adapters import aws, keys, table
    found = {}
    for start in range(0, len(references), 100):
        request = {table.table_name(): {"Keys": [table.key(*keys.signal(partner, r))
                                                 for r in references[start:start + 100]]}}
        while request:
            response = aws.client("dynamodb").batch_get_item(RequestItems=request)
            for item in response["Responses"][table.table_name()]:
                found[item["reference"]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
    return [found[r] for r in references]


def stored_image(partner, reference):
    from vroegsignaal.adapters import aws, keys, table
    return aws.client("dynamodb").get_item(TableName=table.table_name(),
                                           Key=table.key(*keys.signal(partner, reference)))["Item"]


def mun(municipality_api, method, resource, params, body=None):
    event = api_event(method, "/municipalities/{code}" + resource, {"code": GM, **params}, body=body,
                      principal=municipality(GM))
    return call(municipality_api.lambda_handler, event)


def case_id_of(partner, reference):
    from vroegsignaal.adapters import keys, table
    return table.get(*keys.signal(partner, reference)).get("case_id")


@pytest.mark.usefixtures("moto_without_table_snapshots")
@pytest.mark.parametrize("signals", [200, pytest.param(1000, marks=pytest.mark.large)])
def test_a_household_of_many_signals_is_classified_whole_and_does_not_stall_its_shard(h, signals):
    classify_stream, intake, municipality_api = h
    references = [f"EN-{n:04d}" for n in range(signals)]
    bodies = [signal_body(reference=reference, customer_number=f"880{n:06d}", amount="1500.00")
              for n, reference in enumerate(references)]
    for start in range(0, signals, 500):
        post_batch(intake, bodies[start:start + 500])
    post_batch(intake, [signal_body(reference="WS-1", debtor__address__house_number=99)], partner="woonstede")
    images = stored_images("energie-noord", references)
    neighbour = stored_image("woonstede", "WS-1")
    batches = [images[start:start + 100] for start in range(0, signals, 100)]
    middle = len(batches) // 2
    batches[middle] = batches[middle][:50] + [neighbour] + batches[middle][50:]  # posted meanwhile, same shard
    for batch in batches:
        assert classify_stream.lambda_handler(stream_event(batch), LambdaContext()) == {"batchItemFailures": []}

    case_ids = {case_id_of("energie-noord", reference) for reference in references}
    assert len(case_ids) == 1 and None not in case_ids  # every signal classified, into one case
    (case_id,) = case_ids
    neighbour_case = case_id_of("woonstede", "WS-1")
    assert neighbour_case is not None and neighbour_case != case_id

    status, view = mun(municipality_api, "GET", "/cases/{case_id}", {"case_id": case_id})
    assert status == 200 and view["signal_count"] == signals
    assert sorted(s["reference"] for s in view["signals"]) == references
    assert len(view["classifications"]) == signals
    assert view["total_amount"] == f"{1500 * signals}.00"

    status, attempt = mun(municipality_api, "POST", "/cases/{case_id}/contact-attempts", {"case_id": case_id},
                          body={"type": "Telefoon", "reached": True})
    assert status == 201 and attempt["reached"] is True
    from vroegsignaal.adapters.cases import DynamoCaseStore
    store = DynamoCaseStore()
    case = store.find(GM, case_id)
    assert case["picked_up_at"] == attempt["registered_at"] and case["last_reached_at"] == attempt["registered_at"]
    assert [a["attempt_id"] for a in store.log(case)["contact_attempt"]] == [attempt["attempt_id"]]


@pytest.mark.usefixtures("moto_without_table_snapshots")
def test_the_case_item_stays_small_however_many_signals_join(h):
    from vroegsignaal.adapters import keys, table
    classify_stream, intake, _ = h
    references = [f"EN-{n:03d}" for n in range(60)]
    post_batch(intake, [signal_body(reference=r, customer_number=f"880{n:06d}") for n, r in enumerate(references)])
    sizes = []
    for reference in references:
        classify_stream.lambda_handler(stream_event([stored_image("energie-noord", reference)]), LambdaContext())
        stored = table.get(*keys.signal("energie-noord", reference))
        case = table.get(*keys.case(stored["household"], stored["case_id"]))
        sizes.append(len(json.dumps(case)))
    assert sizes[-1] < sizes[1] * 1.5, sizes  # bounded: not one entry per signal


def _failure_queue_url():
    from vroegsignaal.adapters import aws
    urls = aws.client("sqs").list_queues()["QueueUrls"]
    (url,) = [u for u in urls if "ClassifyFailure" in u]
    return url


def test_a_signal_that_can_never_be_stored_goes_to_the_failure_queue_at_once(h, monkeypatch):
    from vroegsignaal.adapters import aws, config
    classify_stream, intake, _ = h
    url = _failure_queue_url()
    monkeypatch.setenv(config.CLASSIFY_FAILURE_QUEUE_VARIABLE, url)
    config.forget()
    post_batch(intake, [signal_body(reference="EN-BIG"), signal_body(reference="EN-OK", debtor__address__house_number=7)])
    big = stored_image("energie-noord", "EN-BIG")
    # What DynamoDB can never take: a case log entry over 400 KB.
    big["signal"]["M"]["debtor"]["M"]["last_name"] = {"S": "x" * 450_000}
    event = stream_event([big, stored_image("energie-noord", "EN-OK")])
    assert classify_stream.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert case_id_of("energie-noord", "EN-OK") is not None  # the shard went on
    assert case_id_of("energie-noord", "EN-BIG") is None
    messages = aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    (message,) = [json.loads(m["Body"]) for m in messages]
    assert message["reference"] == "EN-BIG" and message["reason"] == "ValidationException"
    assert "x" * 20 not in json.dumps(message)  # ids only, no debtor data
