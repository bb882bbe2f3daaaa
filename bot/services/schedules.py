"""When the periodic staff messages go out, and running each exactly once per scheduled moment.

A schedule row remembers the moment it last ran for (`last_run_for`). The tick marks a moment as
run in the same transaction as the outbox rows that run queues, so a restart can neither lose a
run nor repeat it. A moment missed while the bot was down runs late once, unless it is too old.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.services import digests, followups
from bot.storage import followups as repo
from bot.storage.models import JobSchedule

log = logging.getLogger(__name__)


class ScheduleName(StrEnum):
    """The periodic staff messages (the schedule rows' names), in the order /jadwal lists them."""

    DAILY_DIGEST = "daily_digest"
    WEEKLY_FOLLOWUP = "weekly_followup"
    ADMIN_SUMMARY = "admin_summary"


DAILY_DIGEST = ScheduleName.DAILY_DIGEST
WEEKLY_FOLLOWUP = ScheduleName.WEEKLY_FOLLOWUP
ADMIN_SUMMARY = ScheduleName.ADMIN_SUMMARY
NAMES: tuple[ScheduleName, ...] = tuple(ScheduleName)
# A run missed by more than this (the bot was down) is skipped: yesterday's digest is no news.
MAX_LATENESS = timedelta(hours=12)
LABELS: dict[ScheduleName, str] = {
    DAILY_DIGEST: N_("Ringkasan harian untuk pendamping"),
    WEEKLY_FOLLOWUP: N_("Daftar tindak lanjut mingguan"),
    ADMIN_SUMMARY: N_("Ringkasan mingguan untuk admin"),
}
_TIME_RE = re.compile(r"^\s*(?:jam|pukul|pkl\.?)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:wib)?\s*$")


@dataclass(frozen=True)
class ScheduleTime:
    """When a schedule fires: a local time, every day (weekday None) or on one weekday."""

    weekday: int | None  # 0 = Monday
    hour: int
    minute: int = 0


# The admin summary follows the caseworkers' lists by half an hour, so it reads as their outcome.
DEFAULTS: dict[ScheduleName, ScheduleTime] = {
    DAILY_DIGEST: ScheduleTime(None, 7, 0),
    WEEKLY_FOLLOWUP: ScheduleTime(0, 8, 0),
    ADMIN_SUMMARY: ScheduleTime(0, 8, 30),
}


@dataclass(frozen=True)
class ScheduleView:
    """A schedule as administrators see it."""

    name: ScheduleName
    time: ScheduleTime
    next_at: datetime


def is_weekly(name: ScheduleName) -> bool:
    """Weekly schedules have a day; the digest runs every day."""
    return DEFAULTS[name].weekday is not None


def parse_time(text: str) -> tuple[int, int] | None:
    """A time of day as people type it: 07:30, 7.30, 7, jam 6:30; None when it is not one."""
    match = _TIME_RE.match(text.lower())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def most_recent_moment(when: ScheduleTime, now: datetime, timezone: ZoneInfo) -> datetime:
    """The latest scheduled moment at or before `now`, in `timezone`."""
    local_now = now.astimezone(timezone)
    day = local_now.date()
    while True:
        candidate = datetime.combine(day, time(when.hour, when.minute), tzinfo=timezone)
        if candidate <= local_now and (when.weekday is None or day.weekday() == when.weekday):
            return candidate
        day -= timedelta(days=1)


def next_moment(when: ScheduleTime, now: datetime, timezone: ZoneInfo) -> datetime:
    """The first scheduled moment after `now`, in `timezone`."""
    step = timedelta(days=1 if when.weekday is None else 7)
    moment = most_recent_moment(when, now, timezone)
    # Add days on the wall clock (then normalise), so a DST zone keeps the local time.
    following = datetime.combine(moment.date() + step, moment.timetz())
    return following.astimezone(timezone)


def _time_of(schedule: JobSchedule) -> ScheduleTime:
    return ScheduleTime(schedule.weekday, schedule.hour, schedule.minute)


async def ensure_defaults(session: AsyncSession, *, now: datetime, timezone: ZoneInfo) -> None:
    """Create missing schedules with their default times, counting the latest moment as done.

    A fresh install therefore starts at the next moment instead of sending an old digest at once.
    """
    existing = {s.name for s in await repo.all_schedules(session)}
    rows = [
        {
            "name": name.value,
            "weekday": when.weekday,
            "hour": when.hour,
            "minute": when.minute,
            "last_run_for": most_recent_moment(when, now, timezone),
        }
        for name, when in DEFAULTS.items()
        if name not in existing
    ]
    if rows:
        await repo.insert_missing_schedules(session, rows=rows)


async def list_schedules(
    session: AsyncSession, *, now: datetime, timezone: ZoneInfo
) -> list[ScheduleView]:
    """The three schedules in their fixed order, with their next run."""
    await ensure_defaults(session, now=now, timezone=timezone)
    by_name = {s.name: s for s in await repo.all_schedules(session)}
    views = []
    for name in NAMES:
        when = _time_of(by_name[name])
        views.append(ScheduleView(name, when, next_moment(when, now, timezone)))
    return views


async def change_schedule(
    session: AsyncSession, *, name: str, when: ScheduleTime, now: datetime, timezone: ZoneInfo
) -> datetime:
    """Set a schedule's time; it takes effect from its next moment, which is returned."""
    if name not in DEFAULTS:
        raise ValueError(f"unknown schedule {name!r}")
    known = ScheduleName(name)
    if not (0 <= when.hour <= 23 and 0 <= when.minute <= 59):
        raise ValueError("time of day out of range")
    if (when.weekday is None) != (not is_weekly(known)) or not 0 <= (when.weekday or 0) <= 6:
        raise ValueError("a weekly schedule needs a weekday 0-6; the daily one none")
    await ensure_defaults(session, now=now, timezone=timezone)
    schedule = await repo.lock_schedule(session, name=known.value, skip_locked=False)
    assert schedule is not None
    schedule.weekday, schedule.hour, schedule.minute = when.weekday, when.hour, when.minute
    # A moment of the new time that has already passed is not run now: no surprise extra run.
    passed = most_recent_moment(when, now, timezone)
    if schedule.last_run_for is None or schedule.last_run_for < passed:
        schedule.last_run_for = passed
    return next_moment(when, now, timezone)


@dataclass(frozen=True)
class ScheduledRun:
    """One run of a schedule: the moment it stands for, the one before it, and the real time."""

    moment: datetime
    previous: datetime | None
    now: datetime
    timezone: ZoneInfo


Runner = Callable[[AsyncSession, ScheduledRun], Awaitable[int]]


async def _daily_digest(session: AsyncSession, run: ScheduledRun) -> int:
    since = run.previous
    if since is None or run.moment - since > timedelta(days=7):
        since = run.moment - timedelta(days=1)
    return await digests.queue_daily_digests(
        session, since=since, until=run.moment, now=run.now, timezone=run.timezone
    )


async def _weekly_followup(session: AsyncSession, run: ScheduledRun) -> int:
    return await followups.queue_weekly_requests(
        session, moment=run.moment, now=run.now, timezone=run.timezone
    )


async def _admin_summary(session: AsyncSession, run: ScheduledRun) -> int:
    return await digests.queue_admin_summaries(
        session, moment=run.moment, now=run.now, timezone=run.timezone
    )


RUNNERS: dict[ScheduleName, Runner] = {
    DAILY_DIGEST: _daily_digest,
    WEEKLY_FOLLOWUP: _weekly_followup,
    ADMIN_SUMMARY: _admin_summary,
}


async def run_if_due(
    session: AsyncSession, *, name: ScheduleName, now: datetime, timezone: ZoneInfo
) -> bool:
    """Run one schedule if its latest moment has not run yet; True when it ran.

    The row stays locked until the caller commits, so a second process skips it meanwhile.
    """
    schedule = await repo.lock_schedule(session, name=name.value)
    if schedule is None:
        return False
    moment = most_recent_moment(_time_of(schedule), now, timezone)
    previous = schedule.last_run_for
    if previous is not None and previous >= moment:
        return False
    schedule.last_run_for = moment
    if now - moment > MAX_LATENESS:
        log.warning("schedule %s: the run for %s is too late and skipped", name, moment)
        return False
    queued = await RUNNERS[name](session, ScheduledRun(moment, previous, now, timezone))
    log.info("schedule %s ran for %s: %d messages queued", name, moment, queued)
    return True
