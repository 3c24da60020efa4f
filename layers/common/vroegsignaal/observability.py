"""Tracing that costs nothing at cold start unless it is switched on.

Lambda's active tracing records every invocation without any SDK. Powertools'
Tracer adds subsegments per method and per AWS call, but creating one imports
the X-Ray SDK (≈130 ms of cold start) even when it is disabled. So handlers
get the real Tracer only when POWERTOOLS_TRACE_DISABLED is not "true" (the
template's `XRaySdkTracing` parameter), and otherwise a stand-in with the same
decorators that does nothing.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


class _NoTracer:
    def capture_method(self, method: Callable[..., Any] | None = None, **_: Any) -> Any:
        return method if method is not None else (lambda inner: inner)

    def capture_lambda_handler(self, handler: Callable[..., Any] | None = None, **_: Any) -> Any:
        return handler if handler is not None else (lambda inner: inner)

    def put_annotation(self, *_: Any, **__: Any) -> None:
        pass


def tracer() -> Any:
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in ("true", "1"):
        return _NoTracer()
    from aws_lambda_powertools import Tracer
    return Tracer()


def publish_counts(metrics: Any, counts: dict[str, int]) -> None:
    """Counts gathered over one batch as one metric value each (not one per record:
    Powertools flushes early at 100 values), then forget them for the next batch."""
    for name, value in counts.items():
        metrics.add_metric(name=name, unit="Count", value=value)
    counts.clear()
