"""Retention (municipality-api.md): signal and case data is deleted automatically
by DynamoDB TTL on `expires_at` (epoch seconds): a case never picked up 6 months
after it opened, a picked-up case 18 months after it closed."""
from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

NOT_PICKED_UP_MONTHS = 6
AFTER_CLOSE_MONTHS = 18


def add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def expires_at_on_open(opened_at: str) -> int:
    """A case that nobody picks up goes 6 months after it opened."""
    opened = datetime.fromisoformat(opened_at.replace("Z", "+00:00"))
    return int(add_months(opened, NOT_PICKED_UP_MONTHS).timestamp())


def expires_at_on_close(case: dict[str, Any], closed: datetime) -> int:
    """18 months after closing a picked-up case, 6 months after opening one never picked up."""
    if case.get("picked_up_at"):
        return int(add_months(closed, AFTER_CLOSE_MONTHS).timestamp())
    return expires_at_on_open(case["opened_at"])
