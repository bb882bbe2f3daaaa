"""The audit log: every staff action is recorded with who, when and what, in the action's own
transaction; /audit shows it to administrators only, newest first, paged in place."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.services import audit
from bot.services.audit import AuditAction, Subject
from bot.storage.db import Database
from bot.storage.models import AuditEvent, Client, StaffRole
from handlers.audit import AuditPage
from tests.e2e.dialogs import NIK_SITI, register_herself, staff_member
from tests.harness import Harness

STALE = "Tombol ini sudah tidak berlaku."


async def _events(db: Database) -> list[AuditEvent]:
    async with db.transaction() as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


async def test_the_administrator_reads_who_viewed_verified_and_changed_a_role(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti)
    ani = await staff_member(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    wati = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Bu Wati", full_name="Wati Admin", regions=()
    )
    async with db.transaction() as session:
        client_id = (await session.execute(select(Client.id))).scalar_one()

    # Ani opens Siti's card and verifies her; Rina (another area) forges the card: refused.
    await ani.send("/klien")
    await ani.press("Menunggu verifikasi")
    await ani.press("⏳ Siti Rahayu · Kab. Bojonegoro")
    harness.clock.advance(timedelta(minutes=5))
    await ani.press("✅ Verifikasi")
    await ani.press("Berikutnya ▶️")  # the categories turn in place
    await ani.press("Penyandang Disabilitas")
    await rina.press_data(f"kc:{client_id}:all:0")
    assert rina.user.callback_answers[-1].text == STALE
    # Wati makes Rina an administrator.
    harness.clock.advance(timedelta(minutes=5))
    await wati.send("/staf")
    await wati.press("👤 Rina Malang · Pendamping")
    await wati.press("🔁 Ubah peran")
    await wati.press("Administrator")

    events = await _events(db)
    assert [(e.action, e.subject_kind) for e in events] == [
        ("client_viewed", "client"),
        ("client_verified", "client"),
        ("staff_role_changed", "staff"),
    ]
    assert events[1].at == events[0].at + timedelta(minutes=5)
    # Ids and codes only: nothing personal is written into the log itself.
    for event in events:
        stored = repr((event.action, event.subject_kind, event.detail))
        assert "Siti" not in stored and NIK_SITI not in stored and "Rina" not in stored

    reply = await wati.send("/audit")
    shown = reply[-1].text
    assert "📜 Catatan audit · 3" in shown
    newest_first = [
        "Wati Admin\nmengubah peran staf · Rina Malang · Administrator",
        "Ani Pendamping\nmemverifikasi klien · Siti Rahayu",
        "Ani Pendamping\nmembuka kartu klien · Siti Rahayu",
    ]
    positions = [shown.index(line) for line in newest_first]
    assert positions == sorted(positions), shown
    assert re.search(r"\d{1,2} \w+ \d{4} \d\d:\d\d · Ani Pendamping", shown), shown


async def test_caseworkers_cannot_read_the_log_even_by_forging_a_page(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    reply = await ani.send("/audit")
    assert "Catatan audit" not in ani.text(reply)
    await ani.press_data(AuditPage(0).pack())
    assert ani.user.callback_answers[-1].text == STALE
    assert not any("Catatan audit" in m.text for m in ani.messages)


async def test_the_log_turns_its_pages_in_place_and_names_an_erased_client(
    harness: Harness, db: Database
) -> None:
    wati = await staff_member(harness, db, role=StaffRole.ADMIN, full_name="Wati Admin", regions=())
    async with db.transaction() as session:
        for minute in range(23):
            await audit.record(
                session,
                actor=None,
                action=AuditAction.PROGRAM_SAVED,
                now=harness.clock.now() + timedelta(minutes=minute),
                subject=Subject.PROGRAM,
                subject_id=minute + 1,
            )
        await audit.record(  # a client since erased: her id stays, her name is gone
            session,
            actor=None,
            action=AuditAction.CLIENT_VERIFIED,
            now=harness.clock.now() + timedelta(hours=1),
            subject=Subject.CLIENT,
            subject_id=4242,
        )

    reply = await wati.send("/audit")
    first = reply[-1]
    assert "📜 Catatan audit · 24" in first.text and "Halaman 1 dari 3" in first.text
    assert "memverifikasi klien · klien #4242 (datanya sudah dihapus)" in first.text
    assert "server (baris perintah)\nmenyimpan program · program #23" in first.text
    assert first.button_labels == ["Berikutnya ▶️", "⬅️ Menu"]

    assert await wati.press("Berikutnya ▶️", first) == []  # turned in place
    await wati.press("Berikutnya ▶️", first)
    last = wati.messages[wati.messages.index(first)]
    assert "Halaman 3 dari 3" in last.text and "program #1\n" not in last.text
    assert last.text.rstrip().endswith("menyimpan program · program #1")
    assert last.button_labels == ["◀️ Sebelumnya", "⬅️ Menu"]
