"""Caseworkers see their own clients, verify (setting the PPKS category) or reject
self-registrations, and invite clients; nothing outside their area is seen, changed or revealed."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update

from bot.chat.actions import StepAnswer
from bot.services import registration
from bot.services.caseload import ClientCard, ClientFilter, ClientList, Reject, Verify
from bot.storage.db import Database
from bot.storage.models import Alert, Client, ClientEvent, Staff, StaffRole, Upt
from tests.e2e.dialogs import NIK_SARI, file_report, invited_client, register_herself, staff_member
from tests.harness import Harness, Person

NIK_DEWI = "3522015003920003"  # Bojonegoro, born 10 Mar 1992 (day + 40)
NIK_WATI = "3522016009880004"
STALE = "Tombol ini sudah tidak berlaku."
VERIFY_QUESTION = "pilih kategori PPKS-nya"
NIK_QUESTION = "Ketik NIK klien"
REFUSED = "Undangan tidak bisa dibuat untuk NIK ini. Hubungi administrator bila perlu."


async def _pending_siti(
    harness: Harness, db: Database, *, language_button: str = "Bahasa Indonesia"
) -> tuple[Person, int]:
    """Siti registers herself in Bojonegoro; her record waits for verification (and an
    awaiting-verification alert is open)."""
    siti = harness.person("Siti", "id")
    await register_herself(siti, language_button=language_button)
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        alerts = (await session.execute(select(Alert))).scalars().all()
    assert client.status == "pending" and alerts
    return siti, client.id


async def _client(db: Database, client_id: int) -> Client:
    async with db.transaction() as session:
        found = await session.get(Client, client_id)
        assert found is not None
        return found


def _toast(person: Person) -> str | None:
    return person.user.callback_answers[-1].text


async def _invite_until_nik(person: Person, name: str = "Dewi Lestari") -> None:
    await person.send("/undang")
    await person.send(name)


async def test_the_staff_menu_offers_the_caseload_to_caseworkers_only(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    ours = [b for b in ani.last.button_labels if b in ("👥 Klien saya", "✉️ Undang klien")]
    assert ours == ["👥 Klien saya", "✉️ Undang klien"]
    reply = await ani.send("/bantuan")
    assert "/klien – Klien di wilayah Anda" in ani.text(reply)
    assert "/undang – Undang klien baru" in ani.text(reply)
    reply = await ani.press("👥 Klien saya")
    assert "<b>" not in reply[-1].text and "Klien saya · Semua: 0 klien" in reply[-1].text
    reply = await ani.press("⬅️ Menu staf")
    assert "Menu staf" in reply[-1].text and "👥 Klien saya" in reply[-1].button_labels

    partner = await staff_member(
        harness, db, role=StaffRole.PARTNER, first_name="Pak Joko", full_name="Joko"
    )
    assert "👥 Klien saya" not in partner.last.button_labels
    reply = await partner.send("/klien")
    assert "Perintah itu tidak saya kenal" in reply[-1].text
    await partner.press_data(ClientList(ClientFilter.ALL, 0).pack())
    assert _toast(partner) == STALE


async def test_a_malang_caseworker_sees_nothing_of_a_bojonegoro_client_even_by_forging_buttons(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina", regions=("3507",)
    )
    reply = await rina.send("/klien")
    assert "0 klien" in reply[-1].text and not any("Siti" in b for b in reply[-1].button_labels)
    forged = [
        ClientCard(client_id).pack(),
        ClientCard(client_id, ClientFilter.PENDING, 0).pack(),
        Verify(client_id).pack(),
        Reject(client_id).pack(),
        ClientCard(2**31 - 1).pack(),  # valid for the codec, beyond any database id here
        "kc:99999999999999999999:all:0",  # too many digits
        f"kv:{client_id}²:all:0",  # digits of another script
        f"kr:{client_id}:zz:0",  # no such filter
        "kl:all:0:2",  # not a boolean
        f"kc:{client_id}",  # a field missing
    ]
    for data in forged:
        reply = await rina.press_data(data)
        assert _toast(rina) == STALE, data
        assert "Siti" not in rina.text(reply), data
        assert "Menu staf" in reply[-1].text, data  # the stale answer: her menu again
    reply = await rina.send("tidak sesuai")  # neither a rejection nor a verification was opened
    assert "ditolak" not in rina.text(reply) and "diverifikasi" not in rina.text(reply)
    reply = await rina.send("Penyandang Disabilitas")
    assert "diverifikasi" not in rina.text(reply)
    client = await _client(db, client_id)
    assert client.status == "pending" and client.ppks_category is None
    assert not [m for m in siti.messages if "diverifikasi" in m.text or "diterima" in m.text]

    ani = await staff_member(harness, db)
    reply = await ani.send("/klien")
    assert "⏳ Siti Rahayu · Kab. Bojonegoro" in reply[-1].button_labels


async def test_a_caseworker_sets_the_ppks_category_and_verifies_a_client_who_is_told(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db, language_button="Basa Jawa")
    ani = await staff_member(harness, db)
    await ani.send("/klien")
    reply = await ani.press("Menunggu verifikasi")
    assert "Menunggu verifikasi: 1 klien" in reply[-1].text
    reply = await ani.press("⏳ Siti Rahayu · Kab. Bojonegoro")
    card = reply[-1]
    assert "Siti Rahayu" in card.text and "Menunggu verifikasi" in card.text
    assert "Kategori: -" in card.text
    assert "Jahit seragam" in card.text and "Belum ada laporan" in card.text
    assert card.button_labels == ["✅ Verifikasi", "❌ Tolak", "⬅️ Kembali"]

    reply = await ani.press("✅ Verifikasi", message=card)
    question = reply[-1]
    assert VERIFY_QUESTION in question.text and "Siti Rahayu" in question.text
    assert question.button_labels[0] == "Anak Balita Telantar"
    assert question.button_labels[-1] == "Berikutnya ▶️" and len(question.button_labels) == 8
    assert (await _client(db, client_id)).status == "pending"  # nothing is decided yet
    assert await ani.press("Berikutnya ▶️") == []  # the categories turn in place
    assert "Penyandang Disabilitas" in ani.last.button_labels
    reply = await ani.press("Penyandang Disabilitas")
    done = reply[-1]
    assert "Siti Rahayu sudah diverifikasi. Klien sudah diberi tahu." in done.text
    assert reply[-1].button_labels == ["⬅️ Kembali", "⬅️ Menu staf"]
    assert "Kabar sae!" in siti.last.text  # in her own language, Basa Jawa

    client = await _client(db, client_id)
    assert client.status == "verified" and client.verified_at == harness.clock.now()
    assert client.ppks_category == 9  # Penyandang Disabilitas
    async with db.transaction() as session:
        alerts = (await session.execute(select(Alert))).scalars().all()
        events = (await session.execute(select(ClientEvent))).scalars().all()
    assert alerts and all(a.closed_at and a.close_note == "Terverifikasi" for a in alerts)
    assert [(e.kind, e.client_id) for e in events] == [("verified", client_id)]

    told = len(siti.messages)
    reply = await ani.press_data(Verify(client_id).pack())  # a second press changes nothing
    assert "sudah diputuskan" in reply[-1].text
    assert len(siti.messages) == told
    reply = await ani.press("⬅️ Kembali", message=done)
    card_text = reply[-1].text
    assert "✅ Terverifikasi" in card_text and "Diverifikasi (Ani Pendamping)" in card_text
    assert "Kategori: Penyandang Disabilitas" in card_text
    assert reply[-1].button_labels == ["⬅️ Kembali"]
    reply = await ani.press("⬅️ Kembali")  # back to the list her card came from
    assert "Menunggu verifikasi: 0 klien" in reply[-1].text


async def test_the_category_may_be_typed_and_a_forged_category_is_not_taken(
    harness: Harness, db: Database
) -> None:
    _siti, client_id = await _pending_siti(harness, db)
    ani = await staff_member(harness, db)
    await ani.press_data(Verify(client_id).pack())
    reply = await ani.press_data(StepAnswer("ver", "category", "99").pack())
    assert VERIFY_QUESTION in reply[-1].text
    reply = await ani.send("disabilitas")  # two categories fit: she is asked to pick one
    assert reply[-1].button_labels == ["Anak dengan Kedisabilitasan", "Penyandang Disabilitas"]
    assert (await _client(db, client_id)).status == "pending"
    reply = await ani.send("penyandang disabilitas")
    assert "sudah diverifikasi" in reply[-1].text
    assert (await _client(db, client_id)).ppks_category == 9


async def test_a_caseworker_rejects_a_registration_with_a_reason_the_client_reads(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db, language_button="English")
    ani = await staff_member(harness, db)
    reply = await ani.press_data(ClientCard(client_id).pack())
    reply = await ani.press("❌ Tolak", message=reply[-1])
    assert "alasan penolakan" in reply[-1].text and reply[-1].button_labels == ["❌ Batal"]
    reply = await ani.send("no")
    assert "Alasan harus 3 sampai 300 huruf." in ani.text(reply)
    reply = await ani.send("Data KTP tidak cocok & belum pernah ikut pelatihan Dinsos")
    assert "Pendaftaran Siti Rahayu ditolak" in reply[-1].text
    assert "The caseworker's reason: Data KTP tidak cocok & belum pernah ikut" in siti.last.text

    client = await _client(db, client_id)
    assert client.status == "rejected" and client.ppks_category is None
    assert client.rejection_reason == "Data KTP tidak cocok & belum pernah ikut pelatihan Dinsos"
    async with db.transaction() as session:
        alerts = (await session.execute(select(Alert))).scalars().all()
    assert alerts and all(a.closed_at is not None for a in alerts)
    reply = await ani.press("⬅️ Kembali")
    assert "❌ Ditolak — Data KTP tidak cocok" in reply[-1].text


async def test_a_rejection_can_be_called_off(harness: Harness, db: Database) -> None:
    siti, client_id = await _pending_siti(harness, db)
    ani = await staff_member(harness, db)
    await ani.press_data(Reject(client_id, ClientFilter.PENDING, 0).pack())
    reply = await ani.press("❌ Batal")
    assert "tidak jadi ditolak" in reply[-1].text
    reply = await ani.press("⬅️ Kembali")
    assert reply[-1].button_labels == ["✅ Verifikasi", "❌ Tolak", "⬅️ Kembali"]
    reply = await ani.press("⬅️ Kembali")
    assert "Menunggu verifikasi: 1 klien" in reply[-1].text
    assert (await _client(db, client_id)).status == "pending"
    assert not [m for m in siti.messages if "diterima" in m.text]


async def test_a_caseworker_deactivated_mid_flow_decides_nothing(
    harness: Harness, db: Database
) -> None:
    siti, client_id = await _pending_siti(harness, db)
    ani = await staff_member(harness, db)
    await ani.press_data(Reject(client_id).pack())
    async with db.transaction() as session:
        await session.execute(update(Staff).where(Staff.telegram_id == ani.id).values(active=False))
    reply = await ani.send("Data tidak cocok")
    assert "Perintah itu tidak saya kenal" in ani.text(reply)
    assert (await _client(db, client_id)).status == "pending"
    assert not [m for m in siti.messages if "diterima" in m.text]


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
    assert "kategori PPKS klien" in reply[-1].text  # no UPT to ask about
    reply = await ani.send("disabilitas")
    reply = await ani.press("Penyandang Disabilitas")
    assert "⏭️ Lewati" in reply[-1].button_labels
    reply = await ani.send("31-02-2026")
    assert "tidak saya kenali" in ani.text(reply)
    reply = await ani.send("27/8/2026")
    text = reply[-1].text
    assert "Dewi Lestari" in text and "Berlaku sampai 26 Agustus 2026" in text
    assert reply[-1].button_labels == ["✉️ Undang klien lain", "⬅️ Menu staf"]
    match = re.search(r"https://t\.me/berdaya_test_bot\?start=([A-Z0-9]{10})", text)
    assert match, text

    dewi = harness.person("Dewi", "id")
    await dewi.send(f"/start {match.group(1)}")
    await dewi.press("Bahasa Indonesia")
    reply = await dewi.press("✅ Saya setuju")
    assert "atas nama Dewi Lestari" in dewi.text(reply)

    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        event = (await session.execute(select(ClientEvent))).scalar_one()
    assert client.region_code == "3522" and client.training_ended_on == date(2026, 8, 27)
    assert client.user_id is not None and client.status == "verified"
    assert client.ppks_category == 9 and client.upt_id is None
    assert event.kind == "invited"
    reply = await ani.press_data(ClientCard(client.id).pack())
    assert "Kategori: Penyandang Disabilitas" in reply[-1].text
    assert "Diundang (Ani Pendamping)" in reply[-1].text

    await ani.press("✉️ Undang klien lain")
    await ani.send("Dewi Kedua")
    reply = await ani.send(NIK_DEWI)  # registered in her own area: she may be told so
    assert reply[0].text == (
        "NIK ini sudah terdaftar di Berdaya, jadi tidak perlu diundang lagi. Cek di /klien."
    )
    assert NIK_QUESTION in reply[-1].text


async def test_a_nik_registered_outside_her_area_is_not_revealed(
    harness: Harness, db: Database
) -> None:
    now = harness.clock.now()
    async with db.transaction() as session:  # Sari is a client in Kab. Malang
        await registration.invite_client(
            session, full_name="Sari", nik=NIK_SARI, region_code="3507", now=now, today=now.date()
        )
    ani = await staff_member(harness, db)
    await _invite_until_nik(ani)
    at_nik = await ani.send(NIK_SARI)
    assert at_nik[0].text == REFUSED
    assert NIK_QUESTION in at_nik[-1].text
    assert "terdaftar" not in ani.text(at_nik) and "Malang" not in ani.text(at_nik)

    # Any invitation that cannot be made gets the same answer: here a NIK that is registered
    # (outside her area) while she finishes the invitation.
    await ani.send(NIK_DEWI)
    await ani.press("Kab. Bojonegoro")
    await ani.send("penyandang disabilitas")
    async with db.transaction() as session:
        await registration.invite_client(
            session, full_name="Dewi", nik=NIK_DEWI, region_code="3507", now=now, today=now.date()
        )
    at_end = await ani.press("⏭️ Lewati")
    assert [m.text for m in at_end] == [m.text for m in at_nik]
    async with db.transaction() as session:
        clients = (await session.execute(select(Client))).scalars().all()
    assert sorted(c.region_code for c in clients) == ["3507", "3507"]


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
    await _invite_until_nik(ani, "Sari Wulandari")
    await ani.send(NIK_SARI)
    reply = await ani.press_data(StepAnswer("inv", "region", "3507").pack())  # Malang, forged
    assert reply[-1].button_labels == ["Kab. Bojonegoro"]
    reply = await ani.send("Kab. Malang")
    assert "tidak saya temukan" in ani.text(reply)
    assert reply[-1].button_labels == ["Kab. Bojonegoro"]

    reply = await admin.send("kab. malang")
    assert "kategori PPKS klien" in reply[-1].text
    await admin.press("Berikutnya ▶️")
    await admin.press("Penyandang Disabilitas")
    reply = await admin.press("⏭️ Lewati")
    assert "Undangan untuk Sari Wulandari sudah dibuat" in reply[-1].text
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
    assert client.region_code == "3507" and client.training_ended_on is None


async def test_a_upt_caseworker_invites_a_client_of_her_upt_from_any_region(
    harness: Harness, db: Database
) -> None:
    async with db.transaction() as session:
        upt = Upt(name="UPT Rehabilitasi Sosial Bina Daksa Pasuruan")
        session.add(upt)
        await session.flush()
        upt_id = upt.id
    tari = await staff_member(harness, db, first_name="Bu Tari", full_name="Tari", regions=())
    async with db.transaction() as session:
        from bot.services import staff

        await staff.add_staff(
            session,
            telegram_id=tari.id,
            role=StaffRole.CASEWORKER,
            full_name="Tari",
            now=harness.clock.now(),
            upt_ids=(upt_id,),
        )
    await _invite_until_nik(tari, "Sari Wulandari")
    reply = await tari.send(NIK_SARI)
    assert len(reply[-1].button_labels) == 11  # every kabupaten/kota, paged
    reply = await tari.send("Kab. Malang")
    assert reply[-1].button_labels == ["UPT Rehabilitasi Sosial Bina Daksa Pasuruan"]
    reply = await tari.press("UPT Rehabilitasi Sosial Bina Daksa Pasuruan")
    assert "kategori PPKS klien" in reply[-1].text
    await tari.send("penyandang disabilitas")
    reply = await tari.send("30-06-2026")
    assert "Undangan untuk Sari Wulandari sudah dibuat" in reply[-1].text
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
    assert (client.region_code, client.upt_id, client.ppks_category) == ("3507", upt_id, 9)
    reply = await tari.send("/klien")
    assert "▫️ Sari Wulandari · Kab. Malang" in reply[-1].button_labels


async def test_the_filters_show_the_right_clients(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await file_report(siti, status_index=1)  # declining
    dewi = await invited_client(
        harness, db, first_name="Dewi", full_name="Dewi Lestari", nik=NIK_DEWI
    )
    await file_report(dewi, status_index=2)  # paused
    await invited_client(harness, db, first_name="Wati", full_name="Wati", nik=NIK_WATI)
    ani = await staff_member(harness, db)
    reply = await ani.send("/klien")
    assert reply[-1].button_labels[:3] == [
        "⏸️ Dewi Lestari · Kab. Bojonegoro",
        "📉 Siti Rahayu · Kab. Bojonegoro",
        "▫️ Wati · Kab. Bojonegoro",
    ]
    assert reply[-1].button_labels[3:] == [
        "• Semua",
        "Tanpa laporan 60 hari",
        "Menurun",
        "Berhenti",
        "Menunggu verifikasi",
        "⬅️ Menu staf",
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
    assert "📉 Berjalan, tapi menurun" in reply[-1].text


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
    assert "◀️ Sebelumnya" in ani.last.button_labels
    assert "Berikutnya ▶️" not in ani.last.button_labels

    # A forged turn to the page already on screen changes nothing (and makes no empty edit);
    # a turn to a page that no longer exists shows the list afresh.
    assert await ani.press_data(ClientList(ClientFilter.ALL, 1, True).pack(), listing) == []
    reply = await ani.press_data(ClientList(ClientFilter.ALL, 7, True).pack(), listing)
    assert "Semua: 12 klien" in reply[-1].text
    assert "▫️ Klien 11 · Kab. Bojonegoro" in reply[-1].button_labels

    reply = await ani.press("▫️ Klien 12 · Kab. Bojonegoro")
    assert "Klien 12" in reply[-1].text and "belum membuka undangan" in reply[-1].text
    reply = await ani.press("⬅️ Kembali")
    assert "Semua: 12 klien" in reply[-1].text
    assert "▫️ Klien 11 · Kab. Bojonegoro" in reply[-1].button_labels  # the page she was on
    assert await ani.press("◀️ Sebelumnya") == []
    assert "▫️ Klien 01 · Kab. Bojonegoro" in ani.last.button_labels
