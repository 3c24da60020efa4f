"""The functions' configuration, read from the environment once per container.

`current()` is called at cold start by every handler, so a missing variable
fails there and then, not on the first request that needs it. Reading it is
cheap and it is dropped by `adapters.forget_container_state()`: tests and the
local stack set variables per test, before the handlers run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigurationError(RuntimeError):
    """A variable the function needs is not set (names the variable, never a value)."""


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set")
    return value


@dataclass(frozen=True, slots=True)
class Config:
    table_name: str
    bucket_name: str
    letters_queue_url: str
    tasks_queue_url: str
    sender_email: str
    # The classify function's: where a signal that can never be classified goes
    # (the ClassifyFailureQueue). Optional for the other functions.
    classify_failure_queue_url: str | None

    @classmethod
    def from_environment(cls) -> "Config":
        missing = [name for name in _REQUIRED if not os.environ.get(name)]
        if missing:
            raise ConfigurationError("environment variables not set: " + ", ".join(missing))
        return cls(table_name=_required("TABLE_NAME"), bucket_name=_required("BUCKET_NAME"),
                   letters_queue_url=_required("LETTERS_QUEUE_URL"), tasks_queue_url=_required("TASKS_QUEUE_URL"),
                   sender_email=_required("SENDER_EMAIL"),
                   classify_failure_queue_url=os.environ.get(CLASSIFY_FAILURE_QUEUE_VARIABLE) or None)

    def failure_queue_url(self) -> str:
        """The classify failure queue; ConfigurationError when the function has none."""
        if not self.classify_failure_queue_url:
            raise ConfigurationError(f"environment variable {CLASSIFY_FAILURE_QUEUE_VARIABLE} is not set")
        return self.classify_failure_queue_url


_REQUIRED = ("TABLE_NAME", "BUCKET_NAME", "LETTERS_QUEUE_URL", "TASKS_QUEUE_URL", "SENDER_EMAIL")
CLASSIFY_FAILURE_QUEUE_VARIABLE = "CLASSIFY_FAILURE_QUEUE_URL"
_current: Config | None = None


def current() -> Config:
    """The configuration of this container, read on first use."""
    global _current
    if _current is None:
        _current = Config.from_environment()
    return _current


def forget() -> None:
    global _current
    _current = None
