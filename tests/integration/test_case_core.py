"""The centre of the case, against moto: criteria changes take effect at once
(without an S3 read per record), re-activating the default has a time, a
letter whose template fails is a failed step with its reason (the message is
done), and the case view's letters and steps name each other."""
from __future__ import annotations

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, sqs_event, stream_event
from tests.integration.test_actions import drain, letter_objects, open_case, pipeline  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("tenants")
GM = "GM0632"


def classify_new(pipeline, reference, **overrides):  # noqa: F811
    from vroegsignaal.adapters import aws, keys, table
    intake, classify, *_ = pipeline
    body = signal_body(reference=reference, **overrides)
    assert call(intake, api_event("POST", "/signals", body=body, principal=PARTNERS["energie-noord"]))[0] == 201
    image = aws.client("dynamodb").get_item(TableName=table.table_name(),
                                            Key=table.key(*keys.signal("energie-noord", reference)))["Item"]
    assert classify(stream_event([image]), LambdaContext()) == {"batchItemFailures": []}
    stored = table.get(*keys.signal("energie-noord", reference))
    return table.get(*keys.case(stored["household"], stored["case_id"]))


def counting_s3_calls():
    from vroegsignaal.adapters import aws
    calls = []
    aws.client("s3").meta.events.register("before-call", lambda model, **_: calls.append(model.name))
    return calls


def test_a_signal_classified_after_an_upload_or_activation_uses_that_version(pipeline):  # noqa: F811
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import example_document, parse_criteria
    repository = CriteriaRepository()
    assert classify_new(pipeline, "EN-1", debtor__address__house_number=1)["criteria_version"] == "default"
    repository.upload(GM, parse_criteria(example_document(), municipality_code=GM))  # the 201 of PUT criteria
    assert classify_new(pipeline, "EN-2", debtor__address__house_number=2)["criteria_version"] == "v1"
    repository.activate(GM, "default")                                               # the 200 of activate
    assert classify_new(pipeline, "EN-3", debtor__address__house_number=3)["criteria_version"] == "default"
    repository.activate(GM, "v1")
    assert classify_new(pipeline, "EN-4", debtor__address__house_number=4)["criteria_version"] == "v1"


def test_unchanged_criteria_are_not_read_from_s3_again(pipeline):  # noqa: F811
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import example_document, parse_criteria
    CriteriaRepository().upload(GM, parse_criteria(example_document(), municipality_code=GM))
    calls = counting_s3_calls()
    classify_new(pipeline, "EN-1", debtor__address__house_number=1)
    assert calls == ["GetObject"]  # the pointer changed since this container last looked: read once
    for number in (2, 3, 4):
        classify_new(pipeline, f"EN-{number}", debtor__address__house_number=number)
    assert calls == ["GetObject"]


def test_reactivating_the_default_answers_and_keeps_its_activation_time(pipeline):  # noqa: F811
    from vroegsignaal import clock
    from vroegsignaal.adapters.criteria_store import CriteriaRepository
    from vroegsignaal.domain.criteria import example_document, parse_criteria
    repository = CriteriaRepository()
    repository.upload(GM, parse_criteria(example_document(), municipality_code=GM))
    clock.advance(1)
    before = clock.iso(clock.now())
    answered = repository.activate(GM, "default")
    assert answered.activated_at is not None and before <= answered.activated_at <= clock.iso(clock.now())
    assert repository.active(GM).view() == answered.view()
    assert repository.active(GM).view()["default"] is True


def test_a_letter_whose_template_fails_is_a_failed_step_with_its_reason(pipeline, monkeypatch):  # noqa: F811
    from vroegsignaal.domain import letters
    from vroegsignaal.domain.errors import LetterFailed
    from vroegsignaal.services.views import case_view

    def fails(context, template=None):
        raise LetterFailed("the template took longer than 2 seconds to render")

    monkeypatch.setattr(letters, "render_text", fails)
    _, _, letters_handler, *_ = pipeline
    case = open_case(pipeline)
    messages = drain("LETTERS_QUEUE_URL")
    assert letters_handler(sqs_event(messages), LambdaContext()) == {"batchItemFailures": []}  # done, not retried
    assert letter_objects() == []
    from vroegsignaal.adapters.cases import DynamoCaseStore

    from tests.integration.test_actions import the_case
    stored = the_case()
    view = case_view(stored, [], DynamoCaseStore().log(stored))
    (letter_step,) = [s for s in view["steps"] if s["action"] == "letter"]
    assert letter_step["status"] == "failed"
    assert letter_step["reason"] == "the template took longer than 2 seconds to render"
    assert view["letters"] == [] and case["case_id"] == stored["case_id"]
    # The message again (a redelivery) changes nothing: the step is no longer waiting.
    assert letters_handler(sqs_event(messages), LambdaContext()) == {"batchItemFailures": []}
    assert the_case()["version"] == stored["version"]


def test_the_case_view_lists_each_letter_with_its_channel_and_the_step_that_made_it(pipeline):  # noqa: F811
    from vroegsignaal.adapters.cases import DynamoCaseStore
    from vroegsignaal.services.views import case_view

    from tests.integration.test_actions import the_case
    _, _, letters_handler, *_ = pipeline
    open_case(pipeline)
    assert letters_handler(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext()) == {"batchItemFailures": []}
    stored = the_case()
    view = case_view(stored, [], DynamoCaseStore().log(stored))
    (letter,) = view["letters"]
    assert letter["channel"] == "letter"
    assert letter["step"] in {step["step_id"] for step in view["steps"]}


def test_a_classified_signal_is_one_log_item_and_reads_back_as_its_two_entries(pipeline):  # noqa: F811
    from vroegsignaal.adapters import keys, table
    from vroegsignaal.adapters.cases import DynamoCaseStore, case_from_item
    stored = case_from_item(classify_new(pipeline, "EN-1"))
    items = table.query_all(key_condition="pk = :pk AND begins_with(sk, :log)",
                            values={":pk": keys.household(stored["household"]),
                                    ":log": keys.case_log_prefix(stored["case_id"])})
    (item,) = items  # the signal entry, its classification beside it
    assert item["kind"] == "signal" and [e["kind"] for e in item["also"]] == ["classification"]
    assert "lines" not in item["also"][0]["body"]["explanation"]  # matched and failed spell them
    log = DynamoCaseStore().log(stored)
    (signal,), (classification,) = log["signal"], log["classification"]
    assert signal["reference"] == "EN-1" and classification["basket_id"] == stored["basket_id"]
    assert classification["explanation"]["lines"][-1].startswith(f"{stored['basket_id']}: ")
