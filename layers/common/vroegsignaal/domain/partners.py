"""Partner types and their names in DDAS (EnumSignaalpartner): defined in domain.ddas."""
from __future__ import annotations

from vroegsignaal.domain.ddas import DDAS_PARTNER_TYPE, PARTNER_TYPES

__all__ = ["DDAS_PARTNER_TYPE", "PARTNER_TYPES", "SUPPLY_ENDING_TYPES"]

# Only these may report that supply will be cut off (signals-api.md).
SUPPLY_ENDING_TYPES = frozenset({"energy", "water"})
