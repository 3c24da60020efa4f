"""The household a signal belongs to, and its pseudonymous key.

Signals are matched on municipality + postcode + house number + suffix
(criteria.md). The table is keyed on a keyed hash of that address, never on
the address itself, so a key in a log or a metric reveals nobody.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Household:
    municipality_code: str
    postcode: str
    house_number: int
    suffix: str | None

    @classmethod
    def of(cls, record: dict[str, Any]) -> "Household":
        """The household of a signal record (Signal.to_record())."""
        address = record["debtor"]["address"]
        return cls(record["municipality_code"], address["postcode"], int(address["house_number"]),
                   address.get("house_number_suffix"))

    def key(self, secret: str) -> str:
        text = f"{self.municipality_code}|{self.postcode}|{self.house_number}|{self.suffix or ''}"
        return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # an address is debtor data: keep it out of logs
        return f"Household({self.municipality_code}, <address>)"
