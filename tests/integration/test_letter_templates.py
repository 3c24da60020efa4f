"""A municipality's letter template in S3 (moto): GET, PUT and DELETE through the
service, and the letter step's view of it — a change is seen by the very next
letter, without the template's body being read again while it is unchanged."""
from __future__ import annotations

import pytest
from vroegsignaal.domain.errors import ValidationFailed

GM = "GM0632"
OWN = "Beste {{ naam }},\n\nWij helpen u graag.\n\n{{ afzender }}\n"
OTHER = "{{ aanhef }},\n\nBel ons.\n\n{{ afzender }}\n"


@pytest.fixture
def templates(aws):
    from vroegsignaal.adapters import letters
    from vroegsignaal.services.letter_templates import LetterTemplates

    return LetterTemplates(store=letters)


@pytest.fixture
def s3_answers(aws):
    """The HTTP status of every GetObject on the templates prefix."""
    from vroegsignaal.adapters.aws import client

    statuses: list[int] = []

    def record(http_response, **_):
        if "/templates/" in http_response.url:
            statuses.append(http_response.status_code)

    client("s3").meta.events.register("after-call.s3.GetObject", record)
    yield statuses
    client("s3").meta.events.unregister("after-call.s3.GetObject", record)


def test_get_is_the_default_until_a_template_is_put_and_again_after_delete(templates):
    from vroegsignaal.domain import letters

    default = templates.get(GM)
    assert default["template"] == "default" and default["text"] == letters.default_template()
    assert "aanhef" in default["variables"]

    assert templates.put(GM, OWN) == {"template": "custom", "variables": ["afzender", "naam"]}
    assert templates.get(GM) == {"template": "custom", "text": OWN, "variables": ["afzender", "naam"]}

    assert templates.delete(GM) == default
    assert templates.get(GM) == default
    assert templates.delete(GM) == default  # nothing to delete is no error


def test_a_refused_template_stores_nothing(templates):
    from vroegsignaal.adapters import letters

    templates.put(GM, OWN)
    for refused in ["{{ 10 ** 100000 }}", "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in "
                    "range(1000) %}{% endfor %}{% endfor %}{% endfor %}x", "{{ bsn }}"]:
        with pytest.raises(ValidationFailed):
            templates.put(GM, refused)
        assert letters.get_template(GM) == OWN


def test_the_letter_step_sees_a_change_at_once(templates):
    from vroegsignaal.adapters.letters import LetterStore

    store = LetterStore()  # one per container, as the letters function holds it
    assert store.template(GM) is None
    templates.put(GM, OWN)
    assert store.template(GM) == OWN
    templates.put(GM, OTHER)
    assert store.template(GM) == OTHER
    templates.delete(GM)
    assert store.template(GM) is None


def test_an_unchanged_template_is_not_read_again(templates, s3_answers):
    from vroegsignaal.adapters.letters import LetterStore

    store = LetterStore()
    templates.put(GM, OWN)
    s3_answers.clear()
    assert [store.template(GM) for _ in range(3)] == [OWN] * 3
    assert s3_answers == [200, 304, 304]  # the body once; then S3 only confirms the ETag


def test_a_letter_rendered_after_a_template_change_uses_it(tenants, templates):
    """municipality-api.md "Changes take effect at once", through the letters handler,
    whose container already holds the earlier template."""
    import io
    import os

    import step_consumer
    from pypdf import PdfReader
    from vroegsignaal.adapters import aws

    from tests.integration.events import LambdaContext, sqs_event
    from tests.integration.test_actions import drain, letter_objects, open_case

    templates.put(GM, "Beste {{ naam }},\n\nDe oude brief.\n\n{{ afzender }}\n")
    assert "oude" in step_consumer.runner.letter_store.template(GM)  # the container holds it
    templates.put(GM, "Beste {{ naam }},\n\nDe nieuwe brief.\n\n{{ afzender }}\n")

    import classify_stream
    import intake_api
    import letters_queue
    open_case((intake_api.lambda_handler, classify_stream.lambda_handler))
    assert letters_queue.lambda_handler(sqs_event(drain("LETTERS_QUEUE_URL")), LambdaContext()) == {
        "batchItemFailures": []}
    (key,) = letter_objects()
    pdf = aws.client("s3").get_object(Bucket=os.environ["BUCKET_NAME"], Key=key)["Body"].read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "De nieuwe brief." in text and "oude" not in text
