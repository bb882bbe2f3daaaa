"""The pacer and the people the outbox waits for.

- A 429 for one chat holds that chat only: another person's reply is not delayed.
- A caseworker added from the shell who has never opened the bot gets her alerts when she
  first writes (Telegram refuses them until then with 403 "bot can't initiate conversation").
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from bot.pacer import Pacer
from bot.services import staff
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, OutboxStatus, StaffRole
from tests.e2e.dialogs import finish_report, invited_client
from tests.harness import Harness


async def test_a_429_for_one_chat_does_not_delay_another_persons_reply(
    harness: Harness, db: Database
) -> None:
    assert harness.app is not None
    pacer = harness.app.bot.rate_limiter
    assert isinstance(pacer, Pacer)
    pacer.rate = 30  # pacing on, as in production (the tests' setting turns it off)
    siti = await invited_client(harness, db)
    started = time.monotonic()
    await harness.person("Andi").send("/start")  # the same turn with no 429 anywhere
    usual = time.monotonic() - started
    budi = harness.person("Budi")
    harness.emulator.fail_next("sendMessage", retry_after=20, chat_id=siti.id)
    assert await siti.send("/lapor") == []  # throttled: her question waits 20 s
    started = time.monotonic()
    reply = await budi.send("/start")
    elapsed = time.monotonic() - started
    print(f"pacing: another person's reply during a 429 took {elapsed:.2f}s ({usual:.2f}s without)")
    assert elapsed < usual + 1.0  # not held up by Siti's 429 (AIORateLimiter-style: 20 s)
    assert reply and "bahasa" in reply[0].text.lower()
    async with db.transaction() as session:
        waiting = (
            await session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.chat_id == siti.id,
                    OutboxMessage.status == OutboxStatus.PENDING.value,
                )
            )
        ).scalar_one()
    assert waiting.not_before - harness.clock.now() == timedelta(seconds=20)


async def test_a_caseworker_who_never_opened_the_bot_gets_her_alert_when_she_first_writes(
    harness: Harness, db: Database
) -> None:
    ani = harness.person("Bu Ani")  # added from the shell; she has not opened the bot yet
    async with db.transaction() as session:
        await staff.add_staff(
            session,
            telegram_id=ani.id,
            role=StaffRole.CASEWORKER,
            full_name="Ani Pendamping",
            now=harness.clock.now(),
            region_codes=("3522",),
        )
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("⏸️ Berhenti sementara")
    await finish_report(siti, income="0")
    assert ani.messages == []
    refused = [c for c in harness.emulator.calls if c.status == 403]
    assert refused and refused[-1].description == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    harness.clock.advance(timedelta(days=3))  # waiting is not failing: no 24 h expiry
    await harness.deliver()
    reply = await ani.send("/start")
    assert "Siti Rahayu" in reply[0].text  # what waited for her comes first
    async with db.transaction() as session:
        statuses = (
            await session.execute(
                select(OutboxMessage.status).where(OutboxMessage.chat_id == ani.id)
            )
        ).scalars()
        assert OutboxStatus.WAITING.value not in set(statuses)
