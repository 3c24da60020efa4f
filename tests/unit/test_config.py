"""The configuration object: read once, a missing variable fails at start."""
from __future__ import annotations

import pytest
from vroegsignaal.adapters import config

ENVIRONMENT = {"TABLE_NAME": "t", "BUCKET_NAME": "b", "LETTERS_QUEUE_URL": "https://q/letters",
               "TASKS_QUEUE_URL": "https://q/tasks", "SENDER_EMAIL": "noreply@example.nl"}


@pytest.fixture
def environment(monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(config.CLASSIFY_FAILURE_QUEUE_VARIABLE, raising=False)
    config.forget()
    yield monkeypatch
    config.forget()


def test_every_missing_variable_is_named_at_once_at_start(environment):
    environment.delenv("TABLE_NAME")
    environment.delenv("SENDER_EMAIL")
    with pytest.raises(config.ConfigurationError) as failed:
        config.check()
    assert "TABLE_NAME" in str(failed.value) and "SENDER_EMAIL" in str(failed.value)


def test_a_tool_reads_only_what_it_uses(environment):
    environment.delenv("BUCKET_NAME")
    assert config.current().table_name == "t"
    with pytest.raises(config.ConfigurationError, match="BUCKET_NAME"):
        _ = config.current().bucket_name


def test_read_once_until_forgotten(environment):
    assert config.current().table_name == "t"
    environment.setenv("TABLE_NAME", "other")
    assert config.current().table_name == "t"
    config.forget()
    assert config.current().table_name == "other"


def test_the_classify_failure_queue_is_required_where_it_is_used(environment):
    with pytest.raises(config.ConfigurationError) as failed:
        config.current().failure_queue_url()
    assert config.CLASSIFY_FAILURE_QUEUE_VARIABLE in str(failed.value)
    with pytest.raises(config.ConfigurationError, match=config.CLASSIFY_FAILURE_QUEUE_VARIABLE):
        config.check(config.CLASSIFY_FAILURE_QUEUE_VARIABLE)  # how the classify handler will start
    environment.setenv(config.CLASSIFY_FAILURE_QUEUE_VARIABLE, "https://q/failures")
    config.forget()
    assert config.current().failure_queue_url() == "https://q/failures"
