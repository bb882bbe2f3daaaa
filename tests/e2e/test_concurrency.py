"""Many people at once, each one's messages in order; Telegram's flood answers are survived."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import BusinessReport
from tests.e2e.dialogs import NIK_SARI, invited_client
from tests.harness import Harness, Person


async def test_quick_taps_from_one_person_are_taken_in_order(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    # Three answers sent before the bot has handled the first: none may be dropped or reordered.
    ids = [
        await siti.user.press("📉 Berjalan, tapi menurun"),
        await siti.user.send("2 juta"),
        await siti.user.send("4"),
    ]
    for update_id in ids:
        await harness.processed(update_id)
    assert "kendala utama" in siti.last.text
    await siti.press("Tidak ada kendala")
    await siti.press("⏭️ Lewati")
    summary = siti.last.text
    assert "menurun" in summary and "Rp2.000.000" in summary and "4 orang" in summary


async def test_two_people_report_at_the_same_time(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )

    async def report(person: Person, income: str) -> None:
        await person.send("/lapor")
        await person.press("👍 Berjalan lancar")
        await person.send(income)
        await person.press("1")
        await person.press("Tidak ada kendala")
        await person.press("⏭️ Lewati")
        await person.press("✅ Simpan")

    await asyncio.gather(report(siti, "3jt"), report(sari, "750rb"))
    async with db.transaction() as session:
        incomes = sorted(
            r.monthly_income
            for r in (await session.execute(select(BusinessReport))).scalars().all()
        )
    assert incomes == [750_000, 3_000_000]


async def test_a_flood_answer_from_telegram_delays_the_reply_but_does_not_lose_it(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    harness.emulator.fail_next("sendMessage", retry_after=1)
    reply = await siti.send("/lapor")
    assert reply == []  # Telegram asked for a second's pause: the reply waits in the outbox
    harness.clock.advance(timedelta(milliseconds=500))
    assert await harness.deliver() == 0  # not before the second is over
    harness.clock.advance(timedelta(milliseconds=500))
    assert await harness.deliver() == 1
    assert "keadaan usaha Anda bulan ini" in siti.last.text
    statuses = [call.status for call in harness.emulator.calls_to("sendMessage")]
    assert statuses.count(429) == 1
