"""The local stack's own messages go to stderr, apart from the handlers' logs on stdout."""
from __future__ import annotations

import sys
import threading

_said: set[str] = set()
_lock = threading.Lock()


def warn(message: str) -> None:
    print(f"[local stack] {message}", file=sys.stderr, flush=True)


def warn_once(message: str) -> None:
    with _lock:
        if message in _said:
            return
        _said.add(message)
    warn(message)


def console(line: str) -> None:
    """One line for the person at the console (the access log), on stderr."""
    print(line, file=sys.stderr, flush=True)
