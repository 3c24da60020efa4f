"""An in-process local stack leaves the process as it found it (tests and benches share it)."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra.local import LocalStack

FIXTURE_TEMPLATE = Path(__file__).resolve().parents[1] / "e2e" / "fixtures" / "template.yaml"
WATCHED = ("AWS_ENDPOINT_URL", "TABLE_NAME", "WORK_QUEUE_URL", "AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_PROFILE")


def test_stop_restores_the_environment_and_the_clock():
    before = {name: os.environ.get(name) for name in WATCHED}
    with LocalStack(port=0, template=FIXTURE_TEMPLATE) as stack:
        assert os.environ["AWS_ENDPOINT_URL"] == stack.endpoint_url
        assert os.environ["TABLE_NAME"] == "vroegsignaal-Table"
        stack.advance_clock(3)
    assert {name: os.environ.get(name) for name in WATCHED} == before
    from vroegsignaal import clock
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5


def test_a_failed_start_leaves_no_trace(tmp_path):
    before = dict(os.environ)
    with pytest.raises(FileNotFoundError):
        LocalStack(port=0, template=tmp_path / "missing.yaml").start()
    assert dict(os.environ) == before
