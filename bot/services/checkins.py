"""Periodic check-ins with every former client: the schedule, the tick, answers and opt-outs.

Only `clients.next_checkin_at` (indexed) and `clients.checkin_sequence` hold the schedule. The
first check-ins fall at offsets after the end of training (30, 90, 180 days), then every
`checkin_cadence_days`, at 09:00 local time. While a check-in is open, `next_checkin_at` is NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, Message, rows_of
from bot.config import DEFAULT_CHECKIN_OFFSETS, Settings
from bot.i18n import N_, WIB, translator
from bot.services import alerts
from bot.storage import checkins as repo
from bot.storage.models import AlertKind, CheckIn, CheckInStatus, Client, OutboxStatus, Priority

DUE_HOUR = 9  # due times land at 09:00 local time
QUIET_FROM, QUIET_UNTIL = 20, 7  # no check-ins between 20:00 and 07:00 local time
REMIND_AFTER = timedelta(days=3)
MISSED_AFTER_REMINDER = timedelta(days=4)
SNOOZE = timedelta(days=3)
BATCH = 1_000
MAX_PER_TICK = 5_000  # about as many as the outbox sends in the minute between two ticks


class Answer(StrEnum):
    """A check-in button: the callback value carries one of these codes."""

    RUNNING = "ok"
    DECLINING = "kd"
    STOPPED = "st"
    LATER = "lt"


ANSWER_LABELS = {
    Answer.RUNNING: N_("👍 Lancar"),
    Answer.DECLINING: N_("⚠️ Ada kendala"),
    Answer.STOPPED: N_("⏸️ Usaha berhenti"),
    Answer.LATER: N_("⏰ Nanti saja"),
}


@dataclass(frozen=True)
class Schedule:
    """The configurable part of the schedule."""

    offsets: tuple[int, ...] = DEFAULT_CHECKIN_OFFSETS
    timezone: ZoneInfo = WIB

    @classmethod
    def of(cls, settings: Settings | None) -> Schedule:
        """The schedule the settings describe (the defaults without settings)."""
        if settings is None:
            return cls()
        return cls(settings.checkin_offsets, settings.timezone)

    def moment(self, day: date) -> datetime:
        """The due time (UTC) of a check-in due on a local date."""
        return datetime.combine(day, time(DUE_HOUR), tzinfo=self.timezone).astimezone(UTC)

    def local_date(self, when: datetime) -> date:
        """The local date of a moment."""
        return when.astimezone(self.timezone).date()

    def gap_after(self, sequence: int, cadence: int) -> int:
        """Days from check-in `sequence` to the next one."""
        if sequence + 1 < len(self.offsets):
            return self.offsets[sequence + 1] - self.offsets[sequence]
        return max(cadence, 1)

    def first_after(
        self, sequence: int, day: date, *, cadence: int, now: datetime
    ) -> tuple[int, datetime]:
        """Check-in `sequence` due on `day`, or the first later one still ahead of `now`."""
        while self.moment(day) <= now:  # a past date is skipped, like a past campaign event
            day += timedelta(days=self.gap_after(sequence, cadence))
            sequence += 1
        return sequence, self.moment(day)


@dataclass(frozen=True)
class TickResult:
    """What one scheduler tick did."""

    queued: int = 0  # new check-ins put in the outbox
    reminded: int = 0
    missed: int = 0
    quiet: bool = False  # quiet hours: nothing was sent to clients

    @property
    def queued_anything(self) -> bool:
        """True when the outbox has something new to deliver."""
        return bool(self.queued or self.reminded or self.missed)


def schedule_first(client: Client, *, now: datetime, settings: Settings | None = None) -> None:
    """Set a newly linked client's first check-in: an offset after training (or after today)."""
    schedule = Schedule.of(settings)
    anchor = client.training_ended_on or schedule.local_date(now)
    day = anchor + timedelta(days=schedule.offsets[0])
    cadence = client.checkin_cadence_days or 30
    client.checkin_sequence, client.next_checkin_at = schedule.first_after(
        0, day, cadence=cadence, now=now
    )


def schedule_next(
    client: Client, *, after: CheckIn | None, now: datetime, settings: Settings | None = None
) -> None:
    """Schedule the check-in that follows the current one (resolved, or due and skipped)."""
    schedule = Schedule.of(settings)
    sequence = after.sequence if after is not None else client.checkin_sequence
    due = after.due_at if after is not None else client.next_checkin_at or now
    cadence = client.checkin_cadence_days or 30
    day = schedule.local_date(due) + timedelta(days=schedule.gap_after(sequence, cadence))
    client.checkin_sequence, client.next_checkin_at = schedule.first_after(
        sequence + 1, day, cadence=cadence, now=now
    )


def in_quiet_hours(now: datetime, timezone: ZoneInfo) -> bool:
    """True between 20:00 and 07:00 local time, when no check-in is sent."""
    hour = now.astimezone(timezone).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


@dataclass(frozen=True)
class CheckinAnswer(CallbackData, prefix="ci"):
    """A check-in's answer button (valid from any chat state, checked against the client)."""

    checkin_id: int
    answer: Answer


def buttons(checkin_id: int, language: str) -> Buttons:
    """The four answers, as global buttons carrying the check-in id."""
    t = translator(language)
    return rows_of(
        [(t.gettext(label), CheckinAnswer(checkin_id, a))] for a, label in ANSWER_LABELS.items()
    )


def _message(
    r: repo.Recipient, checkin_id: int, *, reminder: bool, now: datetime
) -> dict[str, Any]:
    t = translator(r.language)
    name = escape(r.full_name)
    if reminder:
        text = t.gettext(
            "⏰ Pengingat, {name}: bagaimana keadaan usaha Anda bulan ini? "
            "Cukup tekan salah satu tombol di bawah."
        )
    else:
        text = t.gettext("🌱 Halo, {name}! Bagaimana keadaan usaha Anda bulan ini?")
    if reminder:
        key = f"checkin-reminder:{checkin_id}:{int(r.at.timestamp())}"
    elif r.checkin_id is None:
        key = f"checkin:{r.client_id}:{r.sequence}"
    else:  # a snoozed check-in asked again: the same sequence, a new message
        key = f"checkin:{r.client_id}:{r.sequence}:{int(now.timestamp())}"
    return {
        "chat_id": r.telegram_id,
        "text": text.format(name=name),
        "payload": Message(text, buttons(checkin_id, r.language)).to_json(),
        "purpose": "checkin",
        "priority": Priority.BULK.value,
        "dedupe_key": key,
        "status": OutboxStatus.PENDING.value,
        "created_at": now,
        "not_before": now,
        "attempts": 0,
    }


async def _send_new(session: AsyncSession, *, now: datetime, limit: int) -> int:
    """Open a check-in for each due client, in batches of set-based statements."""
    queued = 0
    while queued < limit:
        due = await repo.due_recipients(session, now=now, limit=min(BATCH, limit - queued))
        if not due:
            break
        fresh = [r for r in due if r.checkin_id is None]
        ids = await repo.insert_checkins(
            session,
            [
                {
                    "client_id": r.client_id,
                    "sequence": r.sequence,
                    "due_at": r.at,
                    "status": CheckInStatus.SENT.value,
                    "sent_at": now,
                    "last_sent_at": now,
                }
                for r in fresh
            ],
        )
        asked_again = [r.checkin_id for r in due if r.checkin_id is not None]
        await repo.set_checkins(
            session,
            asked_again,
            status=CheckInStatus.SENT.value,
            last_sent_at=now,
            resolved_at=None,
            answer=None,
        )
        await repo.clear_next_checkin(session, [r.client_id for r in due])
        messages = [
            _message(r, r.checkin_id or ids[r.client_id], reminder=False, now=now) for r in due
        ]
        await repo.enqueue_many(session, messages)
        queued += len(due)
        if len(due) < BATCH:
            break
    return queued


async def _remind(session: AsyncSession, *, now: datetime, limit: int) -> int:
    """One reminder for check-ins unanswered for three days."""
    due = await repo.reminders_due(session, sent_before=now - REMIND_AFTER, limit=limit)
    ids = [r.checkin_id for r in due if r.checkin_id is not None]
    await repo.set_checkins(session, ids, status=CheckInStatus.REMINDED.value, last_sent_at=now)
    await repo.enqueue_many(
        session, [_message(r, r.checkin_id or 0, reminder=True, now=now) for r in due]
    )
    return len(due)


async def _mark_missed(
    session: AsyncSession, *, now: datetime, settings: Settings, limit: int
) -> int:
    """Four days after the reminder: missed, the caseworkers alerted, the next one scheduled."""
    missed = await repo.missed_due(
        session, reminded_before=now - MISSED_AFTER_REMINDER, limit=limit
    )
    for checkin, client in missed:
        checkin.status, checkin.resolved_at = CheckInStatus.MISSED.value, now
        schedule_next(client, after=checkin, now=now, settings=settings)
        await alerts.raise_alert(
            session,
            client=client,
            kind=AlertKind.CHECKIN_MISSED,
            event_key=f"checkin:{checkin.id}:missed",
            detail=checkin.sent_at.isoformat(),
            now=now,
        )
    return len(missed)


async def run_checkin_tick(
    session: AsyncSession, *, now: datetime, settings: Settings, limit: int = MAX_PER_TICK
) -> TickResult:
    """One scheduler tick: missed check-ins, then (outside quiet hours) reminders and new ones.

    Everything is queued in the outbox inside the caller's transaction; the caller commits and
    then delivers. At most `limit` new check-ins are opened per tick; the rest stay due.
    """
    missed = await _mark_missed(session, now=now, settings=settings, limit=200)
    if in_quiet_hours(now, settings.timezone):
        return TickResult(missed=missed, quiet=True)
    reminded = await _remind(session, now=now, limit=BATCH)
    queued = await _send_new(session, now=now, limit=limit)
    return TickResult(queued=queued, reminded=reminded, missed=missed)


async def answer(
    session: AsyncSession,
    *,
    checkin_id: int,
    client_id: int,
    given: Answer,
    now: datetime,
    settings: Settings | None = None,
) -> bool:
    """Record a check-in answer; False for a check-in not hers or no longer open (stale)."""
    checkin = await repo.get(session, checkin_id=checkin_id, lock=True)
    if checkin is None or checkin.client_id != client_id or checkin.status not in repo.OPEN:
        return False
    client = await session.get(Client, client_id)
    assert client is not None
    checkin.resolved_at, checkin.answer = now, given.value
    if given is Answer.LATER:
        checkin.status = CheckInStatus.SNOOZED.value
        client.next_checkin_at = now + SNOOZE  # the same sequence, asked again
    else:
        checkin.status = CheckInStatus.ANSWERED.value
        schedule_next(client, after=checkin, now=now, settings=settings)
    return True


async def open_checkin(session: AsyncSession, *, client_id: int) -> int | None:
    """The id of the client's unanswered check-in, if one is open."""
    return await repo.open_id(session, client_id=client_id)


async def resolve_by_report(
    session: AsyncSession, *, client: Client, now: datetime, settings: Settings | None = None
) -> None:
    """A report answers the open (or snoozed, or due) check-in: no question right after it."""
    checkin = await repo.current(session, client=client)
    if checkin is not None and checkin.status in (*repo.OPEN, CheckInStatus.SNOOZED.value):
        checkin.status, checkin.resolved_at = CheckInStatus.ANSWERED.value, now
        checkin.answer = "report"
        schedule_next(client, after=checkin, now=now, settings=settings)
    elif client.next_checkin_at is not None and client.next_checkin_at <= now:
        schedule_next(client, after=None, now=now, settings=settings)


async def opt_out(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """/berhenti: no more check-ins (an open one is put aside); False when not registered."""
    found = await repo.client_of_user(session, telegram_id=telegram_id)
    if found is None:
        return False
    user, client = found
    user.opted_out_at = user.opted_out_at or now
    checkin = await repo.current(session, client=client)
    if checkin is not None and checkin.status in repo.OPEN:
        checkin.status, checkin.resolved_at = CheckInStatus.SNOOZED.value, now
        checkin.answer = "opted_out"
        client.next_checkin_at = checkin.due_at  # asked again only after /mulai
    return True


async def opt_in(
    session: AsyncSession, *, telegram_id: int, now: datetime, settings: Settings | None = None
) -> datetime | None:
    """/mulai: check-ins again; returns when the next one is due (None: not registered)."""
    found = await repo.client_of_user(session, telegram_id=telegram_id)
    if found is None:
        return None
    user, client = found
    user.opted_out_at = None
    if client.next_checkin_at is None and await _has_open(session, client):
        return now
    if client.next_checkin_at is None or client.next_checkin_at <= now:
        schedule = Schedule.of(settings)
        day = schedule.local_date(now)
        client.next_checkin_at = schedule.moment(day)
        if client.next_checkin_at <= now:  # past 09:00 today: tomorrow morning
            client.next_checkin_at = schedule.moment(day + timedelta(days=1))
    return client.next_checkin_at


async def _has_open(session: AsyncSession, client: Client) -> bool:
    checkin = await repo.current(session, client=client)
    return checkin is not None and checkin.status in repo.OPEN
