"""Realistic test payloads (fictitious people)."""
from __future__ import annotations

import copy
from typing import Any

PARTNER = {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"}
HOUSING = {"kind": "partner", "partner_id": "woonstede", "partner_type": "housing"}


def signal_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "reference": "EN-2026-000123",
        "municipality_code": "GM0632",
        "signal_date": "2026-11-20",
        "arrears_since": "2026-10-01",
        "amount": "412.50",
        "customer_number": "880012345",
        "crisis": False,
        "warm_transfer": False,
        "supply_ending": False,
        "debtor": {
            "initials": "A.B.",
            "prefix": "van",
            "last_name": "Dijk",
            "date_of_birth": "2001-04-02",
            "gender": "F",
            "bsn": "111222333",
            "phone": "+31612345678",
            "email": "a.vandijk@example.nl",
            "address": {"street": "Rijnstraat", "house_number": 12, "house_number_suffix": "bis",
                        "postcode": "3441 AB", "city": "Woerden"},
        },
    }
    body = copy.deepcopy(body)
    for dotted, value in overrides.items():
        target = body
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        if value is _DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return body


class _Delete:
    pass


_DELETE = _Delete()
DELETE = _DELETE
# Debtor values that must never show up in logs or error messages.
DEBTOR_SECRETS = ("Dijk", "111222333", "+31612345678", "0612345678", "a.vandijk@example.nl", "Rijnstraat",
                  "3441 AB", "3441AB", "2001-04-02")
