"""Treatment paths carried out: letters (PDF in S3), e-mails (SES), tasks, and
follow-up steps on a moving clock — handlers against moto."""
import json
import os

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, sqs_event, stream_event

pytestmark = pytest.mark.usefixtures("tenants")


@pytest.fixture
def pipeline():
    import classify_stream
    import intake_api
    import letters_queue
    import tasks_queue
    from vroegsignaal import clock
    clock.reset()
    yield intake_api.lambda_handler, classify_stream.lambda_handler, letters_queue.lambda_handler, \
        tasks_queue.lambda_handler, run_followups
    clock.reset()


def run_followups(event, context):
    """The schedule's run, then every page of work it fanned out (and their next pages),
    through the worker as its event source delivers them; returns the pages handled."""
    import followups_schedule
    import followups_worker
    scheduled = followups_schedule.lambda_handler(event, context)
    assert scheduled["partitions"] > 0
    pages = 0
    while work := drain("FOLLOWUPS_QUEUE_URL"):
        event = sqs_event(work, queue="vroegsignaal-FollowUpsQueue")
        assert followups_worker.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}
        pages += len(work)
    return pages


def drain(queue_env):
    """Take every message off a queue (as the Lambda poller would)."""
    from vroegsignaal.adapters import aws
    sqs, bodies = aws.client("sqs"), []
    while True:
        got = sqs.receive_message(QueueUrl=os.environ[queue_env], MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return bodies
        for message in got:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=os.environ[queue_env], ReceiptHandle=message["ReceiptHandle"])


def open_case(pipeline, **overrides):
    from vroegsignaal.adapters import aws, table
    intake, classify, *_ = pipeline
    body = signal_body(**overrides)
    assert call(intake, api_event("POST", "/signals", body=body, principal=PARTNERS["energie-noord"]))[0] == 201
    key = table.key(f"SIGNAL#energie-noord#{body['reference']}", "SIGNAL")
    item = aws.client("dynamodb").get_item(TableName=table.table_name(), Key=key)["Item"]
    assert classify(stream_event([item]), LambdaContext()) == {"batchItemFailures": []}
    return the_case()


def the_case():
    from vroegsignaal.adapters.workbaskets import MunicipalityCaseStore
    (item,) = MunicipalityCaseStore().municipality_cases("GM0632")
    from vroegsignaal.adapters.cases import DynamoCaseStore
    return DynamoCaseStore().get(item["household"], item["case_id"])


def letter_objects():
    from vroegsignaal.adapters import aws
    listing = aws.client("s3").list_objects_v2(Bucket=os.environ["BUCKET_NAME"], Prefix="letters/")
    return [o["Key"] for o in listing.get("Contents", [])]


def test_a_letter_step_delivered_twice_makes_exactly_one_pdf(pipeline):
    import io

    from pypdf import PdfReader
    from vroegsignaal.adapters import aws
    _, _, letters, *_ = pipeline
    open_case(pipeline)
    (message,) = drain("LETTERS_QUEUE_URL")
    assert letters(sqs_event([message]), LambdaContext()) == {"batchItemFailures": []}
    assert letters(sqs_event([message]), LambdaContext()) == {"batchItemFailures": []}
    (key,) = letter_objects()
    case = the_case()
    assert len(case["letters"]) == 1 and case["steps"][0].status == "done"
    pdf = aws.client("s3").get_object(Bucket=os.environ["BUCKET_NAME"], Key=key)["Body"].read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "van Dijk" in text and "Rijnstraat 12" in text and "Woerden" in text


def test_a_failing_message_is_reported_and_the_others_are_done(pipeline):
    _, _, letters, *_ = pipeline
    open_case(pipeline)
    (good,) = drain("LETTERS_QUEUE_URL")
    bad = {**good, "household": "no-such-household", "case_id": None}  # unreadable: KeyError/TypeError
    bad.pop("step_id")
    event = sqs_event([bad, good])
    response = letters(event, LambdaContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert len(letter_objects()) == 1


def test_letter_then_phone_call_after_14_days(pipeline):
    from vroegsignaal import clock
    _, _, letters, tasks, followups = pipeline
    open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    followups({}, LambdaContext())
    assert drain("TASKS_QUEUE_URL") == []  # not yet due
    clock.advance(13)
    followups({}, LambdaContext())
    assert drain("TASKS_QUEUE_URL") == []
    clock.advance(1)
    followups({}, LambdaContext())
    (message,) = drain("TASKS_QUEUE_URL")
    assert message["action"] == "phone_call"
    assert tasks(sqs_event([message]), LambdaContext()) == {"batchItemFailures": []}
    assert tasks(sqs_event([message]), LambdaContext()) == {"batchItemFailures": []}  # redelivered
    case = the_case()
    assert len(case["tasks"]) == 1
    from vroegsignaal.adapters import tasks as task_store
    task = task_store.get(case["tasks"][0])
    assert (task["type"], task["status"], task["basket_id"]) == ("phone_call", "open", "enkelvoudig")


def test_no_phone_call_when_the_resident_was_reached(pipeline):
    from vroegsignaal import clock
    from vroegsignaal.adapters.cases import DynamoCaseStore
    _, _, letters, _, followups = pipeline
    open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    clock.advance(2)
    case = the_case()
    from vroegsignaal.domain.cases import register_contact_attempt
    entry = register_contact_attempt(case, {"type": "Telefoon", "reached": True}, "a1", clock.now())
    DynamoCaseStore().write(case, log=[entry])
    clock.advance(14)
    followups({}, LambdaContext())
    assert drain("TASKS_QUEUE_URL") == []
    assert [s.status for s in the_case()["steps"]] == ["done", "skipped"]


def test_no_phone_call_when_the_case_was_closed(pipeline):
    from vroegsignaal import clock
    from vroegsignaal.adapters.cases import DynamoCaseStore
    _, _, letters, _, followups = pipeline
    open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    case = the_case()
    case["status"] = "closed"
    DynamoCaseStore().write(case)
    clock.advance(20)
    followups({}, LambdaContext())
    assert drain("TASKS_QUEUE_URL") == []
    assert [s.status for s in the_case()["steps"]] == ["done", "pending"]  # a closed case's path stops


def test_email_step_sends_the_letter_text_by_ses(pipeline):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import parse_criteria
    _, _, letters, *_ = pipeline
    document = {"schema_version": 1, "baskets": [{"id": "mail", "name": "Mail", "action": "email"}]}
    CriteriaRepository().upload("GM0632", parse_criteria(document, municipality_code="GM0632"))
    import classify_stream
    classify_stream.criteria.clear()
    open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    assert len(sent) == 1 and sent[0].destinations["ToAddresses"] == ["a.vandijk@example.nl"]
    assert "Van Dijk" in sent[0].body and "Gemeente Woerden" in sent[0].body
    assert the_case()["letters"][0]["channel"] == "email"


def test_email_without_address_becomes_a_letter(pipeline):
    import classify_stream
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import parse_criteria

    from tests.factories import DELETE
    _, _, letters, *_ = pipeline
    document = {"schema_version": 1, "baskets": [{"id": "mail", "name": "Mail", "action": "email"}]}
    CriteriaRepository().upload("GM0632", parse_criteria(document, municipality_code="GM0632"))
    classify_stream.criteria.clear()
    open_case(pipeline, debtor__email=DELETE)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    assert the_case()["letters"][0]["channel"] == "letter" and len(letter_objects()) == 1


def test_a_case_waits_in_its_municipalitys_due_partition(pipeline):
    from vroegsignaal.adapters import keys, table
    from vroegsignaal.domain import paths
    case = open_case(pipeline)
    item = table.get(*keys.case(case["household"], case["case_id"]))
    assert (item["gsi4pk"], item["gsi4sk"]) == keys.due_index("GM0632", paths.next_due(case), case["case_id"])


def test_a_follow_up_page_delivered_twice_sends_its_step_once(pipeline):
    import followups_schedule
    import followups_worker
    from vroegsignaal import clock
    _, _, letters, _, _ = pipeline
    open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    clock.advance(14)
    followups_schedule.lambda_handler({}, LambdaContext())
    work = drain("FOLLOWUPS_QUEUE_URL")
    for _ in range(2):  # the page came back (its worker timed out after sending)
        event = sqs_event(work, queue="vroegsignaal-FollowUpsQueue")
        assert followups_worker.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}
    (message,) = drain("TASKS_QUEUE_URL")
    assert message["action"] == "phone_call"


def test_a_task_made_as_its_case_expired_goes_with_the_case(pipeline):
    """Retention deletes the tasks a case lists; a task made just before the case went
    (never listed on it) is removed when its redelivered message finds the case gone."""
    from vroegsignaal import clock
    from vroegsignaal.adapters import aws, keys, table
    from vroegsignaal.adapters import tasks as task_store
    _, _, letters, tasks, followups = pipeline
    case = open_case(pipeline)
    letters(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext())
    clock.advance(14)
    followups({}, LambdaContext())
    (message,) = drain("TASKS_QUEUE_URL")
    task_id = task_store.task_id_for(case["case_id"], message["step_id"])
    task_store.create_once({"task_id": task_id, "case_id": case["case_id"], "household": case["household"],
                            "municipality_code": "GM0632", "basket_id": message["basket_id"],
                            "step_id": message["step_id"], "type": "phone_call", "status": "open",
                            "assignee": None, "due": None, "created_at": clock.iso(clock.now()), "done_at": None})
    aws.client("dynamodb").delete_item(TableName=table.table_name(),  # the case expired (TTL)
                                       Key=table.key(*keys.case(case["household"], case["case_id"])))
    assert tasks(sqs_event([message]), LambdaContext()) == {"batchItemFailures": []}
    assert task_store.get(task_id) is None
