"""State lives in the database: restarts resume, idle flows close politely and keep drafts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import BusinessReport
from tests.e2e.dialogs import invited_client
from tests.harness import Harness


async def test_a_restart_midway_continues_the_same_report(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("📉 Berjalan, tapi menurun")
    await siti.send("1,5 jt")
    await harness.restart()
    reply = await siti.press("3")  # the employees question from before the restart
    assert "kendala utama" in reply[-1].text
    await harness.restart()
    await siti.press("▫️ Kesehatan")
    await siti.press("➡️ Lanjut")
    await siti.press("⏭️ Lewati")
    reply = await siti.press("✅ Simpan")
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    async with db.transaction() as session:
        [report] = (await session.execute(select(BusinessReport))).scalars().all()
    assert (report.business_status, report.monthly_income, report.employees) == (
        "declining",
        1_500_000,
        3,
    )
    assert report.obstacles == "health"


async def test_a_restart_midway_through_registration_continues_it(harness: Harness) -> None:
    siti = harness.person("Siti", "id")
    await siti.send("/start")
    await siti.press("Bahasa Indonesia")
    await siti.press("✅ Saya setuju")
    await siti.press("📝 Daftar sendiri")
    await siti.send("Siti Rahayu")
    await harness.restart()
    reply = await siti.send("3522015408900001")
    assert "kabupaten/kota" in reply[-1].text


async def test_an_idle_report_is_closed_politely_and_offered_again(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("3jt")
    harness.clock.advance(timedelta(minutes=29))
    assert await harness.tick_idle() == 0  # not yet
    harness.clock.advance(timedelta(minutes=2))
    before = len(siti.messages)
    assert await harness.tick_idle() == 1
    notice = siti.messages[before:]
    assert len(notice) == 1 and "/lapor" in notice[0].text and "tersimpan" in notice[0].text
    assert await harness.tick_idle() == 0  # told once

    reply = await siti.send("halo")  # outside the flow now: the draft is offered
    assert "belum selesai" in reply[-1].text
    reply = await siti.send("/lapor")
    assert reply[-1].button_labels == ["▶️ Lanjutkan", "🆕 Mulai dari awal"]
    reply = await siti.press("▶️ Lanjutkan")
    assert "karyawan" in reply[-1].text  # where she stopped, income kept
    await siti.press("1")
    await siti.press("Tidak ada kendala")
    reply = await siti.press("⏭️ Lewati")
    assert "Rp3.000.000" in reply[-1].text


async def test_starting_afresh_drops_the_kept_draft(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    harness.clock.advance(timedelta(minutes=31))
    await harness.tick_idle()
    await siti.send("/lapor")
    reply = await siti.press("🆕 Mulai dari awal")
    assert "keadaan usaha Anda bulan ini" in reply[-1].text
