"""The system's clock: today() is the Europe/Amsterdam date, also around
midnight, and advance()/reset() move the whole clock."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from vroegsignaal import clock


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the wall clock under vroegsignaal.clock; set `frozen.at` to choose the moment."""

    class Frozen(datetime):
        at = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)

        @classmethod
        def now(cls, tz=None):
            return cls.at.astimezone(tz) if tz else cls.at.replace(tzinfo=None)

    clock.reset()
    monkeypatch.setattr(clock, "datetime", Frozen)
    yield Frozen
    clock.reset()


def test_half_past_eleven_utc_in_november_is_tomorrow_in_amsterdam(frozen):
    frozen.at = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert clock.now() == frozen.at and clock.now().tzinfo is not None
    assert clock.today() == date(2026, 11, 28)  # 00:30 CET


@pytest.mark.parametrize("utc,local", [
    (datetime(2026, 11, 27, 22, 59, 59, tzinfo=UTC), date(2026, 11, 27)),  # 23:59:59 CET
    (datetime(2026, 11, 27, 23, 0, tzinfo=UTC), date(2026, 11, 28)),       # 00:00 CET
    (datetime(2026, 7, 15, 21, 30, tzinfo=UTC), date(2026, 7, 15)),        # 23:30 CEST
    (datetime(2026, 7, 15, 22, 30, tzinfo=UTC), date(2026, 7, 16)),        # 00:30 CEST
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),        # New Year in Amsterdam
])
def test_today_is_the_amsterdam_date_around_midnight(frozen, utc, local):
    frozen.at = utc
    assert clock.today() == local


def test_advance_moves_today_over_midnight_and_reset_brings_it_back(frozen):
    frozen.at = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam
    assert clock.today() == date(2026, 11, 27)
    moved = clock.advance(1 / 24)
    assert moved == datetime(2026, 11, 27, 23, 30, tzinfo=UTC) == clock.now()
    assert clock.today() == date(2026, 11, 28)
    clock.reset()
    assert clock.now() == frozen.at and clock.today() == date(2026, 11, 27)


def test_local_date_and_iso_of_a_moment():
    moment = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert clock.local_date(moment) == date(2026, 11, 28)
    assert clock.iso(moment) == "2026-11-27T23:30:00.000000Z"
    assert clock.iso(moment.astimezone(timezone(timedelta(hours=1)))) == "2026-11-27T23:30:00.000000Z"
