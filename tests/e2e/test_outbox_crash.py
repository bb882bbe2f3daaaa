"""A crash while 80 alerts go out: only the message on the wire may reach its person twice.

Each claim covers one message, and each outcome is written as soon as it is known, so when a
real `berdaya run` is killed while one send hangs (Telegram took the message but has not
answered), the other 79 are already recorded as sent and the restarted process sends only the
hung one again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from berdaya_sandbox.emulator import BotApiEmulator
from bot.services import outbox
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, OutboxStatus, ProcessRow
from tests.e2e.test_kill9 import bot_process

ALERTS = 80


async def _sent(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT.value)
        return int((await session.execute(query)).scalar_one())


async def _beating(db: Database) -> int:
    async with db.transaction() as session:
        return int(
            (await session.execute(select(func.count()).select_from(ProcessRow))).scalar_one()
        )


async def _until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    """The database is not an event source: look every 50 ms (a condition, not an order)."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def _until_sent(db: Database, count: int, within: float) -> None:
    async def enough() -> bool:
        return await _sent(db) >= count

    await _until(enough, within, f"fewer than {count} recorded as sent")


async def test_a_crash_mid_delivery_of_80_alerts_duplicates_at_most_the_one_in_flight(
    emulator: BotApiEmulator, database_url: str, db: Database, tmp_path: Path
) -> None:
    staff = [emulator.user(first_name=f"Staf {n}") for n in range(ALERTS)]
    for person in staff:  # each has opened the bot before
        emulator.state.chats[person.id].started = True
    hung = staff[ALERTS // 2]
    # Telegram takes this one but answers only after two minutes: the process dies meanwhile.
    emulator.fail_next("sendMessage", hang_after=120, chat_id=hung.id)
    log = tmp_path / "bot.log"

    async with bot_process(emulator, database_url, log, BERDAYA_API_TIMEOUT="10") as first:

        async def beating() -> bool:
            return await _beating(db) > 0

        await _until(beating, 30, "the process's heartbeat")
        now = datetime.now(UTC)
        async with db.transaction() as session:  # the outbox tick (every 2 s) sends them
            for n, person in enumerate(staff):
                await outbox.enqueue(
                    session, chat_id=person.id, text=f"⚠️ Peringatan {n}", purpose="alert", now=now
                )
        await emulator.wait_for(lambda: all(len(p.messages) == 1 for p in staff), timeout=30)
        await _until_sent(db, ALERTS - 1, within=8)  # while the one still hangs
        first.kill()
        await first.wait()
    async with db.transaction() as session:
        row = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == hung.id))
        ).scalar_one()
        assert row.status == OutboxStatus.SENDING.value and row.claimed_by is not None
        # The dead process's heartbeat is there, and stops: its claim lapses with it (6 s).
        assert await session.get(ProcessRow, row.claimed_by) is not None

    started = time.monotonic()
    async with bot_process(emulator, database_url, log, BERDAYA_API_TIMEOUT="10"):
        await hung.wait_until(lambda: len(hung.messages) == 2, timeout=30, what="the resend")
        resent_after = time.monotonic() - started
        await _until_sent(db, ALERTS, within=10)
    duplicates = sum(len(p.messages) - 1 for p in staff)
    assert duplicates <= 1
    # The restart, then (PostgreSQL) the dead heartbeat's 6 s, not the 45 s of the stale rule;
    # SQLite releases every claim at start.
    assert resent_after < 25
    print(f"outbox crash: duplicates={duplicates} resent_after={resent_after:.1f}s")
