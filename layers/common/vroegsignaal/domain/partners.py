"""Partner types and their names in DDAS (EnumSignaalpartner)."""
from __future__ import annotations

DDAS_PARTNER_TYPE = {
    "housing": "Huur",
    "energy": "Energie",
    "water": "Water",
    "health_insurance": "Zorg",
    "mortgage": "Hypotheek",
    "other": "Overige",
}
PARTNER_TYPES = frozenset(DDAS_PARTNER_TYPE)
# Only these may report that supply will be cut off (signals-api.md).
SUPPLY_ENDING_TYPES = frozenset({"energy", "water"})
