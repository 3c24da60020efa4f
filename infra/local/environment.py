"""The process environment the functions see, and undoing it when the stack stops."""
from __future__ import annotations

import os
from collections.abc import Mapping

from .cfn import REGION

# The process environment of every function, before the template's variables.
BASE_ENVIRONMENT: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": None,          # never a real session, never a real profile
    "AWS_SECURITY_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",  # moto does not route account-based endpoints
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "vroegsignaal",
    "POWERTOOLS_METRICS_NAMESPACE": "Vroegsignaal",
    "AWS_XRAY_SDK_ENABLED": "false",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}


class ProcessEnvironment:
    """os.environ changes that are undone on stop(), so an in-process stack leaves no trace."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()
