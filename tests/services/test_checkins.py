"""The check-in schedule and the scheduler tick against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import insert, select

from bot.chat.callbacks import unpack
from bot.chat.messages import Message
from bot.config import Settings
from bot.services import accounts, checkins, registration, staff
from bot.services.checkins import Answer, CheckinAnswer, Schedule
from bot.storage.db import Database
from bot.storage.models import (
    Alert,
    CheckIn,
    CheckInStatus,
    Client,
    ClientStatus,
    Conversation,
    OutboxMessage,
    StaffRole,
    User,
)

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)  # 10:00 WIB
SETTINGS = Settings()


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment given in WIB (UTC+7), as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


async def linked_client(
    db: Database, *, telegram_id: int = 900, training_ended_on: date | None = None
) -> int:
    """A client invited in Bojonegoro who has linked her account at NOW."""
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name="Siti Rahayu",
            nik=f"35220154089{telegram_id:05d}",
            region_code="3522",
            now=NOW,
            today=NOW.date(),
            training_ended_on=training_ended_on,
        )
        await accounts.record_consent(session, telegram_id=telegram_id, language="id", now=NOW)
        await registration.redeem_invitation(
            session, telegram_id=telegram_id, code=invitation.code, now=NOW, settings=SETTINGS
        )
    return invitation.client_id


async def client(db: Database, client_id: int) -> Client:
    async with db.transaction() as session:
        found = await session.get(Client, client_id)
        assert found is not None
        return found


async def tick(db: Database, now: datetime) -> checkins.TickResult:
    async with db.transaction() as session:
        return await checkins.run_checkin_tick(session, now=now, settings=SETTINGS)


async def outbox_texts(db: Database) -> list[str]:
    async with db.transaction() as session:
        rows = await session.execute(select(OutboxMessage.text).order_by(OutboxMessage.id))
        return list(rows.scalars())


async def test_the_first_check_in_falls_30_days_after_linking_at_nine_in_the_morning(
    db: Database,
) -> None:
    found = await client(db, await linked_client(db))
    assert found.checkin_sequence == 0
    assert found.next_checkin_at == wib(date(2026, 9, 11), 9)


async def test_offsets_count_from_the_end_of_training_and_past_ones_are_skipped() -> None:
    schedule = Schedule()
    trained = Client(training_ended_on=date(2026, 7, 20), checkin_cadence_days=30)
    checkins.schedule_first(trained, now=NOW)
    assert (trained.checkin_sequence, trained.next_checkin_at) == (0, wib(date(2026, 8, 19), 9))
    late = Client(training_ended_on=date(2026, 5, 1), checkin_cadence_days=30)
    checkins.schedule_first(late, now=NOW)  # day 30 and day 90 have passed: day 180
    assert (late.checkin_sequence, late.next_checkin_at) == (2, wib(date(2026, 10, 28), 9))
    old = Client(training_ended_on=date(2025, 1, 1), checkin_cadence_days=30)
    checkins.schedule_first(old, now=NOW)  # every offset passed: the monthly cadence
    assert old.next_checkin_at is not None and old.next_checkin_at > NOW
    assert old.next_checkin_at <= NOW + timedelta(days=30)
    assert old.checkin_sequence > 2
    assert schedule.gap_after(0, 30) == 60 and schedule.gap_after(2, 30) == 30


async def test_configured_offsets_are_used() -> None:
    settings = Settings(checkin_offsets=(7, 14))
    fresh = Client(checkin_cadence_days=45)
    checkins.schedule_first(fresh, now=NOW, settings=settings)
    assert fresh.next_checkin_at == wib(date(2026, 8, 19), 9)
    assert Schedule.of(settings).gap_after(0, 45) == 7
    assert Schedule.of(settings).gap_after(1, 45) == 45


async def test_a_due_client_gets_one_check_in_and_nothing_twice(db: Database) -> None:
    client_id = await linked_client(db)
    assert (await tick(db, wib(date(2026, 9, 11), 8))).queued == 0  # not yet due
    result = await tick(db, wib(date(2026, 9, 11), 10))
    assert result.queued == 1 and not result.quiet
    assert (await tick(db, wib(date(2026, 9, 11), 10, 1))).queued == 0
    [text] = await outbox_texts(db)
    assert "Bagaimana keadaan usaha Anda bulan ini?" in text and "Siti Rahayu" in text
    async with db.transaction() as session:
        [checkin] = (await session.execute(select(CheckIn))).scalars()
        [message] = (await session.execute(select(OutboxMessage))).scalars()
    assert checkin.status == CheckInStatus.SENT and checkin.sequence == 0
    assert message.dedupe_key == f"checkin:{client_id}:0"
    stored = Message.from_json(message.text, message.payload)
    assert [[b.label for b in row] for row in stored.buttons] == [
        ["👍 Lancar"],
        ["⚠️ Ada kendala"],
        ["⏸️ Usaha berhenti"],
        ["⏰ Nanti saja"],
    ]
    assert [unpack(b.action) for row in stored.buttons for b in row] == [
        CheckinAnswer(checkin.id, answer) for answer in Answer
    ]
    assert (await client(db, client_id)).next_checkin_at is None


async def test_nobody_unreachable_or_busy_is_asked(db: Database) -> None:
    ids = [await linked_client(db, telegram_id=900 + n) for n in range(6)]
    async with db.transaction() as session:
        users = {u.telegram_id: u for u in (await session.execute(select(User))).scalars()}
        users[901].opted_out_at = NOW
        users[902].blocked_at = NOW
        users[903].consent_active = False
        session.add(
            Conversation(telegram_id=904, flow="rep", state="income", data={}, updated_at=NOW)
        )
        rejected = await session.get(Client, ids[5])
        assert rejected is not None
        rejected.status = ClientStatus.REJECTED.value
    result = await tick(db, wib(date(2026, 9, 11), 10))
    assert result.queued == 1  # only the first client
    async with db.transaction() as session:
        [checkin] = (await session.execute(select(CheckIn))).scalars()
    assert checkin.client_id == ids[0]


async def test_quiet_hours_hold_check_ins_until_seven(db: Database) -> None:
    await linked_client(db)
    day = date(2026, 9, 11)
    for hour in (20, 23):
        assert (await tick(db, wib(day, hour))).quiet
    assert (await tick(db, wib(day + timedelta(days=1), 6, 59))).queued == 0
    assert (await tick(db, wib(day + timedelta(days=1), 7))).queued == 1


async def test_reminder_then_missed_alerts_the_caseworker_and_schedules_the_next(
    db: Database,
) -> None:
    client_id = await linked_client(db)
    async with db.transaction() as session:
        await staff.add_staff(
            session,
            telegram_id=555,
            role=StaffRole.CASEWORKER,
            full_name="Ani",
            now=NOW,
            region_codes=["3522"],
        )
    sent = wib(date(2026, 9, 11), 10)
    await tick(db, sent)
    assert (await tick(db, sent + timedelta(days=3) - timedelta(minutes=1))).reminded == 0
    assert (await tick(db, sent + timedelta(days=3))).reminded == 1
    assert (await tick(db, sent + timedelta(days=3, hours=1))).reminded == 0
    assert (await tick(db, sent + timedelta(days=7) - timedelta(minutes=1))).missed == 0
    assert (await tick(db, sent + timedelta(days=7))).missed == 1
    texts = await outbox_texts(db)
    assert "Pengingat" in texts[1]
    assert "Pertanyaan rutin tidak dijawab" in texts[2] and "11 September 2026" in texts[2]
    found = await client(db, client_id)
    assert found.checkin_sequence == 1  # day 90 after linking
    assert found.next_checkin_at == wib(date(2026, 11, 10), 9)
    async with db.transaction() as session:
        [alert] = (await session.execute(select(Alert))).scalars()
    assert alert.kind == "checkin_missed"


async def test_answers_snooze_and_stale_presses(db: Database) -> None:
    client_id = await linked_client(db)
    sent = wib(date(2026, 9, 11), 10)
    await tick(db, sent)
    async with db.transaction() as session:
        [checkin] = (await session.execute(select(CheckIn))).scalars()
        assert not await checkins.answer(
            session, checkin_id=checkin.id, client_id=client_id + 1, given=Answer.RUNNING, now=sent
        )
        assert await checkins.answer(
            session, checkin_id=checkin.id, client_id=client_id, given=Answer.LATER, now=sent
        )
    assert (await client(db, client_id)).next_checkin_at == sent + timedelta(days=3)
    assert (await tick(db, sent + timedelta(days=3))).queued == 1  # the same check-in again
    async with db.transaction() as session:
        [again] = (await session.execute(select(CheckIn))).scalars()
        assert again.id == checkin.id and again.status == CheckInStatus.SENT
        assert await checkins.answer(
            session, checkin_id=checkin.id, client_id=client_id, given=Answer.DECLINING, now=sent
        )
        assert not await checkins.answer(
            session, checkin_id=checkin.id, client_id=client_id, given=Answer.RUNNING, now=sent
        )
    assert len(await outbox_texts(db)) == 2
    assert (await client(db, client_id)).checkin_sequence == 1


async def test_opting_out_puts_the_open_check_in_aside_until_mulai(db: Database) -> None:
    client_id = await linked_client(db)
    sent = wib(date(2026, 9, 11), 10)
    await tick(db, sent)
    async with db.transaction() as session:
        assert await checkins.opt_out(session, telegram_id=900, now=sent)
        assert not await checkins.opt_out(session, telegram_id=12345, now=sent)
    assert (await tick(db, sent + timedelta(days=4))).reminded == 0
    async with db.transaction() as session:
        due = await checkins.opt_in(session, telegram_id=900, now=sent + timedelta(days=10))
    assert due == wib(date(2026, 9, 22), 9)  # the next morning
    assert (await tick(db, wib(date(2026, 9, 22), 9))).queued == 1
    assert (await client(db, client_id)).checkin_sequence == 0  # the same question, asked again


async def test_one_tick_opens_thousands_of_check_ins_in_batches(db: Database) -> None:
    count = 2_345
    due = wib(date(2026, 9, 11), 9)
    async with db.transaction() as session:
        await session.execute(
            insert(User),
            [
                {
                    "id": n,
                    "telegram_id": 10_000 + n,
                    "language": "id",
                    "created_at": NOW,
                    "consent_active": True,
                }
                for n in range(1, count + 1)
            ],
        )
        await session.execute(
            insert(Client),
            [
                {
                    "id": n,
                    "user_id": n,
                    "full_name": f"Klien {n}",
                    "region_code": "3522",
                    "status": "verified",
                    "origin": "invited",
                    "created_at": NOW,
                    "next_checkin_at": due,
                    "checkin_sequence": 3,
                    "checkin_cadence_days": 30,
                }
                for n in range(1, count + 1)
            ],
        )
    async with db.transaction() as session:
        capped = await checkins.run_checkin_tick(
            session, now=due + timedelta(hours=1), settings=SETTINGS, limit=1_000
        )
    assert capped.queued == 1_000  # the rest stay due for the next tick
    assert (await tick(db, due + timedelta(hours=1, minutes=1))).queued == count - 1_000
    assert len(await outbox_texts(db)) == count
    async with db.transaction() as session:
        still_due = await session.execute(
            select(Client.id).where(Client.next_checkin_at.is_not(None))
        )
        assert still_due.first() is None


@pytest.mark.parametrize("bad", ["0,30", "30,20", "30,30", "dua,tiga", ""])
def test_offsets_must_be_whole_days_in_increasing_order(bad: str) -> None:
    with pytest.raises(ValidationError):
        Settings(checkin_offsets=bad)
    assert Settings(checkin_offsets=" 7, 14 ,60").checkin_offsets == (7, 14, 60)
