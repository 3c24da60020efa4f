"""A message the letters function cannot handle is retried, then kept in the
dead-letter queue; the other work goes on and nothing is lost (real template,
real handlers, in-process local stack)."""
from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from infra.local import LocalStack
from tests.factories import signal_body

pytestmark = pytest.mark.e2e
TENANTS = Path(__file__).resolve().parents[2] / "infra" / "tenants.demo.json"


def test_a_poison_message_goes_to_the_dead_letter_queue_and_the_rest_is_done():
    tenants = json.loads(TENANTS.read_text())
    partner_key = tenants["partners"][0]["api_key"]
    with LocalStack(port=0, tenants=TENANTS, environment={"POWERTOOLS_LOG_LEVEL": "ERROR"}) as stack:
        sqs = stack.client("sqs")
        letters = stack.resources.queues["LettersQueue"].url
        dead_letters = stack.resources.queues["LettersDeadLetterQueue"].url
        sqs.send_message(QueueUrl=letters, MessageBody="this is not a step message")
        request = urllib.request.Request(f"{stack.base_url}/signals", data=json.dumps(signal_body()).encode(),
                                         method="POST", headers={"Authorization": f"Bearer {partner_key}"})
        assert urllib.request.urlopen(request).status == 201

        deadline = time.monotonic() + 60
        kept = []
        while not kept and time.monotonic() < deadline:
            kept = sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10).get("Messages", [])
            time.sleep(0.5)
        assert [m["Body"] for m in kept] == ["this is not a step message"]
        stack.wait_until_quiet(timeout=60)
        listing = stack.client("s3").list_objects_v2(Bucket=next(iter(stack.resources.buckets.values())),
                                                      Prefix="letters/GM0632/")
        assert len(listing.get("Contents", [])) == 1  # the good signal's letter was made
