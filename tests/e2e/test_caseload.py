"""Caseworkers see their own clients, verify or reject self-registrations, and invite clients."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from bot.services import registration
from bot.storage.db import Database
from bot.storage.models import Alert, AlertKind, Client, ClientEvent, StaffRole
from tests.e2e.dialogs import NIK_SARI, file_report, invited_client, register_herself, staff_member
from tests.harness import Harness, Person

NIK_DEWI = "3522015003920003"  # Bojonegoro, born 10 Mar 1992 (day + 40)


async def _pending_siti(harness: Harness, db: Database) -> tuple[Person, int]:
    """Siti registers herself in Bojonegoro; her record waits for verification."""
    siti = harness.person("Siti", "id")
    await register_herself(siti)
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        session.add(
            Alert(
                client_id=client.id,
                kind=AlertKind.AWAITING_VERIFICATION.value,
                event_key=f"test:{client.id}:awaiting",
                created_at=harness.clock.now(),
            )
        )
    return siti, client.id


async def _client(db: Database, client_id: int) -> Client:
    async with db.transaction() as session:
        found = await session.get(Client, client_id)
        assert found is not None
        return found


async def test_a_malang_caseworker_sees_nothing_of_a_bojonegoro_client_even_by_forging_buttons(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina", regions=("3507",)
    )
    reply = await rina.send("/klien")
    assert "0 klien" in reply[-1].text and not any("Siti" in b for b in reply[-1].button_labels)
    for forged in (f"g:kl:c:{client_id}", f"g:kl:c:{client_id}:all:0", f"g:kl:v:{client_id}"):
        reply = await rina.press_data(forged)
        assert "tidak ditemukan di wilayah Anda" in rina.text(reply), forged
        assert "Siti" not in rina.text(reply)
    reply = await rina.press_data(f"g:kl:r:{client_id}")
    assert "tidak ditemukan di wilayah Anda" in rina.text(reply)
    reply = await rina.send("tidak sesuai")  # no rejection flow was opened
    assert "Ditolak" not in rina.text(reply)
    assert (await _client(db, client_id)).status == "pending"
    assert not [m for m in siti.messages if "diverifikasi" in m.text or "diterima" in m.text]

    ani = await staff_member(harness, db)
    reply = await ani.send("/klien")
    assert "⏳ Siti Rahayu · Kab. Bojonegoro" in reply[-1].button_labels


async def test_a_caseworker_verifies_a_self_registered_client_who_is_told(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db)
    ani = await staff_member(harness, db)
    await ani.send("/klien")
    reply = await ani.press("Menunggu verifikasi")
    assert "Menunggu verifikasi: 1 klien" in reply[-1].text
    reply = await ani.press("⏳ Siti Rahayu · Kab. Bojonegoro")
    card = reply[-1]
    assert "Siti Rahayu" in card.text and "Menunggu verifikasi" in card.text
    assert "Jahit seragam" in card.text and "Belum ada laporan" in card.text
    assert card.button_labels == ["✅ Verifikasi", "❌ Tolak", "⬅️ Kembali"]
    reply = await ani.press("✅ Verifikasi", message=card)
    assert "Siti Rahayu sudah diverifikasi" in reply[-1].text
    assert "diverifikasi oleh Dinas Sosial" in siti.last.text

    client = await _client(db, client_id)
    assert client.status == "verified" and client.verified_at == harness.clock.now()
    async with db.transaction() as session:
        alerts = (await session.execute(select(Alert))).scalars().all()
        events = (await session.execute(select(ClientEvent))).scalars().all()
    assert alerts and all(a.closed_at and a.close_note == "Terverifikasi" for a in alerts)
    assert [(e.kind, e.client_id) for e in events] == [("verified", client_id)]

    reply = await ani.press_data(f"g:kl:v:{client_id}")  # a second press changes nothing
    assert "sudah diputuskan" in reply[-1].text
    reply = await ani.press("⬅️ Kembali")
    assert (
        "✅ Terverifikasi" in reply[-1].text and "Diverifikasi (Ani Pendamping)" in reply[-1].text
    )


async def test_a_caseworker_rejects_a_registration_with_a_reason_the_client_reads(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db)
    ani = await staff_member(harness, db)
    reply = await ani.press_data(f"g:kl:c:{client_id}")
    reply = await ani.press("❌ Tolak", message=reply[-1])
    assert "alasan penolakan" in reply[-1].text
    reply = await ani.send("no")
    assert "3 sampai 300 huruf" in ani.text(reply)
    reply = await ani.send("Data KTP tidak cocok & belum pernah ikut pelatihan Dinsos")
    assert "ditolak" in reply[-1].text
    assert "Alasan dari pendamping: Data KTP tidak cocok &amp; belum" not in siti.last.text
    assert "Data KTP tidak cocok & belum pernah ikut pelatihan Dinsos" in siti.last.text

    client = await _client(db, client_id)
    assert client.status == "rejected"
    assert client.rejection_reason == "Data KTP tidak cocok & belum pernah ikut pelatihan Dinsos"
    async with db.transaction() as session:
        alerts = (await session.execute(select(Alert))).scalars().all()
    assert alerts and all(a.closed_at is not None for a in alerts)
    reply = await ani.press("⬅️ Kembali")
    assert "❌ Ditolak — Data KTP tidak cocok" in reply[-1].text


async def test_an_invitation_from_undang_is_redeemed_through_the_deep_link(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    await ani.press("✉️ Undang klien")
    await ani.send("Dewi Lestari")
    reply = await ani.send("3522")
    assert "NIK harus 16 angka" in ani.text(reply)
    reply = await ani.send(NIK_DEWI)
    assert reply[-1].button_labels == ["Kab. Bojonegoro"]  # only her own kabupaten
    reply = await ani.press("Kab. Bojonegoro")
    assert "⏭️ Lewati" in reply[-1].button_labels
    reply = await ani.send("31-02-2026")
    assert "tidak saya kenali" in ani.text(reply)
    reply = await ani.send("27/8/2026")
    text = reply[-1].text
    assert "Dewi Lestari" in text and "Berlaku sampai 26 Agustus 2026" in text
    match = re.search(r"https://t\.me/berdaya_test_bot\?start=([A-Z0-9]{10})", text)
    assert match, text

    dewi = harness.person("Dewi", "id")
    await dewi.send(f"/start {match.group(1)}")
    await dewi.press("Bahasa Indonesia")
    reply = await dewi.press("✅ Saya setuju")
    assert "atas nama <b>Dewi Lestari</b>" in reply[0].text or "Dewi Lestari" in dewi.text(reply)

    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        event = (await session.execute(select(ClientEvent))).scalar_one()
    assert client.region_code == "3522" and client.training_ended_on == date(2026, 8, 27)
    assert client.user_id is not None and client.status == "verified"
    assert event.kind == "invited"

    await ani.send("/undang")
    await ani.send("Dewi Kedua")
    reply = await ani.send(NIK_DEWI)
    assert "sudah terdaftar" in reply[0].text


async def test_an_admin_may_invite_anywhere_but_a_caseworker_only_in_her_area(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    await admin.send("/undang")
    await admin.send("Sari Wulandari")
    reply = await admin.send(NIK_SARI)
    assert len(reply[-1].button_labels) == 11  # 10 kabupaten/kota and ▶
    ani = await staff_member(harness, db)
    await ani.send("/undang")
    await ani.send("Sari Wulandari")
    await ani.send(NIK_SARI)
    reply = await ani.press_data("inv:region:3507")  # Kab. Malang, forged
    assert "Kab. Bojonegoro" in reply[-1].button_labels
    reply = await ani.send("Kab. Malang")
    assert "pilih salah satu tombol" in ani.text(reply)


async def test_the_filters_show_the_right_clients(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await file_report(siti, status_index=1)  # declining
    dewi = await invited_client(
        harness, db, first_name="Dewi", full_name="Dewi Lestari", nik=NIK_DEWI
    )
    await file_report(dewi, status_index=2)  # paused
    await invited_client(harness, db, first_name="Wati", full_name="Wati", nik="3522016009880004")
    ani = await staff_member(harness, db)
    reply = await ani.send("/klien")
    assert reply[-1].button_labels[:3] == [
        "⏸️ Dewi Lestari · Kab. Bojonegoro",
        "📉 Siti Rahayu · Kab. Bojonegoro",
        "▫️ Wati · Kab. Bojonegoro",
    ]
    shown = {}
    for label in ("Menurun", "Berhenti", "Tanpa laporan 60 hari", "Menunggu verifikasi"):
        reply = await ani.press(label)
        shown[label] = [b for b in reply[-1].button_labels if "Kab." in b]
    assert shown == {
        "Menurun": ["📉 Siti Rahayu · Kab. Bojonegoro"],
        "Berhenti": ["⏸️ Dewi Lestari · Kab. Bojonegoro"],
        "Tanpa laporan 60 hari": ["▫️ Wati · Kab. Bojonegoro"],
        "Menunggu verifikasi": [],
    }
    await ani.press("Menurun")
    reply = await ani.press("📉 Siti Rahayu · Kab. Bojonegoro")
    assert "Rp3.000.000" in reply[-1].text and "2 karyawan" in reply[-1].text


async def test_a_long_list_turns_its_pages_in_place(harness: Harness, db: Database) -> None:
    now = harness.clock.now()
    async with db.transaction() as session:
        for serial in range(1, 13):
            await registration.invite_client(
                session,
                full_name=f"Klien {serial:02d}",
                nik=f"3522015408900{serial:03d}",
                region_code="3522",
                now=now,
                today=now.date(),
            )
    ani = await staff_member(harness, db)
    reply = await ani.press("👥 Klien saya")
    listing = reply[-1]
    assert "12 klien" in listing.text and "2 halaman" in listing.text
    clients = [b for b in listing.button_labels if b.startswith("▫️ Klien")]
    assert len(clients) == 10 and "Berikutnya ▶️" in listing.button_labels
    assert await ani.press("Berikutnya ▶️") == []
    page_two = [b for b in ani.last.button_labels if b.startswith("▫️ Klien")]
    assert page_two == ["▫️ Klien 11 · Kab. Bojonegoro", "▫️ Klien 12 · Kab. Bojonegoro"]
    reply = await ani.press("▫️ Klien 12 · Kab. Bojonegoro")
    assert "Klien 12" in reply[-1].text and "belum membuka undangan" in reply[-1].text
    reply = await ani.press("⬅️ Kembali")
    assert "Semua: 12 klien" in reply[-1].text
