"""Retention (municipality-api.md): signal and case data is deleted automatically
by DynamoDB TTL on `expires_at` (epoch seconds): a case never picked up 6 months
after it opened, a picked-up case 18 months after it closed (kept while open).
A case's log (its signals, classifications, contact attempts, moves) carries
the case's `expires_at` and goes with it."""
from __future__ import annotations

import calendar
from datetime import datetime

from vroegsignaal.domain.case import Case

NOT_PICKED_UP_MONTHS = 6
AFTER_CLOSE_MONTHS = 18
# A household's head goes when its last case could: 18 months after a close,
# plus the 6 months a case may stay open unpicked.
HOUSEHOLD_HEAD_MONTHS = NOT_PICKED_UP_MONTHS + AFTER_CLOSE_MONTHS


def add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def expires_at_on_open(opened_at: str) -> int:
    """A case that nobody picks up goes 6 months after it opened."""
    return int(add_months(_moment(opened_at), NOT_PICKED_UP_MONTHS).timestamp())


def expires_at_on_close(case: Case, closed: datetime) -> int:
    """18 months after closing a picked-up case, 6 months after opening one never picked up."""
    if case.get("picked_up_at"):
        return int(add_months(closed, AFTER_CLOSE_MONTHS).timestamp())
    return expires_at_on_open(case["opened_at"])


def unheld_signal_expires_at(received: datetime) -> int:
    """A signal that no case holds (classification failed for good) goes 6 months after it arrived."""
    return int(add_months(received, NOT_PICKED_UP_MONTHS).timestamp())


def household_head_expires_at(now: datetime) -> int:
    return int(add_months(now, HOUSEHOLD_HEAD_MONTHS).timestamp())


def pick_up(case: Case, picked_up_at: str) -> bool:
    """The case is picked up (`in_progress` for the partner, `datum_opgepakt`)
    the first time; a picked-up case is kept until 18 months after it closes,
    so the 6-months-after-opening expiry goes (None: the attribute is removed).
    False when it was picked up before."""
    if case.get("picked_up_at"):
        return False
    case["picked_up_at"] = picked_up_at
    case["expires_at"] = None
    return True
