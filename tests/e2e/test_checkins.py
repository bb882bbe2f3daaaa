"""Check-ins over the emulator: the bot asks every month, reminds once, and tells a caseworker.

The fake clock moves 30, 33 and 37 days on; the tick jobs run when the test says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from bot.chat.callbacks import unpack
from bot.services.checkins import Answer, CheckinAnswer, run_checkin_tick
from bot.storage.db import Database
from bot.storage.models import BusinessReport, CheckIn, OutboxMessage, StaffRole, User
from handlers.alerts import escalation_job
from handlers.checkins import checkin_job
from tests.e2e.dialogs import (
    NIK_SARI,
    blocks_the_bot,
    finish_report,
    invited_client,
    staff_member,
)
from tests.harness import Harness, Person

QUESTION = "Bagaimana keadaan usaha Anda bulan ini?"
ANSWERS = ["👍 Lancar", "⚠️ Ada kendala", "⏸️ Usaha berhenti", "⏰ Nanti saja"]


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A WIB wall-clock time as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def since(person: Person, before: int) -> list[SentMessage]:
    """The bot's messages to this person after the first `before`."""
    return person.messages[before:]


async def _checkins(db: Database) -> list[CheckIn]:
    async with db.transaction() as session:
        return list((await session.execute(select(CheckIn).order_by(CheckIn.id))).scalars())


async def test_a_whole_cycle_question_reminder_miss_and_escalation(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    boss = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    start = len(siti.messages)
    harness.clock.advance(timedelta(days=29))
    await harness.run_job(checkin_job)
    assert since(siti, start) == []
    harness.clock.advance(timedelta(days=1))  # day 30, 10:00 WIB
    await harness.run_job(checkin_job)
    [question] = since(siti, start)
    assert QUESTION in question.text and "Siti Rahayu" in question.text
    assert question.button_labels == ANSWERS
    harness.clock.advance(timedelta(days=3))  # day 33: one reminder
    await harness.run_job(checkin_job)
    await harness.run_job(checkin_job)
    [reminder] = since(siti, start + 1)
    assert "Pengingat" in reminder.text and reminder.button_labels == ANSWERS
    alerted_at = len(ani.messages)
    harness.clock.advance(timedelta(days=4))  # day 37: missed, and the caseworker is told
    await harness.run_job(checkin_job)
    assert len(siti.messages) == start + 2
    [alert] = since(ani, alerted_at)
    assert "Pertanyaan rutin tidak dijawab" in alert.text
    assert "Siti Rahayu" in alert.text and "Kab. Bojonegoro" in alert.text
    assert "11 September 2026" in alert.text
    assert alert.button_labels == ["🙋 Saya tangani", "💬 Balas", "✅ Selesai"]
    escalated_at = len(boss.messages)
    harness.clock.advance(timedelta(hours=47))
    await harness.run_job(escalation_job)
    assert since(boss, escalated_at) == []
    harness.clock.advance(timedelta(hours=1))  # 48 hours and nobody took it on
    await harness.run_job(escalation_job)
    await harness.run_job(escalation_job)
    [escalation] = since(boss, escalated_at)
    assert "48 jam" in escalation.text and "Siti Rahayu" in escalation.text
    harness.clock.set(wib(date(2026, 11, 10), 10))  # day 90 after she linked: the next one
    await harness.run_job(checkin_job)
    assert QUESTION in siti.last.text
    assert [c.status for c in await _checkins(db)] == ["missed", "sent"]


async def test_quiet_hours_hold_a_check_in_until_seven_in_the_morning(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    harness.clock.set(wib(date(2026, 9, 11), 21))
    reply = await siti.press("⏰ Nanti saja")  # so the next question falls due at 21:00
    assert "3 hari lagi" in siti.text(reply)
    asked = len(siti.messages)
    for when in (
        wib(date(2026, 9, 14), 21),
        wib(date(2026, 9, 14), 23),
        wib(date(2026, 9, 15), 6, 59),
    ):
        harness.clock.set(when)
        await harness.run_job(checkin_job)
        assert since(siti, asked) == []
    harness.clock.set(wib(date(2026, 9, 15), 7))
    await harness.run_job(checkin_job)
    [again] = since(siti, asked)
    assert QUESTION in again.text and again.button_labels == ANSWERS


async def test_a_restart_in_the_middle_of_a_cycle_sends_nothing_twice(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    start = len(siti.messages)
    harness.clock.advance(timedelta(days=30))
    # The tick commits the check-in, and the process dies before delivering it.
    async with db.transaction() as session:
        await run_checkin_tick(session, now=harness.clock.now(), settings=harness.settings)
    await harness.restart()
    for _ in range(2):
        await harness.run_job(checkin_job)
        await harness.deliver()
    harness.clock.advance(timedelta(days=3))
    await harness.run_job(checkin_job)
    await harness.restart()
    await harness.run_job(checkin_job)
    await harness.deliver()
    texts = [m.text for m in since(siti, start)]
    assert ["keadaan usaha Anda bulan ini" in t for t in texts] == [True, True]
    assert ["Pengingat" in t for t in texts] == [False, True]


async def test_a_check_in_waits_while_she_is_in_a_report(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    busy = len(siti.messages)
    await harness.run_job(checkin_job)
    assert since(siti, busy) == []  # never interrupts a flow
    await siti.send("/batal")
    await harness.run_job(checkin_job)
    assert QUESTION in siti.last.text and siti.last.button_labels == ANSWERS


async def test_a_report_filed_while_a_check_in_is_due_answers_it(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await harness.run_job(checkin_job)
    reply = await finish_report(siti)
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    done = len(siti.messages)
    await harness.run_job(checkin_job)
    assert since(siti, done) == []  # no question right after her report
    harness.clock.set(wib(date(2026, 11, 10), 10))  # the next one is still on schedule
    await harness.run_job(checkin_job)
    assert QUESTION in siti.last.text


async def test_lancar_opens_the_report_with_the_status_filled_in(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    question = siti.last
    reply = await siti.press("👍 Lancar")
    assert "penghasilan bersih" in reply[-1].text
    assert question.button_labels == []  # the answered question loses its buttons
    reply = await finish_report(siti, income="4 juta")
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    async with db.transaction() as session:
        [report] = (await session.execute(select(BusinessReport))).scalars()
    assert report.business_status == "running" and report.monthly_income == 4_000_000
    [checkin] = await _checkins(db)
    assert checkin.status == "answered" and checkin.answer == "ok"
    again = CheckinAnswer(checkin.id, Answer.RUNNING).pack()
    await siti.press_data(again, message=question)  # pressed again later
    assert siti.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."


async def test_usaha_berhenti_and_ada_kendala_fill_in_their_status(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    await siti.press("⏸️ Usaha berhenti")
    await finish_report(siti, income="0")
    harness.clock.set(wib(date(2026, 11, 10), 10))
    await harness.run_job(checkin_job)
    await siti.press("⚠️ Ada kendala")
    await finish_report(siti, income="1 juta")
    async with db.transaction() as session:
        statuses = (await session.execute(select(BusinessReport.business_status))).scalars()
        assert list(statuses) == ["paused", "declining"]


async def test_nanti_saja_asks_again_three_days_later(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    reply = await siti.press("⏰ Nanti saja")
    assert "3 hari lagi" in siti.text(reply)
    asked = len(siti.messages)
    harness.clock.advance(timedelta(days=2, hours=23))
    await harness.run_job(checkin_job)
    assert since(siti, asked) == []
    harness.clock.advance(timedelta(hours=1))
    await harness.run_job(checkin_job)
    [again] = since(siti, asked)
    assert QUESTION in again.text
    [checkin] = await _checkins(db)  # the same question, asked again
    assert checkin.status == "sent" and checkin.sequence == 0


async def test_someone_elses_check_in_button_is_stale(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    data = sari.last.buttons[0].callback_data
    assert data is not None and isinstance(unpack(data), CheckinAnswer)
    await siti.press_data(data)  # forged: Sari's check-in id
    assert siti.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    assert [c.status for c in await _checkins(db)] == ["sent", "sent"]


async def test_berhenti_stops_check_ins_and_mulai_brings_them_back(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    reply = await siti.send("/berhenti")
    assert "tidak akan mengirim pertanyaan rutin" in siti.text(reply)
    harness.clock.advance(timedelta(days=30))
    stopped = len(siti.messages)
    await harness.run_job(checkin_job)
    assert since(siti, stopped) == []
    reply = await siti.send("/mulai")
    assert "aktif lagi" in siti.text(reply) and "12 September 2026" in siti.text(reply)
    harness.clock.advance(timedelta(days=1))
    await harness.run_job(checkin_job)
    assert QUESTION in siti.last.text
    stranger = harness.person("Budi")
    assert "belum terdaftar" in stranger.text(await stranger.send("/berhenti"))


async def test_a_blocked_user_gets_nothing_and_the_outbox_says_blocked(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    await blocks_the_bot(harness, siti)  # Telegram tells the bot
    harness.emulator.block(sari.id, notify_bot=False)  # the bot learns only when sending fails
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    async with db.transaction() as session:
        queued = select(OutboxMessage).where(OutboxMessage.purpose != "reply")  # not the dialogs
        rows = list((await session.execute(queued)).scalars())
        users = {u.telegram_id: u for u in (await session.execute(select(User))).scalars()}
    assert [(r.chat_id, r.status) for r in rows] == [(sari.id, "blocked")]
    assert users[siti.id].blocked_at is not None and users[sari.id].blocked_at is not None
    harness.emulator.unblock(siti.id)
    assert await siti.send("/start")  # she is answered again
    async with db.transaction() as session:
        user = (await session.execute(select(User).where(User.telegram_id == siti.id))).scalar_one()
    assert user.blocked_at is None  # Telegram told the bot she came back


async def test_typing_an_answer_works_like_pressing_it(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    reply = await siti.send("lancar")  # no check-in open: the ordinary menu
    assert "Apa yang ingin Anda lakukan?" in siti.text(reply)
    harness.clock.advance(timedelta(days=30))
    await harness.run_job(checkin_job)
    reply = await siti.send("Ada kendala")  # as a screen-reader user might
    assert "penghasilan bersih" in reply[-1].text
    await finish_report(siti, income="1 juta")
    async with db.transaction() as session:
        [report] = (await session.execute(select(BusinessReport))).scalars()
    assert report.business_status == "declining"
