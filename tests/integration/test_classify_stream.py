"""The classify handler on stream batches, against moto: cases, baskets, queued
steps, redelivery, partial failures and criteria that went bad in S3."""
import json

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, sqs_event, stream_event

pytestmark = pytest.mark.usefixtures("tenants")


@pytest.fixture
def handlers():
    import classify_stream
    import intake_api
    return intake_api.lambda_handler, classify_stream.lambda_handler


def receive(intake, partner="energie-noord", **overrides) -> dict:
    """Post a signal and return its stored item in low-level form (the stream's NewImage)."""
    from vroegsignaal.adapters import aws, table
    body = signal_body(**overrides)
    status, _ = call(intake, api_event("POST", "/signals", body=body, principal=PARTNERS[partner]))
    assert status == 201
    key = table.key(f"SIGNAL#{partner}#{body['reference']}", "SIGNAL")
    return aws.client("dynamodb").get_item(TableName=table.table_name(), Key=key)["Item"]


def cases_of(code="GM0632"):
    """The municipality's case items as stored, oldest first (a scan: a test's small table)."""
    from vroegsignaal.adapters import aws, table
    pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=table.table_name())
    items = [table.from_attrs(i) for page in pages for i in page["Items"]]
    return sorted((i for i in items if i.get("type") == "case" and i["municipality_code"] == code),
                  key=lambda i: i["gsi1sk"])


def log_of(case) -> dict:
    """A case's log (signals, classifications, ...) as the store reads it."""
    from vroegsignaal.adapters.cases import DynamoCaseStore
    return DynamoCaseStore().log(case)


def queued(queue_env):
    import os

    from vroegsignaal.adapters import aws
    sqs = aws.client("sqs")
    messages = sqs.receive_message(QueueUrl=os.environ[queue_env], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def test_new_signals_open_cases_in_their_baskets_and_queue_first_steps(handlers):
    intake, classify = handlers
    low = receive(intake, reference="EN-1")
    crisis = receive(intake, reference="EN-2", crisis=True, debtor__address__house_number=14)
    response = classify(stream_event([low, crisis]), LambdaContext())
    assert response == {"batchItemFailures": []}
    baskets = sorted(case["basket_id"] for case in cases_of())
    assert baskets == ["crisis", "enkelvoudig"]
    letters, tasks = queued("LETTERS_QUEUE_URL"), queued("TASKS_QUEUE_URL")
    assert [m["action"] for m in letters] == ["letter"] and [m["action"] for m in tasks] == ["home_visit"]
    assert all(set(m) == {"case_id", "household", "municipality_code", "step_id", "action", "basket_id"}
               for m in letters + tasks)  # no debtor data on the queues


def test_signal_gets_its_case_and_the_partner_sees_received(handlers):
    from vroegsignaal.adapters import table
    intake, classify = handlers
    classify(stream_event([receive(intake)]), LambdaContext())
    stored = table.get("SIGNAL#energie-noord#EN-2026-000123", "SIGNAL")
    (case,) = cases_of()
    assert [entry["signal_id"] for entry in log_of(case)["signal"]] == [stored["signal_id"]]
    assert case["pk"].startswith("HH#") and "3441" not in case["pk"]  # a keyed hash, not the address
    event = api_event("GET", "/signals/{reference}", {"reference": "EN-2026-000123"}, principal=PARTNERS["energie-noord"])
    assert call(intake, event)[1]["status"] == "received"


def test_second_partner_at_the_same_household_makes_it_meervoudig(handlers):
    intake, classify = handlers
    classify(stream_event([receive(intake)]), LambdaContext())
    second = receive(intake, "woonstede", reference="WS-9", debtor__address__postcode="3441ab")
    classify(stream_event([second]), LambdaContext())
    (case,) = cases_of()
    assert case["basket_id"] == "meervoudig" and len(log_of(case)["signal"]) == 2
    assert len(log_of(case)["classification"]) == 2


def test_two_partners_of_one_household_in_one_batch_make_one_case(handlers):
    intake, classify = handlers
    first = receive(intake, reference="EN-1")
    # The other partner in the household, reported by another partner, with the address written differently.
    second = receive(intake, "woonstede", reference="WS-1", signal_date="2026-11-22",
                     debtor__initials="P.", debtor__prefix=None, debtor__last_name="Jansen",
                     debtor__bsn="123456782", debtor__address__postcode="3441ab",
                     debtor__address__house_number_suffix="BIS")
    assert classify(stream_event([first, second]), LambdaContext()) == {"batchItemFailures": []}
    (case,) = cases_of()
    assert len(log_of(case)["signal"]) == 2
    assert {e["reference"] for e in log_of(case)["signal"]} == {"EN-1", "WS-1"}
    assert case["basket_id"] == "meervoudig" and case["start_date"] == "2026-11-20"


def test_redelivered_batch_changes_nothing(handlers):
    from vroegsignaal.adapters import table
    intake, classify = handlers
    event = stream_event([receive(intake, reference="EN-1"), receive(intake, reference="EN-2",
                                                                     debtor__address__house_number=99)])
    classify(event, LambdaContext())
    before = {c["case_id"]: c for c in cases_of()}
    assert classify(event, LambdaContext()) == {"batchItemFailures": []}
    after = {c["case_id"]: c for c in cases_of()}
    assert after == before  # same cases, same versions, nothing written twice
    assert all(c["version"] == 1 for c in after.values())
    signal_ids = [e["signal_id"] for c in after.values() for e in log_of(c)["signal"]]
    assert table.get("SIGNAL#energie-noord#EN-1", "SIGNAL")["signal_id"] in signal_ids

    # Whatever the two deliveries queued, carrying it out makes one letter per case.
    import letters_queue
    from vroegsignaal.adapters.cases import DynamoCaseStore

    from tests.integration.test_actions import drain, letter_objects
    messages = drain("LETTERS_QUEUE_URL")
    assert {m["case_id"] for m in messages} == set(after)
    assert letters_queue.lambda_handler(sqs_event(messages), LambdaContext()) == {"batchItemFailures": []}
    objects = letter_objects()
    for case_id, case in after.items():
        assert len([key for key in objects if key.startswith(f"letters/GM0632/{case_id}/")]) == 1, (case_id, objects)
        assert len(DynamoCaseStore().get(case["household"], case_id)["letters"]) == 1
    assert len(objects) == len(after)


def test_a_failing_record_is_reported_alone_and_the_others_are_committed(handlers):
    intake, classify = handlers
    good1 = receive(intake, reference="EN-1")
    bad = receive(intake, reference="EN-2", debtor__address__house_number=20)
    good2 = receive(intake, reference="EN-3", debtor__address__house_number=30)
    del bad["signal"]["M"]["debtor"]  # a record the classifier cannot read
    event = stream_event([good1, bad, good2])
    response = classify(event, LambdaContext())
    failed_sequence = event["Records"][1]["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": failed_sequence}]}
    assert len(cases_of()) == 2


def test_corrupt_criteria_in_s3_never_stop_classification(handlers, caplog):
    import logging
    import os

    from vroegsignaal.adapters import aws
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import example_document, parse_criteria
    intake, classify = handlers
    CriteriaRepository().upload("GM0632", parse_criteria(example_document(), municipality_code="GM0632"))
    classify(stream_event([receive(intake, reference="EN-1")]), LambdaContext())
    aws.client("s3").put_object(Bucket=os.environ["BUCKET_NAME"], Key="criteria/GM0632/active.json", Body=b"{not json")
    # The pointer on the profile announces a change (as a write of active.json does), so the
    # classifier reads the object again.
    from vroegsignaal.adapters import table
    table.dynamodb().update_item(TableName=table.table_name(), Key=table.key("MUN#GM0632", "PROFILE"),
                                 UpdateExpression="SET active_criteria.etag = :e",
                                 ExpressionAttributeValues={":e": {"S": "changed"}})
    caplog.set_level(logging.ERROR)
    caplog.clear()
    young = receive(intake, reference="EN-2", debtor__address__house_number=50, debtor__date_of_birth="2005-01-01")
    assert classify(stream_event([young]), LambdaContext()) == {"batchItemFailures": []}
    by_number = {c["house_number"]: c for c in cases_of()}
    assert by_number[50]["basket_id"] == "jongeren" and by_number[50]["criteria_version"] == "v1"
    # The corrupt object was read and rejected, not skipped by a cache that never looked.
    rejected = [r for r in caplog.records if r.levelno == logging.ERROR
                and r.getMessage().startswith("active criteria object is not valid")]
    assert rejected, [r.getMessage() for r in caplog.records]
    assert all(getattr(r, "municipality_code", None) == "GM0632" for r in rejected)


def test_corrupt_criteria_without_a_good_copy_fall_back_to_the_default(handlers):
    import os

    from vroegsignaal.adapters import aws
    intake, classify = handlers
    aws.client("s3").put_object(Bucket=os.environ["BUCKET_NAME"], Key="criteria/GM0632/active.json",
                                Body=json.dumps({"version": "v9", "document": {"baskets": []}}).encode())
    assert classify(stream_event([receive(intake)]), LambdaContext()) == {"batchItemFailures": []}
    assert cases_of()[0]["criteria_version"] == "default"


def test_calls_per_classified_signal(handlers):
    """Two DynamoDB calls per signal (the household's cases, one transaction) plus one
    look at the active criteria per batch, and no S3 call while the criteria are unchanged."""
    from vroegsignaal.adapters import aws
    intake, classify = handlers
    items = [receive(intake, reference=f"EN-{i}", debtor__address__house_number=i + 1) for i in range(5)]
    classify(stream_event(items[:1]), LambdaContext())  # warms the criteria cache
    calls = []
    for service in ("dynamodb", "s3"):
        aws.client(service).meta.events.register("before-call", lambda model, **_: calls.append(model.service_model.service_name))
    classify(stream_event(items[1:]), LambdaContext())
    assert calls.count("dynamodb") == 2 * 4 + 1 and calls.count("s3") == 0
