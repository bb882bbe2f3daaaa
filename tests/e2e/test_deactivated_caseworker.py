"""A caseworker is deactivated: her open cases go back to the others of her area.

The case becomes unclaimed again; the other caseworkers responsible for the client get the
alert again, with the button to take it on; the client's messages in the case reach them
instead of her; and nobody taking it on escalates it to the administrators as usual.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import Alert, ClientEvent, StaffRole
from handlers.alerts import escalation_job
from tests.e2e.dialogs import file_report, invited_client, staff_member
from tests.harness import Harness

AGAIN = "Pendamping kasus ini tidak aktif lagi"


async def test_a_deactivated_caseworkers_case_goes_back_to_her_area_and_is_escalated(
    harness: Harness, db: Database
) -> None:
    boss = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Kepala", full_name="Kepala Dinas"
    )
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    dewi = await staff_member(harness, db, first_name="Bu Dewi", full_name="Dewi Lestari")
    await file_report(siti, status_index=3, income="0")  # ❌ Sudah tutup
    await ani.press("🙋 Saya tangani", ani.last)
    await ani.press("💬 Balas")
    await ani.send("Selamat siang Bu Siti, usahanya kenapa tutup?")
    await ani.press("⏹️ Selesai membalas")

    await boss.send("/staf")
    [label] = [b for b in boss.last.button_labels if "Ani Pendamping" in b]
    await boss.press(label)
    seen_dewi, seen_ani = len(dewi.messages), len(ani.messages)
    reply = await boss.press("⛔ Nonaktifkan")
    assert "Staf dinonaktifkan" in boss.text(reply)
    [again] = dewi.messages[seen_dewi:]  # sent right away, with the button to take it on
    assert AGAIN in again.text and "Siti Rahayu" in again.text
    assert again.button_labels[0] == "🙋 Saya tangani"
    async with db.transaction() as session:
        [alert] = (await session.execute(select(Alert))).scalars().all()
        kinds = list((await session.execute(select(ClientEvent.kind))).scalars())
    assert alert.claimed_by_staff_id is None and alert.closed_at is None
    assert kinds.count("case_released") == 1

    reply = await siti.send("Mesin jahit saya rusak, Bu")  # her answer reaches the area
    assert "sudah diteruskan ke pendamping" in siti.text(reply)
    assert "Pesan dari Siti Rahayu" in dewi.last.text and "rusak" in dewi.last.text
    assert dewi.last.button_labels[0] == "🙋 Saya tangani"
    assert ani.messages[seen_ani:] == []  # nothing more for the deactivated caseworker

    seen_boss = len(boss.messages)
    harness.clock.advance(timedelta(hours=49))
    await harness.run_job(escalation_job)  # nobody took it on: escalated as usual
    assert any("Belum ada yang menangani" in m.text for m in boss.messages[seen_boss:])
    reply = await dewi.press("🙋 Saya tangani", again)
    assert "Anda menangani kasus Siti Rahayu" in dewi.text(reply)
