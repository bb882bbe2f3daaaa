"""Administrators invite staff with one-time deep links, and set their roles, areas and status."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import Staff, StaffArea, StaffInvitation, StaffRole
from tests.e2e.dialogs import staff_member
from tests.harness import Harness, Person

UNKNOWN_COMMAND = "Perintah itu tidak saya kenal"


async def _invite_caseworker_for_bojonegoro(admin: Person) -> str:
    """The admin's dialog from /staf to the invitation; returns the deep-link payload."""
    reply = await admin.send("/staf")
    assert "Staf Berdaya" in reply[-1].text
    reply = await admin.press("➕ Undang staf")
    assert "nama lengkap" in reply[-1].text
    reply = await admin.send("Ani Pendamping")
    assert reply[-1].button_labels == ["Administrator", "Pendamping", "Petugas mitra OPD"]
    reply = await admin.press("Pendamping")
    assert "Pilih kabupaten/kota" in reply[-1].text
    assert await admin.press("Berikutnya ▶️") == []  # pages turn in place
    await admin.press("Berikutnya ▶️")
    assert await admin.press("▫️ Kab. Bojonegoro") == []  # ticked in place
    assert "✅ Kab. Bojonegoro" in admin.last.button_labels
    reply = await admin.press("💾 Simpan")
    text = reply[-1].text
    assert "Ani Pendamping" in text and "Pendamping" in text
    match = re.search(r"https://t\.me/berdaya_test_bot\?start=(staf_[A-Z0-9]{10})", text)
    assert match, text
    return match.group(1)


async def test_an_admin_invites_a_caseworker_who_opens_the_deep_link_and_gets_the_staff_menu(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    assert "🧑‍💼 Staf" in admin.last.button_labels  # /start gave the staff menu
    payload = await _invite_caseworker_for_bojonegoro(admin)

    ani = harness.person("Ani", "id")
    reply = await ani.send(f"/start {payload}")
    assert "Selamat bergabung, Ani Pendamping" in ani.text(reply)
    assert reply[-1].button_labels == ["👥 Klien saya", "✉️ Undang klien"]
    reply = await ani.send("/start")
    assert "Menu staf" in reply[-1].text and "Pendamping" in reply[-1].text

    async with db.transaction() as session:
        staff = (
            await session.execute(select(Staff).where(Staff.telegram_id == ani.id))
        ).scalar_one()
        areas = (
            await session.execute(select(StaffArea).where(StaffArea.staff_id == staff.id))
        ).scalars()
        invitation = (await session.execute(select(StaffInvitation))).scalar_one()
    assert staff.role == "caseworker" and staff.active
    assert [a.region_code for a in areas] == ["3522"]
    assert invitation.used_at is not None and payload[5:] not in invitation.code_hash

    other = harness.person("Tono", "id")
    reply = await other.send(f"/start {payload}")
    assert "sudah pernah dipakai" in reply[-1].text
    assert "Menu staf" not in other.text(reply)


async def test_an_expired_or_unknown_staff_code_is_explained(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    payload = await _invite_caseworker_for_bojonegoro(admin)
    ani = harness.person("Ani", "id")
    reply = await ani.send("/start staf_ZZZZZZZZZZ")
    assert "tidak dikenal" in reply[-1].text
    harness.clock.advance(timedelta(days=8))
    reply = await ani.send(f"/start {payload}")
    assert "kedaluwarsa" in reply[-1].text
    reply = await ani.send("/klien")
    assert UNKNOWN_COMMAND in reply[0].text


async def test_people_without_the_role_get_the_unknown_command_answer(
    harness: Harness, db: Database
) -> None:
    stranger = harness.person("Tono", "id")
    for command in ("/staf", "/klien", "/undang"):
        reply = await stranger.send(command)
        assert UNKNOWN_COMMAND in reply[0].text, command
    partner = await staff_member(
        harness, db, role=StaffRole.PARTNER, first_name="Pak Joko", full_name="Joko", regions=()
    )
    assert "Petugas mitra OPD" in partner.last.text and partner.last.button_labels == []
    for command in ("/staf", "/klien", "/undang"):
        reply = await partner.send(command)
        assert UNKNOWN_COMMAND in reply[0].text, command
    caseworker = await staff_member(harness, db)
    reply = await caseworker.send("/staf")
    assert UNKNOWN_COMMAND in reply[0].text
    reply = await caseworker.press_data("g:stf:act:1:0")  # a forged admin button
    assert caseworker.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    assert "dinonaktifkan" not in caseworker.text(reply)


async def test_an_admin_sets_areas_changes_the_role_and_deactivates_a_caseworker(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    ani = await staff_member(harness, db)
    await admin.send("/staf")
    reply = await admin.press("👤 Ani Pendamping · Pendamping")
    assert "Wilayah: Kab. Bojonegoro" in reply[-1].text
    await admin.press("📍 Atur wilayah")
    assert await admin.press("▫️ Kab. Malang") == []
    reply = await admin.press("💾 Simpan")
    assert "disimpan: Kab. Malang, Kab. Bojonegoro" in reply[-1].text

    await admin.press("⬅️ Kembali")
    reply = await admin.press("⛔ Nonaktifkan")
    assert "Staf dinonaktifkan" in admin.text(reply) and "nonaktif" in reply[-1].text
    reply = await ani.send("/klien")
    assert UNKNOWN_COMMAND in reply[0].text
    await admin.press("✅ Aktifkan lagi")
    reply = await ani.send("/klien")
    assert "Klien saya" in reply[-1].text

    await admin.press("🔁 Ubah peran")
    reply = await admin.press("Petugas mitra OPD")
    assert "Peran diganti: Petugas mitra OPD" in admin.text(reply)
    reply = await ani.send("/undang")
    assert UNKNOWN_COMMAND in reply[0].text

    async with db.transaction() as session:
        own_id = (
            await session.execute(select(Staff.id).where(Staff.telegram_id == admin.id))
        ).scalar_one()
    reply = await admin.press_data(f"g:stf:act:{own_id}:0")
    assert "akun Anda sendiri" in reply[-1].text
    reply = await admin.press_data("g:stf:c:9999")
    assert "tidak ditemukan" in reply[-1].text


async def test_an_invitation_left_idle_is_offered_back_and_can_start_afresh(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    await admin.send("/staf")
    await admin.press("➕ Undang staf")
    await admin.send("Ani Pendamping")
    harness.clock.advance(timedelta(minutes=31))
    assert await harness.tick_idle() == 1
    reply = await admin.send("halo")
    assert "belum selesai" in reply[-1].text
    reply = await admin.press("🆕 Mulai dari awal")
    assert "nama lengkap staf" in reply[-1].text  # the staff invitation again, not onboarding
    harness.clock.advance(timedelta(minutes=31))
    await harness.tick_idle()
    reply = await admin.send("/start")
    assert "Menu staf" in admin.text(reply) and "belum selesai" in reply[-1].text
    reply = await admin.press("▶️ Lanjutkan")
    assert "nama lengkap staf" in reply[-1].text


async def test_staff_get_their_role_s_commands_in_their_menu(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, first_name="Pak Budi")
    caseworker = await staff_member(harness, db, first_name="Bu Ani")
    await harness.restart()  # command menus are registered at start
    admin_menu = [c["command"] for c in harness.emulator.commands[(f"chat:{admin.id}", "")]]
    caseworker_menu = [
        c["command"] for c in harness.emulator.commands[(f"chat:{caseworker.id}", "")]
    ]
    assert admin_menu[-4:] == ["klien", "undang", "staf", "jadwal"]
    assert caseworker_menu[-2:] == ["klien", "undang"] and "staf" not in caseworker_menu
