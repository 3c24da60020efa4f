"""No debtor data in the logs of the whole pipeline: intake, classification
(with a record that fails), and the letters and tasks handlers (with a message
that fails). What would reach CloudWatch is stdout/stderr and the log records
with all their extra fields."""
from __future__ import annotations

import logging

import pytest

from tests.factories import DEBTOR_SECRETS, signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, sqs_event, stream_event
from tests.integration.test_actions import drain, letter_objects

pytestmark = pytest.mark.usefixtures("tenants")

# Besides DEBTOR_SECRETS: the initials, the BSN, and the other debtors' data posted below.
SECRETS = DEBTOR_SECRETS + ("A.B.", "111222333", "123456782", "Vermeulen", "C.D.", "Kerkweg", "3442 CD", "3442CD",
                            "k.vermeulen@example.nl", "1968-07-15")


@pytest.fixture
def pipeline():
    import classify_stream
    import intake_api
    import letters_queue
    import tasks_queue
    from vroegsignaal import clock
    clock.reset()
    yield intake_api.lambda_handler, classify_stream.lambda_handler, letters_queue.lambda_handler, \
        tasks_queue.lambda_handler
    clock.reset()


def _stored_image(partner: str, reference: str) -> dict:
    from vroegsignaal.adapters import aws, table
    key = table.key(f"SIGNAL#{partner}#{reference}", "SIGNAL")
    return aws.client("dynamodb").get_item(TableName=table.table_name(), Key=key)["Item"]


def test_no_debtor_data_in_the_logs_of_the_whole_pipeline(pipeline, capsys, caplog):
    caplog.set_level(logging.INFO)
    # The batch processor reports a failing record only at DEBUG: take it in, it carries the exception.
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools.utilities.batch")
    intake, classify, letters, tasks = pipeline
    bodies = [
        ("energie-noord", signal_body(reference="EN-1")),  # a letter
        ("energie-noord", signal_body(reference="EN-2", crisis=True, debtor__address__house_number=14)),  # a visit
        ("woonstede", signal_body(reference="WS-1", debtor__initials="C.D.", debtor__prefix=None,
                                  debtor__last_name="Vermeulen", debtor__bsn="123456782",
                                  debtor__email="k.vermeulen@example.nl", debtor__date_of_birth="1968-07-15",
                                  debtor__address__street="Kerkweg", debtor__address__postcode="3442 CD",
                                  debtor__address__house_number=7, debtor__address__house_number_suffix=None)),
        ("energie-noord", signal_body(reference="EN-BAD", debtor__address__house_number=20)),  # fails below
    ]
    for partner, body in bodies:
        status, answer = call(intake, api_event("POST", "/signals", body=body, principal=PARTNERS[partner]))
        assert status == 201, answer
    images = [_stored_image(partner, body["reference"]) for partner, body in bodies]
    del images[3]["signal"]["M"]["debtor"]  # a record the classifier cannot read (the rest of it still is debtor data)
    event = stream_event(images)
    response = classify(event, LambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][3]["dynamodb"]["SequenceNumber"]}]}

    letter_messages, task_messages = drain("LETTERS_QUEUE_URL"), drain("TASKS_QUEUE_URL")
    assert letter_messages and task_messages
    letters_event = sqs_event(letter_messages + [{}])
    letters_event["Records"][-1]["body"] = "{not json"  # unreadable
    response = letters(letters_event, LambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": letters_event["Records"][-1]["messageId"]}]}
    assert len(letter_objects()) == len(letter_messages)
    tasks_event = sqs_event(task_messages, queue="vroegsignaal-TasksQueue")
    assert tasks(tasks_event, LambdaContext()) == {"batchItemFailures": []}

    captured = capsys.readouterr()
    logs = captured.out + captured.err + "".join(repr(vars(record)) for record in caplog.records)
    # The logs were captured at all: every stage's own messages are there.
    for message in ("signal handled", "signal classified", "step handled"):
        assert message in logs, f"not captured: {message}"
    failures = [r for r in caplog.records if "Record processing exception" in r.getMessage()]
    assert len(failures) == 2  # the stream record and the queue message
    for secret in SECRETS:
        assert secret not in logs, f"debtor data in logs: {secret}"
