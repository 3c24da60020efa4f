"""A poller on its own thread: what every event source mapping of the stack shares.

Retries come after a short pause (not the queue's visibility timeout), so
tests and demos stay fast.
"""
from __future__ import annotations

import threading
import traceback

from .log import warn

POLL_SECONDS = 0.05
IDLE_MAX_SECONDS = 0.4


class Pump:
    """A poller on its own thread. `generation` counts finished polls and `idle` says the
    last one found nothing, so the stack can tell when all work is done."""

    def __init__(self, name: str):
        self.name = name
        self.generation = 0
        self.idle = False
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        # An idle pump polls less and less often (up to IDLE_MAX_SECONDS): every poll is a
        # request to moto in this process, and busy functions would wait for it.
        wait = POLL_SECONDS
        while not self._stopping.is_set():
            try:
                found_work = self.poll_once()
            except Exception:  # noqa: BLE001 - keep pumping; say what went wrong
                found_work = True
                if not self._stopping.is_set():
                    warn(f"{self.name} poll failed:\n{traceback.format_exc()}")
                    self.pause(1.0)
            self.idle = not found_work
            self.generation += 1
            if found_work:
                wait = POLL_SECONDS
            else:
                self._stopping.wait(wait)
                wait = min(wait * 2, IDLE_MAX_SECONDS)

    def poll_once(self) -> bool:
        raise NotImplementedError

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def retry_pause(retries: int) -> float:
    return min(0.2, 0.05 * 2.0 ** retries)

