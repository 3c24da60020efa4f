"""The stack's side of the state kept in moto's process (infra/local/state.py)."""
from __future__ import annotations

import json
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 120


class StateClient:
    def __init__(self, endpoint_url: str):
        self.endpoint_url = endpoint_url

    def _call(self, method: str, path: str, document: Any = None) -> Any:
        data = json.dumps(document).encode() if document is not None else None
        request = urllib.request.Request(self.endpoint_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer: Any = json.loads(response.read())
        return answer

    def state(self) -> dict[str, Any]:
        """checkpoints, clock_offset_seconds, replayed, persistent, existed."""
        return dict(self._call("GET", "/_local/state"))

    def checkpoint(self, name: str, value: Any) -> None:
        self._call("POST", "/_local/checkpoint", {"name": name, "value": value})

    def set_clock_offset(self, seconds: float) -> None:
        self._call("POST", "/_local/clock", {"offset_seconds": seconds})

    def expire(self, now_epoch_seconds: float) -> int:
        """DynamoDB TTL at this moment: how many items were deleted."""
        return int(self._call("POST", "/_local/expire", {"now": now_epoch_seconds})["expired"])

    def s3_events(self, after: int) -> dict[str, Any]:
        return dict(self._call("GET", f"/_local/s3-events?after={after}"))

    def snapshot(self) -> dict[str, Any]:
        return dict(self._call("POST", "/_local/snapshot", {}))
