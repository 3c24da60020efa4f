"""Lanes of invocations: the API is served while the pipeline drains.

On AWS every invocation has a container of its own. Here all functions share
one process, so:

- the pipeline lane (stream, queues, schedules, notifications) runs one
  invocation at a time: a backlog is worked off in order and takes at most
  one thread's share of the interpreter;
- the API lane runs up to API_CONCURRENCY requests at once, beside the
  pipeline: no request waits for a backlog to drain.

moto handles one request at a time in its own process (infra/local/state.py),
so concurrent functions are safe there; Powertools' metrics are one set per
process, so their operations are serialised (`guard_powertools_metrics`).
"""
from __future__ import annotations

import threading
from typing import Any

API_CONCURRENCY = 4


class Lane:
    def __init__(self, name: str, concurrency: int):
        self.name = name
        self._slots = threading.BoundedSemaphore(concurrency)

    def __enter__(self) -> "Lane":
        self._slots.acquire()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._slots.release()


PIPELINE = Lane("pipeline", 1)
API = Lane("api", API_CONCURRENCY)

_METRICS_LOCK = threading.RLock()
_guarded = False


def guard_powertools_metrics() -> None:
    """Powertools keeps one metric set per process: two functions flushing and adding at
    once would change it while it is serialised. Serialise those operations (the local
    stack's metrics go to the functions' log only)."""
    global _guarded
    if _guarded:
        return
    try:
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider
    except ImportError:
        return
    for name in ("add_metric", "add_dimension", "add_metadata", "flush_metrics", "serialize_metric_set",
                 "clear_metrics"):
        original = getattr(AmazonCloudWatchEMFProvider, name)
        setattr(AmazonCloudWatchEMFProvider, name, _locked(original))
    _guarded = True


def _locked(method: Any) -> Any:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with _METRICS_LOCK:
            return method(*args, **kwargs)

    guarded.__wrapped__ = method  # type: ignore[attr-defined]
    guarded.__name__ = method.__name__
    return guarded
