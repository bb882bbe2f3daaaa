"""An invitation link opened in the middle of self-registration does not silently drop the
form: she is asked whether to continue it or to start again with the code."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import registration
from bot.storage.db import Database
from bot.storage.models import Client, ClientStatus
from tests.e2e.dialogs import NIK_SARI, NIK_SITI
from tests.harness import Harness, Person
from tests.keys import TEST_KEYS

OFFER = "Anda membuka tautan undangan, padahal isian pendaftaran Anda belum selesai."

SARI_HASH = TEST_KEYS.lookup_hash("nik", NIK_SARI)  # the NIK itself is encrypted


async def _invitation(harness: Harness, db: Database) -> str:
    now = harness.clock.now()
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name="Dewi Lestari",
            nik=NIK_SITI,
            region_code="3522",
            now=now,
            today=now.date(),
        )
    return invitation.code


async def _halfway(harness: Harness) -> Person:
    """Self-registration up to the kabupaten/kota question: name and NIK answered."""
    dewi = harness.person("Dewi", "id")
    await dewi.send("/start")
    await dewi.press("Bahasa Indonesia")
    await dewi.press("✅ Saya setuju")
    await dewi.press("📝 Daftar sendiri")
    await dewi.send("Dewi Lestari")
    await dewi.send(NIK_SARI)
    assert "kabupaten/kota" in dewi.last.text.lower()
    return dewi


async def test_continuing_the_form_keeps_every_answer(harness: Harness, db: Database) -> None:
    code = await _invitation(harness, db)
    dewi = await _halfway(harness)
    question = dewi.last.text

    reply = await dewi.send(f"/start {code}")
    assert OFFER in reply[-1].text
    assert reply[-1].button_labels == ["▶️ Lanjutkan isian", "🔑 Mulai dari awal dengan kode"]

    offer = reply[-1]
    reply = await dewi.press("▶️ Lanjutkan isian")
    assert reply[-1].text == question  # the question she was at, the answers kept
    assert offer.button_labels == []  # the offer's buttons have done their job
    await dewi.send("bojonegoro")
    await dewi.send("Menjahit di UPT Bina Daksa Pasuruan")
    await dewi.send("Jahit seragam")
    skip = dewi.user.reply_keyboard[-1][0].text if dewi.user.reply_keyboard else ""
    summary = (await dewi.send(skip))[-1]
    assert "Dewi Lestari" in summary.text and NIK_SARI in summary.text
    await dewi.press(summary.button_labels[0])  # Simpan
    async with db.transaction() as session:
        client = (
            await session.execute(select(Client).where(Client.nik_hash == SARI_HASH))
        ).scalar_one()
        assert client.status == ClientStatus.PENDING.value


async def test_starting_again_with_the_code_links_the_invited_record(
    harness: Harness, db: Database
) -> None:
    code = await _invitation(harness, db)
    dewi = await _halfway(harness)

    await dewi.send(f"/start {code}")
    reply = await dewi.press("🔑 Mulai dari awal dengan kode")
    text = dewi.text(reply)
    assert "Dewi Lestari" in text and "terhubung" in text
    assert "📋 Lapor keadaan usaha" in reply[-1].button_labels
    async with db.transaction() as session:
        nobody = (await session.execute(select(Client).where(Client.nik_hash == SARI_HASH))).first()
    assert nobody is None  # the half-filled form was dropped, as she chose


async def test_the_offer_also_stands_for_a_form_closed_for_idleness(
    harness: Harness, db: Database
) -> None:
    code = await _invitation(harness, db)
    dewi = await _halfway(harness)
    harness.clock.advance(timedelta(minutes=31))
    await harness.tick_idle()
    reply = await dewi.send(f"/start {code}")
    assert OFFER in reply[-1].text
    reply = await dewi.press("▶️ Lanjutkan isian")
    assert "kabupaten/kota" in reply[-1].text.lower()


async def test_a_link_before_any_answer_just_uses_the_code(harness: Harness, db: Database) -> None:
    code = await _invitation(harness, db)
    dewi = harness.person("Dewi", "id")
    await dewi.send("/start")
    await dewi.press("Bahasa Indonesia")
    await dewi.press("✅ Saya setuju")
    await dewi.press("📝 Daftar sendiri")
    reply = await dewi.send(f"/start {code}")  # nothing typed yet: nothing to lose
    assert "Dewi Lestari" in dewi.text(reply)


async def test_a_forged_offer_button_is_stale_and_keeps_the_pending_code(
    harness: Harness, db: Database
) -> None:
    code = await _invitation(harness, db)
    dewi = harness.person("Dewi", "id")
    await dewi.send(f"/start {code}")
    await dewi.press_data("oi:1")  # at the language question, where no offer was made
    assert dewi.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    await dewi.press("Bahasa Indonesia")
    reply = await dewi.press("✅ Saya setuju")
    assert "Dewi Lestari" in dewi.text(reply)
