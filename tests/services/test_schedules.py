"""Staff schedules: the moments they fire at, and running each moment exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import WIB
from bot.services import schedules
from bot.services.schedules import (
    ADMIN_SUMMARY,
    DAILY_DIGEST,
    WEEKLY_FOLLOWUP,
    ScheduleTime,
    most_recent_moment,
    next_moment,
    parse_time,
)
from bot.storage.db import Database

WED_10 = datetime(2026, 8, 12, 10, 0, tzinfo=WIB)  # a Wednesday, 10:00 WIB
DAILY_7 = ScheduleTime(None, 7, 0)
MONDAY_8 = ScheduleTime(0, 8, 0)


def test_the_latest_daily_moment_is_today_once_its_time_has_come() -> None:
    assert most_recent_moment(DAILY_7, WED_10, WIB) == datetime(2026, 8, 12, 7, 0, tzinfo=WIB)
    early = datetime(2026, 8, 12, 6, 59, tzinfo=WIB)
    assert most_recent_moment(DAILY_7, early, WIB) == datetime(2026, 8, 11, 7, 0, tzinfo=WIB)
    exactly = datetime(2026, 8, 12, 7, 0, tzinfo=WIB).astimezone(UTC)
    assert most_recent_moment(DAILY_7, exactly, WIB) == exactly


def test_the_latest_weekly_moment_is_the_last_monday_at_eight() -> None:
    assert most_recent_moment(MONDAY_8, WED_10, WIB) == datetime(2026, 8, 10, 8, 0, tzinfo=WIB)
    monday_early = datetime(2026, 8, 17, 7, 59, tzinfo=WIB)
    assert most_recent_moment(MONDAY_8, monday_early, WIB) == datetime(
        2026, 8, 10, 8, 0, tzinfo=WIB
    )
    assert next_moment(MONDAY_8, WED_10, WIB) == datetime(2026, 8, 17, 8, 0, tzinfo=WIB)
    assert next_moment(DAILY_7, WED_10, WIB) == datetime(2026, 8, 13, 7, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07:30", (7, 30)),
        ("7.30", (7, 30)),
        ("6:05", (6, 5)),
        ("18", (18, 0)),
        ("jam 6:30", (6, 30)),
        ("pukul 08.00 WIB", (8, 0)),
        (" 23:59 ", (23, 59)),
        ("24:00", None),
        ("7:60", None),
        ("7:5", None),
        ("besok pagi", None),
        ("3jt", None),
        ("", None),
    ],
)
def test_times_are_read_as_people_type_them(typed: str, expected: tuple[int, int] | None) -> None:
    assert parse_time(typed) == expected


async def _run(db: Database, name: str, now: datetime) -> bool:
    async with db.transaction() as session:
        await schedules.ensure_defaults(session, now=now, timezone=WIB)
    async with db.transaction() as session:
        return await schedules.run_if_due(session, name=name, now=now, timezone=WIB)


async def test_a_fresh_install_waits_for_the_next_moment_then_runs_it_once(db: Database) -> None:
    assert not await _run(db, DAILY_DIGEST, WED_10)  # today's 07:00 passed before we existed
    thursday_7 = datetime(2026, 8, 13, 7, 0, tzinfo=WIB)
    assert not await _run(db, DAILY_DIGEST, thursday_7 - timedelta(seconds=1))
    assert await _run(db, DAILY_DIGEST, thursday_7)
    assert not await _run(db, DAILY_DIGEST, thursday_7 + timedelta(minutes=1))
    assert not await _run(db, WEEKLY_FOLLOWUP, thursday_7)


async def test_a_moment_missed_by_under_12_hours_runs_late_and_older_ones_are_skipped(
    db: Database,
) -> None:
    await _run(db, DAILY_DIGEST, WED_10)
    assert await _run(db, DAILY_DIGEST, datetime(2026, 8, 13, 18, 59, tzinfo=WIB))  # 11:59 late
    assert not await _run(db, DAILY_DIGEST, datetime(2026, 8, 14, 19, 1, tzinfo=WIB))  # 12:01
    # The skipped moment counts as handled: it is not tried again at the next tick.
    assert not await _run(db, DAILY_DIGEST, datetime(2026, 8, 14, 19, 2, tzinfo=WIB))
    assert await _run(db, DAILY_DIGEST, datetime(2026, 8, 15, 7, 0, tzinfo=WIB))


async def test_a_changed_time_takes_effect_from_its_next_moment(db: Database) -> None:
    async with db.transaction() as session:
        following = await schedules.change_schedule(
            session, name=DAILY_DIGEST, when=ScheduleTime(None, 6, 30), now=WED_10, timezone=WIB
        )
    assert following == datetime(2026, 8, 13, 6, 30, tzinfo=WIB)
    assert not await _run(db, DAILY_DIGEST, WED_10)  # today's 06:30 is not run after the fact
    assert not await _run(db, DAILY_DIGEST, datetime(2026, 8, 13, 6, 29, tzinfo=WIB))
    assert await _run(db, DAILY_DIGEST, datetime(2026, 8, 13, 6, 30, tzinfo=WIB))
    assert not await _run(db, DAILY_DIGEST, datetime(2026, 8, 13, 7, 0, tzinfo=WIB))
    async with db.transaction() as session:
        views = await schedules.list_schedules(session, now=WED_10, timezone=WIB)
    assert [(v.name, v.time) for v in views] == [
        (DAILY_DIGEST, ScheduleTime(None, 6, 30)),
        (WEEKLY_FOLLOWUP, ScheduleTime(0, 8, 0)),
        (ADMIN_SUMMARY, ScheduleTime(0, 8, 30)),
    ]


async def test_a_weekly_schedule_needs_a_day_and_the_daily_one_none(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="weekday"):
            await schedules.change_schedule(
                session,
                name=WEEKLY_FOLLOWUP,
                when=ScheduleTime(None, 8, 0),
                now=WED_10,
                timezone=WIB,
            )
        with pytest.raises(ValueError, match="weekday"):
            await schedules.change_schedule(
                session, name=DAILY_DIGEST, when=ScheduleTime(2, 8, 0), now=WED_10, timezone=WIB
            )
        with pytest.raises(ValueError, match="unknown"):
            await schedules.change_schedule(
                session, name="lunch", when=ScheduleTime(None, 12, 0), now=WED_10, timezone=WIB
            )


def test_the_schedules_are_one_enum_whose_values_are_the_stored_names() -> None:
    assert tuple(schedules.ScheduleName) == schedules.NAMES
    assert set(schedules.LABELS) == set(schedules.DEFAULTS) == set(schedules.ScheduleName)
    assert [name.value for name in schedules.NAMES] == [
        "daily_digest",
        "weekly_followup",
        "admin_summary",
    ]
    assert [schedules.is_weekly(name) for name in schedules.NAMES] == [False, True, True]
