"""The `settings` of a criteria document, with the defaults of criteria.md."""
from __future__ import annotations

from typing import Any

from .numbers import ceil_int, number_text, scaled

DEFAULT_MATCHING_WINDOW_DAYS = 30
DEFAULT_REPEAT_LOOKBACK_DAYS = 183
DEFAULT_HIGH_AMOUNT = 1000


class Settings:
    """`matching_window_days`, `repeat_lookback_days` (ints) and `high_amount`
    (partner type or "default" -> euros as in the document; "default" is
    always there, 1000 when the document has none)."""

    __slots__ = ("matching_window_days", "repeat_lookback_days", "high_amount", "_thresholds", "_default")

    def __init__(
        self,
        matching_window_days: int = DEFAULT_MATCHING_WINDOW_DAYS,
        repeat_lookback_days: int = DEFAULT_REPEAT_LOOKBACK_DAYS,
        high_amount: dict[str, int | float] | None = None,
    ):
        self.matching_window_days = int(matching_window_days)
        self.repeat_lookback_days = int(repeat_lookback_days)
        amounts = dict(high_amount or {})
        amounts.setdefault("default", DEFAULT_HIGH_AMOUNT)
        self.high_amount = amounts
        # amount_cents >= threshold  <=>  amount_cents >= ceil(threshold * 100)
        self._thresholds = {
            key: (ceil_int(scaled(value, 100)), number_text(value))
            for key, value in amounts.items()
        }
        self._default = self._thresholds["default"]

    @classmethod
    def from_document(cls, settings: dict[str, Any] | None) -> Settings:
        """From a validated document's `settings` (or None)."""
        settings = settings or {}
        return cls(
            settings.get("matching_window_days", DEFAULT_MATCHING_WINDOW_DAYS),
            settings.get("repeat_lookback_days", DEFAULT_REPEAT_LOOKBACK_DAYS),
            settings.get("high_amount"),
        )

    def high_amount_threshold(self, partner_type: str) -> tuple[int, str]:
        """(threshold in whole cents to compare `>=` with, the threshold as written)."""
        return self._thresholds.get(partner_type, self._default)

    def to_json(self) -> dict[str, Any]:
        return {
            "matching_window_days": self.matching_window_days,
            "repeat_lookback_days": self.repeat_lookback_days,
            "high_amount": dict(self.high_amount),
        }

    def __repr__(self) -> str:
        return f"Settings({self.to_json()!r})"
