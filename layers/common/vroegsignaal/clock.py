"""The system's clock.

Everything that asks "what time is it" asks here, so the local stack can move
time forward (POST /_local/clock) and tests can try follow-up steps without
waiting. On AWS the offset stays zero.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in Europe/Amsterdam, the date partners and consultants mean."""
    return local_date(now())


def local_date(moment: datetime) -> date:
    """The Europe/Amsterdam date of a moment (due dates, letter dates)."""
    return moment.astimezone(AMSTERDAM).date()


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as every API response shows timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def advance(days: float) -> datetime:
    """Move the clock forward (local stack and tests only)."""
    global _offset
    _offset += timedelta(days=days)
    return now()


def reset() -> None:
    global _offset
    _offset = timedelta(0)
