"""Administrators invite staff with one-time deep links, and set their roles, areas and status."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from bot.domain.vocabulary import StaffRole
from bot.i18n import translator
from bot.storage.db import Database
from bot.storage.models import Staff, StaffArea, StaffInvitation
from handlers.features import Menu
from tests.e2e.dialogs import staff_member
from tests.harness import Harness, Person

UNKNOWN_COMMAND = "Perintah itu tidak saya kenal"
STALE = "Tombol ini sudah tidak berlaku."


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
    assert reply[-1].button_labels == ["⬅️ Menu staf"]
    match = re.search(r"https://t\.me/berdaya_test_bot\?start=(staf_[A-Z0-9]{10})", text)
    assert match, text
    return match.group(1)


async def invite(admin: Person, name: str, role: str, *areas: str) -> str:
    """An administrator invites someone through /staf (areas from the picker's first page);
    returns the deep-link payload the invitation shows."""
    await admin.send("/staf")
    await admin.press("➕ Undang staf")
    await admin.send(name)
    reply = await admin.press(role)
    if areas:
        for area in areas:
            await admin.press(f"▫️ {area}")
        reply = await admin.press("💾 Simpan")
    match = re.search(r"https://t\.me/berdaya_test_bot\?start=(staf_[A-Z0-9]{10})", reply[-1].text)
    assert match, reply[-1].text
    return match.group(1)


def _staff_menu_labels(harness: Harness, role: StaffRole) -> list[str]:
    """The staff menu's buttons for a role, as the registry generates them (other features add
    theirs)."""
    rows = harness.parts.registry.menu_rows(translator("id"), Menu.STAFF, role)
    return [label for row in rows for label, _action in row]


async def _staff_id(db: Database, person: Person) -> int:
    async with db.transaction() as session:
        found = await session.execute(select(Staff.id).where(Staff.telegram_id == person.id))
        return found.scalar_one()


async def test_an_admin_invites_a_caseworker_who_opens_the_deep_link_and_gets_the_staff_menu(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    staff_row = next(
        row for row in admin.last.inline_keyboard if "🧑‍💼 Staf" in [b.text for b in row]
    )
    assert [b.text for b in staff_row] == ["🧑‍💼 Staf", "🗓️ Jadwal"]  # one row, from the menu
    payload = await _invite_caseworker_for_bojonegoro(admin)
    await admin.press("⬅️ Menu staf")
    assert "Menu staf" in admin.last.text

    ani = harness.person("Ani", "id")
    reply = await ani.send(f"/start {payload}")
    assert "Selamat bergabung, Ani Pendamping" in ani.text(reply)
    assert "Menu staf · Pendamping" in reply[-1].text
    assert reply[-1].button_labels == _staff_menu_labels(harness, StaffRole.CASEWORKER)
    assert "🧑‍💼 Staf" not in reply[-1].button_labels
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


async def test_a_partner_needs_no_areas_and_a_caseworker_needs_at_least_one(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    await invite(admin, "Joko Mitra", "Petugas mitra OPD")  # invited straight away
    assert "Undangan untuk Joko Mitra (Petugas mitra OPD) sudah dibuat" in admin.last.text

    await admin.send("/staf")
    await admin.press("➕ Undang staf")
    reply = await admin.send("Sari 2")
    assert "Nama tidak boleh berisi angka" in admin.text(reply)
    await admin.send("Sari Pendamping")
    await admin.press("Pendamping")
    assert await admin.press("💾 Simpan") == []  # nothing ticked: a toast, the picker stays
    assert admin.user.callback_answers[-1].text == "Pilih minimal satu kabupaten/kota atau UPT."
    assert await admin.press("▫️ Kab. Kediri") == []
    assert await admin.press("✅ Kab. Kediri") == []  # and off again
    reply = await admin.press("❌ Batal")
    assert reply[-1].text == "Dibatalkan." and reply[-1].button_labels == ["⬅️ Menu staf"]
    async with db.transaction() as session:
        names = (await session.execute(select(Staff.full_name).order_by(Staff.id))).scalars()
        assert list(names) == ["Ani Pendamping", "Joko Mitra"]


async def test_an_expired_or_unknown_staff_code_is_explained_and_a_new_code_works(
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
    reply = await ani.send("/staf")
    assert UNKNOWN_COMMAND in reply[0].text

    await admin.send("/staf")
    reply = await admin.press("✉️ Ani Pendamping · Pendamping")
    assert "undangan sudah kedaluwarsa" in reply[-1].text
    reply = await admin.press("🔑 Buat kode undangan baru")
    match = re.search(r"start=(staf_[A-Z0-9]{10})", reply[-1].text)
    assert match and match.group(1) != payload
    reply = await ani.send(f"/start {match.group(1)}")
    assert "Selamat bergabung, Ani Pendamping" in ani.text(reply)
    reply = await admin.press("⬅️ Kembali")
    assert "Telegram: terhubung" in reply[-1].text
    assert "🔑 Buat kode undangan baru" not in reply[-1].button_labels


async def test_people_without_the_role_get_the_unknown_command_answer_and_dead_buttons(
    harness: Harness, db: Database
) -> None:
    stranger = harness.person("Tono", "id")
    for command in ("/staf", "/jadwal"):
        reply = await stranger.send(command)
        assert UNKNOWN_COMMAND in reply[0].text, command
    partner = await staff_member(
        harness, db, role=StaffRole.PARTNER, first_name="Pak Joko", full_name="Joko", regions=()
    )
    assert "Petugas mitra OPD" in partner.last.text
    assert "🧑‍💼 Staf" not in partner.last.button_labels
    caseworker = await staff_member(harness, db)
    for person in (partner, caseworker):
        for command in ("/staf", "/jadwal"):
            reply = await person.send(command)
            assert UNKNOWN_COMMAND in reply[0].text, command
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    target = await _staff_id(db, caseworker)
    for forged in (  # an admin's buttons, well-formed, pressed by people without the role
        f"sfx:{target}:0",
        f"sfs:{target}:admin",
        f"sfc:{target}",
        "sfl:0:0",
        "sfi",
        "c:staf",
    ):
        for person in (caseworker, partner, stranger):
            reply = await person.press_data(forged)
            assert person.user.callback_answers[-1].text == STALE, forged
            assert "Ani Pendamping" not in person.text(reply)
    for forged in (  # not even well-formed: no one gets anything but the stale answer
        "sfx:99999999999999999999:0",
        "sfc:2147483648",
        "sfx:²:0",
        "sfx:١:0",
        f"sfx:{target}:2",
        f"sfs:{target}:zz",
        f"sfs:{target}:admin:1",
        "sfc:",
        "sfc:-1",
        "stf:act:1:0",
        "g:stf:act:1:0",
    ):
        await admin.press_data(forged)
        assert admin.user.callback_answers[-1].text == STALE, forged
    async with db.transaction() as session:
        roles = (await session.execute(select(Staff.role, Staff.active).order_by(Staff.id))).all()
    assert [tuple(r) for r in roles] == [
        ("partner", True),
        ("caseworker", True),
        ("admin", True),
    ]


async def test_an_admin_sets_areas_changes_roles_and_deactivates_staff(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    await staff_member(harness, db)  # Ani, caseworker for Kab. Bojonegoro
    dewi = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Bu Dewi", full_name="Dewi", regions=()
    )
    reply = await admin.send("/staf")
    assert reply[-1].button_labels[:3] == [
        "👤 Ani Pendamping · Pendamping",
        "👤 Budi · Administrator",
        "👤 Dewi · Administrator",
    ]
    reply = await admin.press("👤 Ani Pendamping · Pendamping")
    assert "Wilayah: Kab. Bojonegoro" in reply[-1].text
    reply = await admin.press("📍 Atur wilayah")
    assert "✅ Kab. Bojonegoro" in admin.text(reply) or reply[-1].button_labels
    assert await admin.press("▫️ Kab. Malang") == []
    reply = await admin.press("💾 Simpan")
    assert "disimpan: Kab. Malang, Kab. Bojonegoro" in reply[-1].text
    reply = await admin.press("⬅️ Kembali")
    assert "Wilayah: Kab. Malang, Kab. Bojonegoro" in reply[-1].text

    # Dewi, another administrator: deactivated, reactivated, then made a partner officer.
    await admin.send("/staf")
    await admin.press("👤 Dewi · Administrator")
    reply = await admin.press("⛔ Nonaktifkan")
    assert "Staf dinonaktifkan" in admin.text(reply) and "Status: nonaktif" in reply[-1].text
    reply = await dewi.send("/staf")
    assert UNKNOWN_COMMAND in reply[0].text
    reply = await admin.press("✅ Aktifkan lagi")
    assert "Staf diaktifkan lagi" in admin.text(reply)
    reply = await dewi.send("/staf")
    assert "Staf Berdaya" in reply[-1].text
    await admin.press("🔁 Ubah peran")
    reply = await admin.press("Petugas mitra OPD")
    assert "Peran diganti: Petugas mitra OPD" in admin.text(reply)
    assert "Peran: Petugas mitra OPD" in reply[-1].text
    assert "📍 Atur wilayah" not in reply[-1].button_labels
    reply = await dewi.send("/staf")
    assert UNKNOWN_COMMAND in reply[0].text
    reply = await dewi.send("/start")
    assert "Menu staf · Petugas mitra OPD" in reply[-1].text

    own_id = await _staff_id(db, admin)
    reply = await admin.press_data(f"sfx:{own_id}:0")
    assert "akun Anda sendiri" in reply[-1].text
    reply = await admin.press_data(f"sfs:{own_id}:caseworker")
    assert "akun Anda sendiri" in reply[-1].text
    for missing in ("sfc:9999", "sfa:9999", "sfx:9999:0", "sfs:2147483647:admin"):
        reply = await admin.press_data(missing)
        assert "tidak ditemukan" in reply[-1].text, missing
    reply = await admin.press_data("sfk:2147483647")
    assert "datanya tidak ditemukan" in reply[-1].text
    async with db.transaction() as session:
        rows = (await session.execute(select(Staff.role, Staff.active).order_by(Staff.id))).all()
    assert [tuple(r) for r in rows] == [
        ("admin", True),
        ("caseworker", True),
        ("partner", True),
    ]


async def test_the_staff_list_pages_in_place(harness: Harness, db: Database) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, full_name="Admin", regions=())
    for n in range(11):
        await staff_member(harness, db, first_name=f"S{n}", full_name=f"Staf Nomor {chr(65 + n)}")
    reply = await admin.send("/staf")
    listing = reply[-1]
    assert "12 orang" in listing.text
    assert len([label for label in listing.button_labels if "·" in label]) == 10
    assert "◀️ Sebelumnya" not in listing.button_labels
    assert await admin.press("Berikutnya ▶️", listing) == []  # turned in place
    names = [label for label in listing.button_labels if "·" in label]
    assert names == ["👤 Staf Nomor J · Pendamping", "👤 Staf Nomor K · Pendamping"]
    assert "Berikutnya ▶️" not in listing.button_labels
    await admin.press("◀️ Sebelumnya", listing)
    assert listing.button_labels[0] == "👤 Admin · Administrator"
    # A page number past the end shows the last page (a list may shrink meanwhile).
    assert await admin.press_data("sfl:7:1", listing) == []
    assert [label for label in listing.button_labels if "·" in label][-1].endswith("K · Pendamping")


async def test_a_deactivated_admin_cannot_finish_an_invitation(
    harness: Harness, db: Database
) -> None:
    chief = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Kepala", full_name="Kepala", regions=()
    )
    dewi = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Bu Dewi", full_name="Dewi", regions=()
    )
    await dewi.send("/staf")
    await dewi.press("➕ Undang staf")
    await dewi.send("Joko Mitra")
    await chief.send("/staf")
    await chief.press("👤 Dewi · Administrator")
    await chief.press("⛔ Nonaktifkan")
    reply = await dewi.press("Petugas mitra OPD")
    assert UNKNOWN_COMMAND in reply[-1].text
    async with db.transaction() as session:
        assert (await session.execute(select(func.count(Staff.id)))).scalar_one() == 2


async def test_an_invitation_left_idle_is_offered_back_and_can_start_afresh(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    await admin.send("/staf")
    await admin.press("➕ Undang staf")
    await admin.send("Ani Pendamping")
    harness.clock.advance(timedelta(minutes=31))
    assert await harness.tick_idle() == 1
    assert "Ketik /staf untuk melanjutkan" in admin.last.text
    reply = await admin.send("/staf")  # the command the notice named offers the draft back
    assert "belum selesai" in reply[-1].text
    reply = await admin.press("🆕 Mulai dari awal")
    assert "nama lengkap staf" in reply[-1].text  # the staff invitation again, not onboarding
    harness.clock.advance(timedelta(minutes=31))
    await harness.tick_idle()
    reply = await admin.send("/start")
    assert "Menu staf" in admin.text(reply) and "belum selesai" in reply[-1].text
    reply = await admin.press("▶️ Lanjutkan")
    assert "nama lengkap staf" in reply[-1].text
    reply = await admin.send("/staf")  # an aside: the open question comes back after the list
    assert "Staf Berdaya" in reply[0].text and "nama lengkap staf" in reply[-1].text
