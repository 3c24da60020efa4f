"""The functions' configuration, read from the environment once per container.

Every handler calls `check()` at cold start, so a missing variable fails the
start, not the first request that needs it. Reading is cheap and the object
is dropped by `adapters.forget_container_state()`: tests and the local stack
set variables per test, before the handlers run. Tools that use one part of
the system (infra.admin with only TABLE_NAME) read what they use: a missing
variable is named when it is read.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

CLASSIFY_FAILURE_QUEUE_VARIABLE = "CLASSIFY_FAILURE_QUEUE_URL"
FOLLOWUPS_QUEUE_VARIABLE = "FOLLOWUPS_QUEUE_URL"  # the follow-up schedule's work queue (its two functions only)
PREVIEW_QUEUE_VARIABLE = "PREVIEW_QUEUE_URL"  # where the municipality function queues preview jobs
_FUNCTION_VARIABLES = ("TABLE_NAME", "BUCKET_NAME", "LETTERS_QUEUE_URL", "TASKS_QUEUE_URL", "SENDER_EMAIL")


class ConfigurationError(RuntimeError):
    """A variable the function needs is not set (names the variable, never a value)."""


@dataclass(frozen=True, slots=True)
class Config:
    variables: dict[str, str]

    @classmethod
    def from_environment(cls) -> "Config":
        names = (*_FUNCTION_VARIABLES, CLASSIFY_FAILURE_QUEUE_VARIABLE, FOLLOWUPS_QUEUE_VARIABLE,
                 PREVIEW_QUEUE_VARIABLE)
        return cls({name: os.environ[name] for name in names if os.environ.get(name)})

    def _get(self, name: str) -> str:
        value = self.variables.get(name)
        if not value:
            raise ConfigurationError(f"environment variable {name} is not set")
        return value

    def missing(self, *extra: str) -> list[str]:
        return [name for name in (*_FUNCTION_VARIABLES, *extra) if not self.variables.get(name)]

    @property
    def table_name(self) -> str:
        return self._get("TABLE_NAME")

    @property
    def bucket_name(self) -> str:
        return self._get("BUCKET_NAME")

    @property
    def letters_queue_url(self) -> str:
        return self._get("LETTERS_QUEUE_URL")

    @property
    def tasks_queue_url(self) -> str:
        return self._get("TASKS_QUEUE_URL")

    @property
    def sender_email(self) -> str:
        return self._get("SENDER_EMAIL")

    def failure_queue_url(self) -> str:
        """The classify failure queue (the ClassifyFunction's only)."""
        return self._get(CLASSIFY_FAILURE_QUEUE_VARIABLE)

    def followups_queue_url(self) -> str:
        """The follow-up work queue (the schedule and its worker only)."""
        return self._get(FOLLOWUPS_QUEUE_VARIABLE)

    def preview_queue_url(self) -> str:
        """The preview job queue."""
        return self._get(PREVIEW_QUEUE_VARIABLE)


DDAS_SUPPLIER_CODE_VARIABLE = "DDAS_SUPPLIER_CODE"


def ddas_supplier_code() -> str:
    """The deployment's codeGegevensleverancier (the template's DdasSupplierCode)."""
    value = os.environ.get(DDAS_SUPPLIER_CODE_VARIABLE)
    if not value:
        raise ConfigurationError(f"environment variable {DDAS_SUPPLIER_CODE_VARIABLE} is not set")
    return value


_current: Config | None = None


def current() -> Config:
    """The configuration of this container, read on first use."""
    global _current
    if _current is None:
        _current = Config.from_environment()
    return _current


def check(*extra: str) -> Config:
    """At a function's cold start: every variable a function has (and `extra`) is set,
    or ConfigurationError naming all that are missing."""
    settings = current()
    missing = settings.missing(*extra)
    if missing:
        raise ConfigurationError("environment variables not set: " + ", ".join(missing))
    return settings


def forget() -> None:
    global _current
    _current = None
