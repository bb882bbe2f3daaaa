"""A former client opens the bot, consents, and registers herself or links with a code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services import registration
from bot.storage.db import Database
from bot.storage.models import Client, Consent, User
from tests.e2e.dialogs import NIK_SITI, register_herself
from tests.harness import Harness


async def test_a_tailor_in_bojonegoro_registers_herself_and_waits_for_verification(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti", "id")
    reply = await siti.send("/start")
    assert "Pilih bahasa" in reply[-1].text
    reply = await siti.press("Bahasa Indonesia")
    assert "UU No. 27 Tahun 2022" in reply[-1].text
    assert reply[-1].button_labels == ["✅ Saya setuju", "❌ Tidak setuju"]
    reply = await siti.press("✅ Saya setuju")
    assert "Persetujuan Anda sudah dicatat" in siti.text(reply)
    await siti.press("📝 Daftar sendiri")
    await siti.send("Siti Rahayu")
    reply = await siti.send(NIK_SITI)
    assert "atau ketik namanya (misalnya: Bojonegoro)" in reply[-1].text
    reply = await siti.press("Berikutnya ▶️")
    assert reply == []  # the page turns in place
    assert "Kab. Pasuruan" in siti.last.button_labels
    await siti.press("Berikutnya ▶️")
    reply = await siti.press("Kab. Bojonegoro")
    assert "Pelatihan apa" in reply[-1].text  # no PPKS category: her caseworker sets it
    await siti.send("Menjahit di UPT Rehabilitasi Sosial Bina Daksa Pasuruan")
    reply = await siti.send("Jahit seragam kantor")
    assert reply[-1].reply_keyboard is not None
    reply = await siti.do(siti.user.tap_reply_button("📱 Kirim nomor HP saya"))
    summary = reply[-1].text
    assert "Siti Rahayu" in summary and "Kab. Bojonegoro" in summary
    assert "Kategori" not in summary
    assert reply[-1].button_labels == ["✅ Simpan", "✏️ Ubah"]
    reply = await siti.press("✅ Simpan")
    assert "Pendamping dari Dinas Sosial akan memeriksa data Anda" in siti.text(reply)
    assert "📋 Lapor keadaan usaha" in reply[-1].button_labels

    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        user = (await session.execute(select(User))).scalar_one()
        consent = (await session.execute(select(Consent))).scalar_one()
    assert client.status == "pending" and client.origin == "self"
    assert client.region_code == "3522" and client.ppks_category is None
    assert client.nik == NIK_SITI and client.phone is not None
    assert client.user_id == user.id and user.telegram_id == siti.id
    assert consent.granted and consent.user_id == user.id

    reply = await siti.send("/start")  # a registered user gets the menu, not registration again
    assert "Halo, Siti Rahayu!" in reply[-1].text


async def test_registration_takes_ten_answers(harness: Harness) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti)
    assert siti.user.actions == 11  # /start, then ten answers (no PPKS category, no paging)


async def test_a_nik_already_registered_is_caught_at_the_nik_step(
    harness: Harness, db: Database
) -> None:
    async with db.transaction() as session:
        await registration.invite_client(
            session,
            full_name="Siti Rahayu",
            nik=NIK_SITI,
            region_code="3522",
            now=harness.clock.now(),
            today=harness.clock.now().date(),
        )
    someone = harness.person("Siti", "id")
    await someone.send("/start")
    await someone.press("Bahasa Indonesia")
    await someone.press("✅ Saya setuju")
    await someone.press("📝 Daftar sendiri")
    await someone.send("Siti Rahayu")
    reply = await someone.send(NIK_SITI)
    assert "NIK ini sudah terdaftar di Dinas Sosial" in someone.text(reply)
    assert reply[-1].button_labels == ["🔑 Saya punya kode", "📝 Daftar sendiri"]


async def test_one_field_is_corrected_from_the_summary_and_the_rest_is_kept(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti, save=False)
    reply = await siti.press("✏️ Ubah")
    assert reply[-1].button_labels == [
        "Nama",
        "NIK",
        "Kabupaten/kota",
        "Pelatihan",
        "Usaha",
        "Nomor HP",
        "⬅️ Kembali ke ringkasan",
    ]
    reply = await siti.press("Usaha")
    assert "Apa usaha Anda sekarang?" in reply[-1].text
    reply = await siti.send("Warung makan")
    assert "Periksa data Anda" in reply[-1].text  # straight back to the summary
    assert "Usaha: Warung makan" in reply[-1].text
    assert "Pelatihan: Menjahit di UPT Bina Daksa Pasuruan" in reply[-1].text
    await siti.press("✅ Simpan")
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
    assert client.business_type == "Warung makan"
    assert client.training == "Menjahit di UPT Bina Daksa Pasuruan"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "<b>&",
            "Nama hanya boleh berisi huruf, spasi, titik, tanda petik (') dan tanda hubung (-).",
        ),
        ("Siti 2", "Nama tidak boleh berisi angka."),
        ("Si", "Nama terlalu pendek: tulis paling sedikit 3 huruf."),
        ("Siti\u202eRahayu", "Nama berisi huruf tersembunyi. Ketik ulang namanya, ya."),
    ],
)
async def test_a_name_without_letters_or_with_symbols_is_refused_with_the_reason(
    harness: Harness, typed: str, reason: str
) -> None:
    siti = harness.person("Siti", "id")
    await siti.send("/start")
    await siti.press("Bahasa Indonesia")
    await siti.press("✅ Saya setuju")
    await siti.press("📝 Daftar sendiri")
    reply = await siti.send(typed)
    assert reply[0].text == reason
    assert reply[-1].text == "Siapa nama lengkap Anda? Tulis sesuai KTP."
    reply = await siti.send("Ni Luh Putu Ayu-Sari D'Costa")
    assert "Ketik NIK Anda" in reply[-1].text


async def test_declining_consent_stores_nothing(harness: Harness, db: Database) -> None:
    budi = harness.person("Budi", "id")
    await budi.send("/start")
    await budi.press("Bahasa Indonesia")
    reply = await budi.press("❌ Tidak setuju")
    assert "tidak menyimpan data Anda" in reply[-1].text
    async with db.transaction() as session:
        assert (await session.execute(select(User))).first() is None
        assert (await session.execute(select(Client))).first() is None


async def test_an_invited_client_links_her_account_through_the_deep_link(
    harness: Harness, db: Database
) -> None:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name="Dewi Lestari",
            nik=NIK_SITI,
            region_code="3522",
            now=harness.clock.now(),
            today=harness.clock.now().date(),
        )
    dewi = harness.person("Dewi", "id")
    await dewi.send(f"/start {invitation.code}")
    await dewi.press("Bahasa Indonesia")
    reply = await dewi.press("✅ Saya setuju")
    assert "Dewi Lestari" in dewi.text(reply)
    assert "📋 Lapor keadaan usaha" in reply[-1].button_labels

    # The code is one-time: someone else who tries it is told so, and offered the other ways.
    rina = harness.person("Rina", "id")
    await rina.send(f"/start {invitation.code}")
    await rina.press("Bahasa Indonesia")
    reply = await rina.press("✅ Saya setuju")
    assert "sudah pernah dipakai" in rina.text(reply)
    assert reply[-1].button_labels == ["🔑 Saya punya kode", "📝 Daftar sendiri"]


async def test_an_unknown_code_typed_by_hand_gets_a_clear_answer(harness: Harness) -> None:
    rina = harness.person("Rina", "id")
    await rina.send("/start")
    await rina.press("Bahasa Indonesia")
    await rina.press("✅ Saya setuju")
    await rina.press("🔑 Saya punya kode")
    reply = await rina.send("ZZZZ999999")
    assert "tidak dikenal" in rina.text(reply)
    assert "Ketik kode undangan" in reply[-1].text


async def test_the_nik_is_checked_and_the_reason_given_in_words(harness: Harness) -> None:
    siti = harness.person("Siti", "id")
    await siti.send("/start")
    await siti.press("Bahasa Indonesia")
    await siti.press("✅ Saya setuju")
    await siti.press("📝 Daftar sendiri")
    await siti.send("Siti Rahayu")
    cases = {
        "12345": "16 angka",
        "3122015408900001": "bukan dari Jawa Timur",
        "3599015408900001": "tidak cocok dengan kabupaten/kota",
        "3522013202900001": "Tanggal lahir",  # 32 February
        "3522015408900000": "0000",
    }
    for nik, reason in cases.items():
        reply = await siti.send(nik)
        assert reason in siti.text(reply), nik
        assert "Ketik NIK Anda" in reply[-1].text
    reply = await siti.send("3522 0154 0890 0001")  # spaces as people type them
    assert "kabupaten/kota" in reply[-1].text


async def test_registration_by_typing_a_region_name(harness: Harness, db: Database) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti, region_typed="bojonegoro")
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
    assert client.region_code == "3522" and client.phone is None
