"""In-memory stand-ins for the ports, for unit tests of the services."""
from __future__ import annotations

import copy
from typing import Any


class InMemorySignalStore:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, str] = {}

    def insert_signal(self, item: dict[str, Any]) -> dict[str, Any] | None:
        key = f"{item['partner_id']}/{item['reference']}"
        if key in self.items:
            return copy.deepcopy(self.items[key])
        self.items[key] = copy.deepcopy(item)
        return None

    def signal_status(self, item: dict[str, Any]) -> str:
        return self.statuses.get(item["signal_id"], "received")
