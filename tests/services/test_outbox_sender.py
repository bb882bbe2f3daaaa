"""The sender's bookkeeping: outcomes of concurrent sends are written in one transaction, and
when that write fails every sender waiting on it learns so (none is told it succeeded)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram.error import NetworkError

from bot.chat.messages import Message
from bot.clock import FakeClock
from bot.config import Settings
from bot.outbox_sender import OutboxSender, _GroupWriter
from bot.services import outbox
from bot.services_container import AppServices
from bot.storage import outbox as repo
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, OutboxStatus

NOW = datetime(2026, 9, 1, 3, tzinfo=UTC)


async def _rows(db: Database, count: int) -> list[int]:
    async with db.transaction() as session:
        rows = [
            OutboxMessage(
                chat_id=1000 + n,
                text="x",
                purpose="reply",
                status=OutboxStatus.SENDING.value,
                created_at=NOW,
                not_before=NOW,
                attempts=1,
            )
            for n in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


def _services(db: Database) -> AppServices:
    return AppServices(settings=Settings(), db=db, clock=FakeClock(NOW))


async def _never(*_args: object) -> None:
    raise AssertionError("no message expired")


async def test_concurrent_outcomes_are_written_together(db: Database) -> None:
    ids = await _rows(db, 3)
    writer = _GroupWriter(_services(db), _never)
    sent = {"status": OutboxStatus.SENT.value}
    await asyncio.gather(*(writer.write([{"id": i, **sent}], set(), 0) for i in ids))
    async with db.transaction() as session:
        statuses = [(await repo.get(session, outbox_id=i)) for i in ids]
    assert [row.status for row in statuses if row] == ["sent"] * 3


async def test_a_failed_write_reaches_every_waiting_sender(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _rows(db, 3)
    writer = _GroupWriter(_services(db), _never)
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_then_broken(*_args: object, **_kwargs: object) -> None:
        started.set()
        await release.wait()  # the others queue up behind this write meanwhile
        raise ConnectionError("the database went away")

    monkeypatch.setattr(repo, "mark_many", slow_then_broken)
    sent = {"status": OutboxStatus.SENT.value}
    first = asyncio.create_task(writer.write([{"id": ids[0], **sent}], set(), 0))
    await started.wait()
    others = [asyncio.create_task(writer.write([{"id": i, **sent}], set(), 0)) for i in ids[1:]]
    await asyncio.sleep(0)  # one turn of the loop: both reach the lock the first write holds
    assert len(writer._waiters) == 2  # queued behind it, in one batch
    release.set()
    results = await asyncio.gather(first, *others, return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["ConnectionError"] * 3


class _Bot:
    """Answers the first chat at once and the others when the test lets it, so they are still
    in flight when the first one's outcome is written."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.sent: list[int] = []

    async def send_message(self, chat_id: int, *_args: object, **_kwargs: object) -> object:
        if chat_id != 2000:
            await self.go.wait()
        self.sent.append(chat_id)

        class _Result:
            message_id = len(self.sent)

        return _Result()


async def test_a_failed_write_lets_the_other_sends_finish_before_the_error_goes_up(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.transaction() as session:
        for n in range(3):
            session.add(
                OutboxMessage(
                    chat_id=2000 + n,
                    text="x",
                    purpose="alert",
                    status=OutboxStatus.PENDING.value,
                    created_at=NOW,
                    not_before=NOW,
                    attempts=0,
                )
            )
    bot = _Bot()
    sender = OutboxSender(_services(db), bot, claimer="me")  # type: ignore[arg-type]

    async def broken(*_args: object, **_kwargs: object) -> None:
        bot.go.set()  # the others are answered only now
        raise ConnectionError("the database went away")

    monkeypatch.setattr(repo, "mark_many", broken)
    with pytest.raises(ConnectionError):
        await sender.deliver_due()
    assert sorted(bot.sent) == [2000, 2001, 2002]  # none was cut off midway


class _Failing:
    """Telegram unreachable for chat 3000; every other chat is answered."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send_message(self, chat_id: int, *_args: object, **_kwargs: object) -> object:
        if chat_id == 3000:
            raise NetworkError("unreachable")
        self.sent.append(chat_id)

        class _Result:
            message_id = len(self.sent)

        return _Result()


async def test_replies_for_several_chats_a_failure_holds_back_only_its_own_chat(
    db: Database,
) -> None:
    async with db.transaction() as session:
        rows = await outbox.queue_replies(
            session,
            chat_id=3000,
            messages=[Message("a"), Message("b")],
            edit=None,
            now=NOW,
            claimer="me",
        )
        rows += await outbox.queue_replies(
            session, chat_id=3001, messages=[Message("c")], edit=None, now=NOW, claimer="me"
        )
    bot = _Failing()
    sender = OutboxSender(_services(db), bot, claimer="me")  # type: ignore[arg-type]
    await sender.send_claimed(rows)
    assert bot.sent == [3001]
    async with db.transaction() as session:
        statuses = [(await repo.get(session, outbox_id=row.id)) for row in rows]
    assert [row.status for row in statuses if row] == ["pending", "pending", "sent"]
    assert sender.backlogged == {3000}


async def test_whether_a_chat_waits_for_its_person_is_looked_up_when_not_known(
    db: Database,
) -> None:
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                chat_id=4000,
                text="x",
                purpose="alert",
                status=OutboxStatus.WAITING.value,
                created_at=NOW,
                not_before=NOW,
                held_since=NOW,
                attempts=1,
            )
        )
    sender = OutboxSender(_services(db), _Failing(), claimer="me")  # type: ignore[arg-type]
    assert await sender.waits_for(4000)  # another process's 403: seen from the database
    assert not await sender.waits_for(4001)
