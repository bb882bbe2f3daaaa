"""The inbox: every update is stored before Telegram is told, handled exactly once, fairly.

In-process tests over HTTP against the emulator; the process-level ones (kill -9, SIGTERM, a
second process, the leader's death) are in test_processes.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.chat.turn import Kind, Turn
from bot.storage import inbox
from bot.storage.db import Database
from bot.storage.models import InboxStatus, InboxUpdate, StaffRole
from tests.e2e.dialogs import staff_member
from tests.harness import Harness

SLOW_DOWN = "Pelan-pelan ya"
APOLOGY = "Jawaban terakhir Anda belum tersimpan"
WELCOME = "Pilih bahasa"  # what a person who has not registered hears, whatever she sends


async def _statuses(db: Database, chat_key: int) -> dict[str, int]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(InboxUpdate.status, func.count())
            .where(InboxUpdate.chat_key == chat_key)
            .group_by(InboxUpdate.status)
        )
        return {status: count for status, count in rows.all()}


async def test_an_update_handed_over_twice_is_handled_once(harness: Harness, db: Database) -> None:
    # Telegram hands a batch over again when the process died after the inbox commit but
    # before its next getUpdates confirmed it: the inbox knows the ids.
    ani = harness.person("Ani")
    await ani.send("/start")
    bot = harness.parts.intake.bot
    payload = {
        "update_id": 900_000_001,
        "message": {
            "message_id": 77,
            "date": 1_790_000_000,
            "chat": {"id": ani.id, "type": "private", "first_name": "Ani"},
            "from": {"id": ani.id, "is_bot": False, "first_name": "Ani", "language_code": "id"},
            "text": "/bantuan",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }
    before = len(ani.messages)
    for _ in range(3):
        await harness.parts.intake.take([Update.de_json(payload, bot)])
    await harness.processed(900_000_001)
    await ani.send("/bantuan")  # one more, through Telegram: everything before it is done
    answers = ani.messages[before:]
    helps = [m for m in answers if WELCOME in m.text]
    assert len(helps) == 2  # the update handed over three times, once; then the new one
    assert await _statuses(db, ani.id) == {"done": 3}


async def test_an_update_that_fails_three_times_is_set_aside_and_the_chat_goes_on(
    harness: Harness, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, first_name="Admin")
    ani = harness.person("Ani")
    await ani.send("/start")
    dispatcher = harness.parts.dispatcher
    handle = dispatcher.handle
    tries = 0

    async def poisoned(turn: Turn) -> None:
        nonlocal tries
        if turn.input.kind is Kind.TEXT and turn.input.text == "racun":
            tries += 1
            raise ValueError("3522015408900001 Ani")  # personal data in the error
        await handle(turn)

    monkeypatch.setattr(dispatcher, "handle", poisoned)
    reply = await ani.send("racun")
    assert tries == 3
    assert len(reply) == 1 and APOLOGY in reply[0].text  # told once, after the last try
    reply = await ani.send("/bantuan")
    assert WELCOME in reply[-1].text  # the chat is not blocked behind it
    async with db.transaction() as session:
        aside = (
            await session.execute(
                select(InboxUpdate).where(
                    InboxUpdate.chat_key == ani.id,
                    InboxUpdate.status == InboxStatus.POISON.value,
                )
            )
        ).scalar_one()
    assert (aside.attempts, aside.error, aside.payload) == (3, "ValueError", None)
    await harness.deliver()
    notices = [m.text for m in admin.messages if "disisihkan" in m.text]
    assert len(notices) == 1 and "ValueError" in notices[0]
    assert "3522015408900001" not in notices[0] and "Ani" not in notices[0]


async def test_one_person_flooding_does_not_hold_up_another_and_is_asked_to_slow_down(
    harness: Harness, db: Database
) -> None:
    flood = harness.person("Banjir")
    ani = harness.person("Ani")
    await flood.send("/start")
    await ani.send("/start")
    cap = harness.settings.backlog_cap
    ids = [await flood.user.send(f"pesan {i}") for i in range(40)]
    before = len(flood.messages)
    asked = await ani.user.send("/bantuan")
    ids += [await flood.user.send(f"pesan {i}") for i in range(40, 500)]
    await harness.processed(asked)
    answered_by_then = len(flood.messages) - before
    assert WELCOME in ani.last.text
    # She waited for a few of his updates at most, not for his backlog of 40 and more.
    assert answered_by_then < 10, answered_by_then
    for update_id in ids:
        await harness.processed(update_id)
    slow = [m for m in flood.messages if SLOW_DOWN in m.text]
    assert len(slow) == 1  # asked once for this backlog
    statuses = await _statuses(db, flood.id)
    assert statuses["dropped"] == harness.parts.intake.dropped > 0
    assert statuses["done"] + statuses["dropped"] == 501  # /start and the 500: none lost
    assert statuses["done"] >= cap
    assert "pending" not in statuses


async def test_a_flood_control_wait_on_one_chat_does_not_delay_another(
    harness: Harness, db: Database
) -> None:
    caseworker = harness.person("Wati")
    ani = harness.person("Ani")
    await caseworker.send("/start")
    await ani.send("/start")
    harness.emulator.fail_next("sendMessage", retry_after=20, chat_id=caseworker.id, times=5)
    before = len(caseworker.messages)
    held = await caseworker.user.send("/bantuan")
    await harness.processed(held)
    reply = await ani.send("/bantuan")
    assert WELCOME in reply[-1].text  # answered while her chat waits out its 20 s
    assert len(caseworker.messages) == before


async def test_an_album_is_one_answer_through_the_inbox(harness: Harness) -> None:
    ani = harness.person("Ani")
    await ani.send("/start")
    one = len(await ani.do(ani.user.send_photo()))
    # Three photos, one update each: answered as one, like a single photo.
    assert len(await ani.send_album(3)) == one


async def test_stopping_leaves_unhandled_updates_for_the_next_start(
    harness: Harness, db: Database
) -> None:
    count = 3
    ani = harness.person("Ani")
    await ani.send("/start")
    parts = harness.parts
    await parts.workers.stop()  # the workers stop; the poller still stores
    ids = [await ani.user.send("/bantuan") for _ in range(count)]
    await harness.emulator.wait_for(lambda: harness.emulator.pending_updates == 0, 10)
    async with db.transaction() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(InboxUpdate)
            .where(InboxUpdate.status == InboxStatus.PENDING.value)
        )
    assert stored == count
    await harness.restart()
    for update_id in ids:
        await harness.processed(update_id)
    assert WELCOME in ani.last.text
    assert await _statuses(db, ani.id) == {"done": 1 + count}


async def test_handled_ids_are_forgotten_after_the_redelivery_window(
    harness: Harness, db: Database
) -> None:
    ani = harness.person("Ani")
    await ani.send("/start")
    await harness.parts.workers.stop()
    waiting = await ani.user.send("/bantuan")
    await harness.emulator.wait_for(lambda: harness.emulator.pending_updates == 0, 10)
    async with db.transaction() as session:
        await inbox.purge(session, now=datetime.now(UTC) + timedelta(days=3))
    assert await _statuses(db, ani.id) == {"pending": 1}  # what is not handled yet stays
    await harness.restart()
    await harness.processed(waiting)
    assert await _statuses(db, ani.id) == {"done": 1}
