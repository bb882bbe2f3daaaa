"""A committed turn always gets its reply: 5xx, timeouts, dropped connections, 429, 403.

Every reply is written to the outbox in the turn's own transaction and sent at once after the
commit; what fails is sent again under the outbox's retry rules, in order, and the person is
never told that a saved answer was lost.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import Conversation, OutboxMessage, OutboxStatus, StaffRole, User
from tests.e2e.dialogs import invited_client, staff_member
from tests.harness import Harness, Person

EMPLOYEES_QUESTION = "Berapa orang karyawan yang membantu usaha Anda (selain Anda sendiri)?"
NOT_SAVED = "belum tersimpan"


async def _at_income(harness: Harness, db: Database) -> Person:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    return siti


async def _draft(db: Database, person: Person) -> tuple[str, dict[str, object]]:
    async with db.transaction() as session:
        row = await session.get(Conversation, person.id)
    assert row is not None
    return row.state, row.data["draft"]


async def _retry_until_sent(harness: Harness, seconds: float = 1) -> int:
    harness.clock.advance(timedelta(seconds=seconds))
    return await harness.deliver()


async def test_a_reply_answered_502_after_the_commit_still_reaches_her_and_nothing_is_asked_twice(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    reply = await siti.send("3jt")
    assert reply == []  # the answer is saved; its reply waits for the retry
    assert await _draft(db, siti) == (
        "employees",
        {
            "status": "running",
            "income": 3_000_000,
            "employees": None,
            "obstacles": [],
            "photos": [],
        },
    )
    assert await _retry_until_sent(harness) == 1
    assert siti.last.text.startswith(EMPLOYEES_QUESTION)
    # She did not see the question in time and sends her answer again: it is not read as the
    # number of employees.
    reply = await siti.send("3jt")
    assert reply[0].text == (
        "Jawaban itu sudah saya simpan untuk pertanyaan sebelumnya. "
        "Kalau itu juga jawaban untuk pertanyaan di bawah, kirim sekali lagi."
    )
    assert reply[-1].text.startswith(EMPLOYEES_QUESTION)
    assert await _draft(db, siti) == (
        "employees",
        {
            "status": "running",
            "income": 3_000_000,
            "employees": None,
            "obstacles": [],
            "photos": [],
        },
    )
    await siti.press("2")
    assert all(NOT_SAVED not in m.text for m in siti.messages)


async def test_the_same_answer_sent_once_more_after_the_warning_is_taken(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("2 juta")
    reply = await siti.send("2 juta")
    assert reply[0].text.startswith("Jawaban itu sudah saya simpan")
    reply = await siti.send("2 juta")  # she insists: it is read as this question's answer
    assert "Tulis satu angka dari 0 sampai 999" in siti.text(reply)


async def test_a_timeout_before_telegram_took_the_reply_is_retried_once(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next("sendMessage", hang=3)
    assert await siti.send("3jt") == []
    assert await _retry_until_sent(harness) == 1
    questions = [m for m in siti.messages if m.text.startswith(EMPLOYEES_QUESTION)]
    assert len(questions) == 1


async def test_a_timeout_after_telegram_took_the_reply_duplicates_only_that_message(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next("sendMessage", hang_after=3)
    await siti.send("3jt")  # delivered, but the answer to the bot timed out
    assert await _retry_until_sent(harness) == 1
    questions = [m for m in siti.messages if m.text.startswith(EMPLOYEES_QUESTION)]
    assert len(questions) == 2  # the one message in flight, at most once more


async def test_a_dropped_connection_is_retried(harness: Harness, db: Database) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next("sendMessage", drop=True)
    assert await siti.send("3jt") == []
    assert await _retry_until_sent(harness) == 1
    assert siti.last.text.startswith(EMPLOYEES_QUESTION)


async def test_replies_after_a_failed_one_wait_behind_it_and_arrive_in_order(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    await siti.send("3jt")
    reply = await siti.send("2")  # she types the next answer before the question arrived
    assert reply == []  # held back: her chat has an older message waiting
    assert await _retry_until_sent(harness, seconds=2) >= 1
    await harness.deliver()
    texts = [m.text for m in siti.messages[-2:]]
    assert texts[0].startswith(EMPLOYEES_QUESTION)
    assert texts[1].startswith("Apa kendala utama usaha Anda?")


async def test_backoff_grows_and_gives_up_after_a_day_telling_the_administrators(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, first_name="Admin")
    siti = await _at_income(harness, db)
    harness.emulator.fail_next(
        "sendMessage", error_code=502, description="Bad Gateway", times=1000, chat_id=siti.id
    )
    await siti.send("3jt")
    delays = []
    for _ in range(12):
        async with db.transaction() as session:
            row = (
                (
                    await session.execute(
                        select(OutboxMessage)
                        .where(OutboxMessage.chat_id == siti.id)
                        .order_by(OutboxMessage.id.desc())
                    )
                )
                .scalars()
                .first()
            )
        assert row is not None
        delays.append((row.not_before - harness.clock.now()).total_seconds())
        harness.clock.advance(row.not_before - harness.clock.now())
        await harness.deliver()
    assert delays[:5] == [1, 2, 4, 8, 16]
    assert max(delays) == 300
    harness.clock.advance(timedelta(hours=24))
    await harness.deliver()
    async with db.transaction() as session:
        statuses = {
            r.status
            for r in (
                await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == siti.id))
            ).scalars()
        }
    assert OutboxStatus.EXPIRED.value in statuses
    await harness.deliver()
    notice = admin.last.text
    assert "tidak bisa dikirim selama 24 jam" in notice
    assert "3jt" not in notice and "Siti" not in notice


async def test_a_reply_refused_with_403_waits_for_her_and_comes_first_when_she_writes(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    assert await siti.send("3jt") == []
    async with db.transaction() as session:
        user = (await session.execute(select(User).where(User.telegram_id == siti.id))).scalar_one()
    assert user.blocked_at is not None
    assert len(await _statuses(db, siti.id, OutboxStatus.WAITING)) == 1
    harness.clock.advance(timedelta(days=2))  # waiting does not count against the 24 h retries
    assert await harness.deliver() == 0
    reply = await siti.send("2")  # she writes again: what waited comes first, then the reply
    assert reply[0].text.startswith(EMPLOYEES_QUESTION)
    assert reply[-1].text.startswith("Apa kendala utama usaha Anda?")
    assert await _statuses(db, siti.id, OutboxStatus.WAITING) == []
    async with db.transaction() as session:
        user = (await session.execute(select(User).where(User.telegram_id == siti.id))).scalar_one()
    assert user.blocked_at is None


async def test_messages_waiting_for_a_person_expire_after_30_days(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    harness.emulator.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    await siti.send("3jt")
    harness.clock.advance(timedelta(days=30, seconds=1))
    await harness.deliver()
    assert await _statuses(db, siti.id, OutboxStatus.WAITING) == []
    assert len(await _statuses(db, siti.id, OutboxStatus.EXPIRED)) == 1


async def _statuses(db: Database, chat_id: int, status: OutboxStatus) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.status == status.value
        )
        return list((await session.execute(query)).scalars())


async def test_an_album_is_one_answer(harness: Harness, db: Database) -> None:
    siti = await _at_income(harness, db)
    await siti.send("3jt")
    await siti.press("1")
    await siti.press("Tidak ada kendala")
    reply = await siti.send_album(2)
    assert "2 foto diterima." in siti.text(reply)
    assert "Foto produk: 2 foto" in reply[-1].text
    await siti.press("✏️ Ubah")
    await siti.press("Foto produk")
    reply = await siti.send_album(4)
    assert "Saya simpan 3 foto pertama saja." in siti.text(reply)
    assert "Foto produk: 3 foto" in reply[-1].text


async def test_a_double_tap_is_answered_with_a_toast_and_acted_on_once(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    question = siti.last
    first = siti.user.press("👍 Berjalan lancar", message=question)
    second = siti.user.press("👍 Berjalan lancar", message=question)
    ids = [await first, await second]
    for update_id in ids:
        await harness.processed(update_id)
    assert siti.user.callback_answers[-1].text == "Sudah saya terima."
    incomes = [m for m in siti.messages if "penghasilan bersih" in m.text]
    assert len(incomes) == 1


async def test_a_reply_telegram_refuses_is_failed_and_the_next_one_still_goes(
    harness: Harness, db: Database
) -> None:
    siti = await _at_income(harness, db)
    await siti.send("3jt")
    await siti.press("0")
    harness.emulator.fail_next(
        "sendMessage", error_code=400, description="Bad Request: can't parse entities: x"
    )
    reply = await siti.press("Tidak ada kendala")  # the photo question is refused …
    assert reply == []
    reply = await siti.send("/lapor")  # … and asked again when she asks where she is
    assert reply[-1].text.startswith("Kirim foto produk Anda")
    reply = await siti.press("⏭️ Lewati")
    assert "Ringkasan laporan" in reply[-1].text
    async with db.transaction() as session:
        failed = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED.value)
                )
            )
            .scalars()
            .all()
        )
    assert [row.last_error for row in failed] == ["Can't parse entities: x"]


async def test_an_alert_to_a_caseworker_who_blocked_the_bot_waits_until_she_unblocks_it(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    siti = await invited_client(harness, db)
    harness.emulator.block(ani.id, notify_bot=False)
    await siti.send("/lapor")
    await siti.press("⏸️ Berhenti sementara")
    await siti.send("0")
    await siti.press("0")
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    reply = await siti.press("✅ Simpan")
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    async with db.transaction() as session:
        alerts = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == ani.id)))
            .scalars()
            .all()
        )
    assert [row.status for row in alerts if row.purpose == "alert"] == ["waiting_for_start"]
    harness.emulator.unblock(ani.id)  # Telegram tells the bot (my_chat_member → member)
    await ani.user.wait_until(
        lambda: any("Siti" in m.text for m in ani.messages), timeout=10, what="the alert"
    )
    assert await _statuses(db, ani.id, OutboxStatus.WAITING) == []


async def test_bookkeeping_lost_after_a_send_resends_that_message_once(
    harness: Harness, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.storage import outbox as outbox_repo

    siti = await _at_income(harness, db)
    real = outbox_repo.mark_many

    async def database_gone(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(outbox_repo, "mark_many", database_gone)
    reply = await siti.send("3jt")  # sent, but its 'sent' could not be written down
    assert reply[-1].text.startswith(EMPLOYEES_QUESTION)
    assert all("belum tersimpan" not in m.text for m in siti.messages)
    monkeypatch.setattr(outbox_repo, "mark_many", real)
    harness.clock.advance(harness.parts.sender.stale_after + timedelta(seconds=1))
    await harness.deliver()
    questions = [m for m in siti.messages if m.text.startswith(EMPLOYEES_QUESTION)]
    assert len(questions) == 2  # the one message in flight, once more; nothing else
    await harness.deliver()
    assert len([m for m in siti.messages if m.text.startswith(EMPLOYEES_QUESTION)]) == 2
