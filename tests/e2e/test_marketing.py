"""Marketing help over the emulator: /pemasaran, the caseworker's alert, referral to a partner
agency with the client's agreement, the officer's progress and outcome, the client told at
each step; and the unhappy paths (odd input, forged presses, a failing alert delivery)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from bot.services import marketing, staff
from bot.services.marketing import (
    ClientRequests,
    ConsentPress,
    OfficerOp,
    OfficerPress,
    RequestOp,
    RequestPress,
)
from bot.storage.db import Database
from bot.storage.models import (
    Agency,
    AuditEvent,
    MarketingRequest,
    MediaFile,
    Referral,
    Staff,
    StaffRole,
)
from handlers.alerts import strip_stale_buttons
from handlers.media import DownloadResult, download_job
from tests.e2e.dialogs import NIK_SARI, NIK_SITI, invited_client, staff_member
from tests.harness import Harness, Person

STALE = "Tombol ini sudah tidak berlaku."


def since(person: Person, before: int) -> list[SentMessage]:
    """The bot's messages to this person after the first `before`."""
    return person.messages[before:]


async def ask_for_help(
    person: Person,
    *,
    product: str = "Kue kering nastar",
    album: int = 0,
    photos: int = 1,
    price: str = "20rb - 35rb",
    capacity: str = "50",
    helps: tuple[int, ...] = (0, 1),
    other: str | None = None,
) -> list[SentMessage]:
    """The whole flow; returns the bot's answer to Simpan."""
    await person.send("/pemasaran")
    await person.send(product)
    await person.send("Nastar isi selai nanas, toples 500 gram.")
    if album:
        await person.send_album(album)
    for _ in range(photos):
        await person.do(person.user.send_photo())
    if person.last.button_labels and person.last.button_labels[0] == "➡️ Lanjut":
        await person.press("➡️ Lanjut")
    await person.send(price)
    await person.send(capacity)
    for index in helps:
        await person.press(person.last.button_labels[index])
    await person.press("➡️ Lanjut")
    if other is not None:
        await person.send(other)
    return await person.press("✅ Simpan")


async def partner_officer(
    harness: Harness, db: Database, *, agency: str, first_name: str, full_name: str
) -> Person:
    """A partner officer of `agency` (created if needed), linked to Telegram."""
    person = harness.person(first_name, "id")
    now = harness.clock.now()
    async with db.transaction() as session:
        found, _new = await marketing.add_agency(session, name=agency, now=now)
        member = await staff.add_staff(
            session, telegram_id=person.id, role=StaffRole.PARTNER, full_name=full_name, now=now
        )
        member.agency_id = found.id
    await person.send("/start")
    return person


async def _requests(db: Database) -> list[MarketingRequest]:
    async with db.transaction() as session:
        return list(await session.scalars(select(MarketingRequest).order_by(MarketingRequest.id)))


async def test_a_request_reaches_her_caseworker_with_its_photos_and_claiming_it_tells_her(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    seen_ani, seen_rina = len(ani.messages), len(rina.messages)
    reply = await ask_for_help(siti, album=3, photos=0)
    assert "sudah terkirim ke pendamping" in siti.text(reply)
    alert = next(m for m in since(ani, seen_ani) if "Permintaan bantuan pemasaran" in m.text)
    assert "Siti Rahayu" in alert.text and "Kue kering nastar" in alert.text
    assert "Rp20.000–Rp35.000" in alert.text and "50 per bulan" in alert.text
    assert "Bazar atau pameran" in alert.text and "Katalog online Dinsos" in alert.text
    assert NIK_SITI not in alert.text
    assert alert.button_labels == [
        "🙋 Saya tangani",
        "💬 Balas",
        "✅ Selesai",
        "🤝 Rujuk ke mitra",
        "🚫 Tolak",
    ]
    album = [m for m in since(ani, seen_ani) if m.photo is not None]
    assert len(album) == 3 and len({m.media_group_id for m in album}) == 1  # one album
    assert album[0].caption == "📷 Foto produk: Kue kering nastar"
    assert since(rina, seen_rina) == []  # another region sees nothing
    [request] = await _requests(db)
    assert request.status == "submitted" and (request.price_low, request.price_high) == (
        20_000,
        35_000,
    )
    async with db.transaction() as session:
        files = list(await session.scalars(select(MediaFile).order_by(MediaFile.position)))
    assert len(files) == 3

    seen_siti = len(siti.messages)
    await ani.press("🙋 Saya tangani", alert)
    [told] = since(siti, seen_siti)
    assert "sekarang ditangani oleh pendamping Ani Pendamping" in told.text
    assert (await _requests(db))[0].status == "in_progress"
    reply = await ani.press("✅ Selesai", alert)
    await ani.send("Sudah didaftarkan ke bazar Hari Ibu.")
    assert "sudah selesai ditangani" in siti.last.text
    assert (await _requests(db))[0].status == "done"


async def test_the_referral_asks_her_first_and_tells_her_every_step(
    harness: Harness, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    budi = await partner_officer(
        harness, db, agency="Dinas Koperasi dan UKM", first_name="Pak Budi", full_name="Budi"
    )
    tono = await partner_officer(
        harness, db, agency="Disperindag", first_name="Pak Tono", full_name="Tono"
    )
    await ask_for_help(siti, photos=2)
    alert = (
        ani.last
        if "Rujuk" in " ".join(ani.last.button_labels)
        else next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    )
    seen_budi, seen_tono = len(budi.messages), len(tono.messages)
    reply = await ani.press("🤝 Rujuk ke mitra", alert)
    assert "Ke mitra mana" in ani.text(reply)
    assert ani.last.button_labels[:2] == ["Dinas Koperasi dan UKM", "Disperindag"]
    seen_siti = len(siti.messages)
    reply = await ani.press("Dinas Koperasi dan UKM")
    assert "Klien sudah ditanya" in ani.text(reply)
    question = siti.last
    assert "Dinas Koperasi dan UKM" in question.text and "Bolehkah nama Anda" in question.text
    assert question.button_labels == ["✅ Boleh, sebut nama saya", "🙈 Tanpa nama saya"]
    assert since(budi, seen_budi) == []  # nothing goes to the agency before she answers
    assert (await _requests(db))[0].status == "in_progress"

    await siti.press("✅ Boleh, sebut nama saya", question)
    assert "sudah diteruskan ke <b>Dinas Koperasi dan UKM</b>" in siti.last.text or (
        "sudah diteruskan ke Dinas Koperasi dan UKM" in siti.last.text
    )
    referral = next(m for m in since(budi, seen_budi) if "Rujukan bantuan pemasaran" in m.text)
    assert "Siti Rahayu" in referral.text and NIK_SITI not in referral.text
    assert "Kue kering nastar" in referral.text
    assert "Foto produk disimpan di Dinas Sosial" in referral.text  # her 2 photos stay inside
    assert all(m.photo is None for m in since(budi, seen_budi))
    assert since(tono, seen_tono) == []  # another agency sees nothing
    assert "setuju namanya disebutkan" in ani.last.text
    assert (await _requests(db))[0].status == "referred"

    seen_siti = len(siti.messages)
    reply = await budi.press("✅ Terima rujukan", referral)
    assert budi.last.button_labels == ["📝 Kabar perkembangan", "🏁 Selesaikan"]
    assert "menerima permintaan" in siti.last.text
    await budi.press("📝 Kabar perkembangan")
    await budi.send("Produk Ibu masuk daftar peserta bazar UMKM 20 Desember.")
    assert "Kabar dari <b>Dinas Koperasi dan UKM</b>" in siti.last.text or (
        "Kabar dari Dinas Koperasi dan UKM" in siti.last.text
    )
    assert "bazar UMKM 20 Desember" in siti.last.text
    await budi.press("🏁 Selesaikan", budi.messages[-3])
    await budi.press("🎪 Dijual di bazar")
    assert "selesai dibantu" in siti.last.text and "Dijual di bazar" in siti.last.text
    assert len(since(siti, seen_siti)) == 3  # accepted, progress, done
    [request] = await _requests(db)
    assert request.status == "done"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "bazar UMKM" not in logged and NIK_SITI not in logged


async def test_without_her_name_the_officer_never_sees_it_and_a_decline_tells_her_why(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    budi = await partner_officer(
        harness, db, agency="Disnaker", first_name="Pak Budi", full_name="Budi"
    )
    await ask_for_help(siti)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    await ani.press("🤝 Rujuk ke mitra", alert)
    await ani.press("Disnaker")
    seen = len(budi.messages)
    await siti.press("🙈 Tanpa nama saya")
    assert "tanpa nama Anda" in siti.last.text
    referral = next(m for m in since(budi, seen) if "Rujukan" in m.text)
    assert "Siti" not in referral.text and "tidak dibagikan" in referral.text
    await budi.press("✅ Terima rujukan", referral)
    await budi.press("🏁 Selesaikan")
    await budi.press("❌ Tidak dapat dibantu")
    await budi.send("Kuota bazar tahun ini sudah penuh.")
    assert "tidak dapat membantu" in siti.last.text and "Kuota bazar" in siti.last.text
    assert (await _requests(db))[0].status == "declined"


async def test_a_forged_press_cannot_read_another_agencys_referral(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    budi = await partner_officer(
        harness, db, agency="Dinas Koperasi dan UKM", first_name="Pak Budi", full_name="Budi"
    )
    tono = await partner_officer(
        harness, db, agency="Disperindag", first_name="Pak Tono", full_name="Tono"
    )
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    await ask_for_help(siti)
    [request] = await _requests(db)
    for request_op in RequestOp:  # another region's caseworker, a partner officer, a client
        for person in (rina, tono, siti):
            reply = await person.press_data(RequestPress(request.id, request_op).pack())
            assert person.user.callback_answers[-1].text == STALE
            assert "nastar" not in person.text(reply)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    await ani.press("🤝 Rujuk ke mitra", alert)
    await ani.press("Dinas Koperasi dan UKM")
    async with db.transaction() as session:
        [referral] = list(await session.scalars(select(Referral)))
    # before she answers, not even the agency's own officer can open it
    await budi.press_data(OfficerPress(referral.id, OfficerOp.ACCEPT).pack())
    assert budi.user.callback_answers[-1].text == STALE
    # nobody but her can answer the consent question: another client, staff, the officer
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    for person in (sari, ani, budi):
        await person.press_data(ConsentPress(referral.id, True).pack())
        assert person.user.callback_answers[-1].text == STALE
    async with db.transaction() as session:
        [waiting] = list(await session.scalars(select(Referral)))
    assert waiting.status == "awaiting_consent" and waiting.share_name is None
    await siti.press("✅ Boleh, sebut nama saya")
    for op in OfficerOp:
        for person in (tono, ani, siti):
            reply = await person.press_data(OfficerPress(referral.id, op).pack())
            assert person.user.callback_answers[-1].text == STALE
            assert "nastar" not in person.text(reply) and "Siti" not in person.text(reply)
    async with db.transaction() as session:
        [referral] = list(await session.scalars(select(Referral)))
    assert referral.status == "sent" and referral.accepted_by_staff_id is None


async def test_odd_input_in_the_flow_gets_a_helpful_answer(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/pemasaran")
    await siti.do(siti.user.send_photo())  # a photo where the name is asked
    assert "nama" in siti.last.text.lower() or "tulis" in siti.last.text.lower()
    await siti.send("Tas rajut")
    await siti.send("Tas rajut benang katun, warna bisa dipesan.")
    reply = await siti.do(siti.user.send_document())  # a document where a photo is expected
    assert "foto" in siti.text(reply).lower()
    await siti.send_album(6)  # too many: the first five
    assert "5 foto pertama" in siti.text(siti.messages[-3:])
    reply = await siti.send("murah")
    assert "belum bisa membaca harganya" in siti.text(reply)
    await siti.send("75rb")
    reply = await siti.send("nol")
    assert "misalnya 50" in siti.text(reply)
    await siti.send("20")
    reply = await siti.press("➡️ Lanjut")  # nothing ticked
    assert siti.user.callback_answers[-1].text == "Pilih minimal satu."
    await siti.press("▫️ Lainnya")
    await siti.press("➡️ Lanjut")
    reply = await siti.send("Ikut pameran kerajinan di Surabaya")
    assert "Ringkasan permintaan" in siti.text(reply)
    assert "Ikut pameran kerajinan di Surabaya" in siti.text(reply)
    assert "5 foto" in siti.text(reply) and "Rp75.000" in siti.text(reply)


async def test_a_failing_alert_delivery_is_retried_and_the_request_is_kept(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    harness.emulator.fail_next(
        "sendMessage", error_code=502, description="Bad Gateway", chat_id=ani.id
    )
    seen = len(ani.messages)
    reply = await ask_for_help(siti)
    assert "sudah terkirim ke pendamping" in siti.text(reply)
    assert len(await _requests(db)) == 1
    harness.clock.advance(timedelta(seconds=60))
    await harness.deliver()
    alerts = [m for m in since(ani, seen) if "Permintaan bantuan pemasaran" in m.text]
    assert len(alerts) == 1  # delivered once, after the retry


async def test_a_timeout_on_the_alert_delivery_is_retried_and_the_photos_follow(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    harness.emulator.fail_next("sendMessage", hang=3, chat_id=ani.id)
    seen = len(ani.messages)
    reply = await ask_for_help(siti, album=2, photos=0)
    assert "sudah terkirim ke pendamping" in siti.text(reply)  # her answer does not wait
    for _ in range(10):
        harness.clock.advance(timedelta(seconds=30))
        await harness.deliver()
    got = since(ani, seen)
    alerts = [m for m in got if "Permintaan bantuan pemasaran" in m.text]
    assert len(alerts) == 1
    photos = [m for m in got if m.photo is not None]
    assert len(photos) == 2 and got.index(alerts[0]) < got.index(photos[0])  # alert, then album


async def test_the_caseworker_declines_with_a_reason_she_is_told(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    await ask_for_help(siti)
    alert = next(m for m in reversed(ani.messages) if "🚫 Tolak" in m.button_labels)
    reply = await ani.press("🚫 Tolak", alert)
    assert "Tulis alasan permintaan Kue kering nastar" in ani.text(reply)
    reply = await ani.send("\u200b")  # nothing readable: asked again
    assert "beberapa kata" in ani.text(reply)
    await ani.send("Produk makanan perlu PIRT dulu; kami bantu urus lewat program lain.")
    assert "ditolak" in ani.last.text
    told = siti.last.text
    assert "belum dapat kami bantu" in told and "perlu PIRT dulu" in told
    [request] = await _requests(db)
    assert request.status == "declined"
    async with db.transaction() as session:  # recorded, without her words or the reason
        [logged] = list(await session.scalars(select(AuditEvent)))
    assert (logged.action, logged.subject_id) == ("request_declined", request.id)
    assert logged.detail == {"client": request.client_id}
    seen = len(ani.messages)
    await ani.press("🤝 Rujuk ke mitra", alert)  # too late to refer
    assert "sudah selesai" in ani.text(since(ani, seen))
    await harness.run_job(strip_stale_buttons)
    assert next(m for m in ani.messages if m.message_id == alert.message_id).button_labels == []


async def test_her_status_shows_the_request_and_the_last_words_from_the_agency(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    budi = await partner_officer(
        harness, db, agency="Disnaker", first_name="Pak Budi", full_name="Budi"
    )
    await ask_for_help(siti)
    reply = await siti.send("/status")
    assert "Kue kering nastar" in siti.text(reply) and "Diajukan" in siti.text(reply)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    await ani.press("🤝 Rujuk ke mitra", alert)
    await ani.press("Disnaker")
    await siti.press("✅ Boleh, sebut nama saya")
    referral = next(m for m in reversed(budi.messages) if "✅ Terima rujukan" in m.button_labels)
    await budi.press("✅ Terima rujukan", referral)
    await budi.press("📝 Kabar perkembangan")
    await budi.send("Jadwal pelatihan kemasan: Senin depan.")
    reply = await siti.send("/status")
    text = siti.text(reply)
    assert "Dirujuk ke mitra" in text and "Jadwal pelatihan kemasan" in text


async def test_administrators_keep_the_list_of_agencies_in_the_bot(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    ani = await staff_member(harness, db, first_name="Bu Dewi", full_name="Dewi")
    reply = await admin.send("/mitra")
    assert "Mitra rujukan" in admin.text(reply) and admin.last.button_labels == ["➕ Tambah mitra"]
    await admin.press("➕ Tambah mitra")
    reply = await admin.send("Dinas Koperasi dan UKM")
    assert "Mitra Dinas Koperasi dan UKM ditambahkan" in admin.text(reply)
    await admin.send("/mitra")
    assert "✅ Dinas Koperasi dan UKM" in admin.last.text
    await admin.press("⛔ Nonaktifkan Dinas Koperasi dan UKM")
    assert admin.user.callback_answers[-1].text == "Dinas Koperasi dan UKM dinonaktifkan."
    assert admin.last.button_labels[0] == "✅ Aktifkan Dinas Koperasi dan UKM"
    async with db.transaction() as session:
        [agency] = list(await session.scalars(select(Agency)))
    assert agency.active is False
    # an inactive agency is not offered; a caseworker cannot run /mitra at all
    siti = await invited_client(harness, db)
    await ask_for_help(siti)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    reply = await ani.press("🤝 Rujuk ke mitra", alert)
    assert "Belum ada mitra" in ani.text(reply)
    reply = await ani.send("/mitra")
    assert "Mitra rujukan" not in ani.text(reply)


async def test_the_digest_counts_new_and_unanswered_requests(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await staff_member(harness, db)
    start = harness.clock.now()
    await ask_for_help(siti)
    [request] = await _requests(db)
    async with db.transaction() as session:
        ids = [request.client_id]
        fresh = await marketing.PROVIDER.digest(
            session, ids, start - timedelta(hours=1), start + timedelta(hours=1)
        )
        later = await marketing.PROVIDER.digest(
            session, ids, start + timedelta(days=3), start + timedelta(days=4)
        )
    assert (fresh.new, fresh.unanswered) == (1, 0)
    assert (later.new, later.unanswered) == (0, 1)  # open, nobody answered, over 3 days old


async def test_an_officer_invited_in_the_bot_for_an_agency_gets_its_referrals(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    async with db.transaction() as session:
        await marketing.add_agency(session, name="DPMD", now=harness.clock.now())
    await admin.send("/staf")
    await admin.press("➕ Undang staf")
    await admin.send("Joko Mitra")
    reply = await admin.press("Petugas mitra OPD")
    assert "Dari mitra mana Joko Mitra?" in admin.text(reply)
    reply = await admin.press("DPMD")
    match = re.search(r"start=(staf_[A-Z0-9]{10})", reply[-1].text)
    assert match, reply[-1].text
    joko = harness.person("Joko", "id")
    await joko.send(f"/start {match.group(1)}")
    async with db.transaction() as session:
        officer = (await session.scalars(select(Staff).where(Staff.role == "partner"))).one()
        agency = (await session.scalars(select(Agency))).one()
    assert officer.role == "partner" and officer.agency_id == agency.id

    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db, first_name="Bu Dewi", full_name="Dewi")
    await ask_for_help(siti)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    await ani.press("🤝 Rujuk ke mitra", alert)
    await ani.press("DPMD")
    seen = len(joko.messages)
    await siti.press("🙈 Tanpa nama saya")
    assert any("Rujukan bantuan pemasaran" in m.text for m in since(joko, seen))


async def test_a_request_closed_while_she_was_asked_is_not_referred_after_all(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    budi = await partner_officer(
        harness, db, agency="Disnaker", first_name="Pak Budi", full_name="Budi"
    )
    await ask_for_help(siti)
    alert = next(m for m in reversed(ani.messages) if "🤝 Rujuk ke mitra" in m.button_labels)
    await ani.press("🤝 Rujuk ke mitra", alert)
    await ani.press("Disnaker")
    question = siti.last
    await ani.press("✅ Selesai", alert)
    await ani.send("Sudah dibantu langsung lewat bazar kecamatan.")
    seen = len(budi.messages)
    await siti.press("✅ Boleh, sebut nama saya", question)
    assert siti.user.callback_answers[-1].text == STALE
    assert since(budi, seen) == []
    [request] = await _requests(db)
    assert request.status == "done"


async def test_the_client_card_shows_her_requests_with_their_photos_to_her_caseworker_only(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    await ask_for_help(siti, album=2, photos=0)
    await ani.send("/klien")
    card = await ani.press("▫️ Siti Rahayu · Kab. Bojonegoro")
    assert "Kue kering nastar" in card[-1].text  # the card lists it
    seen = len(ani.messages)
    await ani.press("🛍️ Permintaan pemasaran")
    shown, *album = since(ani, seen)
    assert "Kue kering nastar" in shown.text and "⏳" in shown.text
    assert "Rp20.000–Rp35.000" in shown.text and NIK_SITI not in shown.text
    assert len(album) == 2 and len({m.media_group_id for m in album}) == 1  # her two photos
    assert album[0].caption == "📷 Foto produk: Kue kering nastar"
    [request] = await _requests(db)
    forged = ClientRequests(request.client_id).pack()
    seen_rina, seen_siti = len(rina.messages), len(siti.messages)
    await rina.press_data(forged)  # another area's client
    assert rina.user.callback_answers[-1].text == STALE
    await siti.press_data(forged)  # the client herself
    assert siti.user.callback_answers[-1].text == STALE
    for message in [*since(rina, seen_rina), *since(siti, seen_siti)]:  # at most a menu
        assert "Kue kering" not in message.text and message.photo is None


async def test_the_card_shows_photos_telegram_no_longer_holds_from_the_media_folder(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    await ask_for_help(siti, album=2, photos=0)
    assert await harness.run_job(download_job) == DownloadResult(stored=2)
    async with db.transaction() as session:
        photos = list(await session.scalars(select(MediaFile).order_by(MediaFile.position)))
    for photo in photos:  # Telegram no longer holds them
        harness.emulator.forget_file(photo.file_id)
    on_disk = [(harness.media_dir / str(p.path)).read_bytes() for p in photos]
    await ani.send("/klien")
    await ani.press("▫️ Siti Rahayu · Kab. Bojonegoro")
    seen = len(ani.messages)

    await ani.press("🛍️ Permintaan pemasaran")

    shown, *album = since(ani, seen)
    assert "Kue kering nastar" in shown.text and "Foto: 2" in shown.text
    assert album[0].caption == "📷 Foto produk: Kue kering nastar"
    shown_bytes = []
    for message in album:
        assert message.photo
        stored = harness.emulator.state.files.get(message.photo[-1].file_id)
        assert stored is not None
        shown_bytes.append(stored.data)
    assert shown_bytes == on_disk  # her two photos, uploaded from the media folder
