"""/status (a client's requests and applications, newest first, paged in place, her own only)
and /aduan (complaints go to SP4N-LAPOR!), over the emulator and the real application."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from berdaya_sandbox.emulator.files import sample_png
from bot.domain.vocabulary import (
    REQUEST_STATUS_LABELS,
    DocumentKind,
    HelpWanted,
    QuestionKind,
    RequestStatus,
)
from bot.i18n import WIB, translator
from bot.services import marketing, programs, staff
from bot.services.caseload import ClientCard
from bot.services.media import FileRef
from bot.storage.db import Database
from bot.storage.models import Client, MarketingRequest, MediaFile, ProgramApplication, User
from handlers.media import download_job
from handlers.requests_status import StatusPage
from handlers.staff_checkins import run_staff_schedules
from tests.dialog import verify_dialog
from tests.e2e.dialogs import NIK_SARI, invited_client, staff_member
from tests.e2e.test_marketing import ask_for_help
from tests.harness import Harness, Person

STALE = "Tombol ini sudah tidak berlaku."
COMPLAINTS = {
    "id": "Pengaduan tentang layanan Dinas Sosial disampaikan lewat SP4N-LAPOR! di "
    "https://www.lapor.go.id atau SMS ke 1708. Berdaya tidak menerima pengaduan sendiri, jadi "
    "pengaduan yang dikirim di sini tidak akan diproses.",
    "jv": "Aduan babagan layanan Dinas Sosial dipunaturaken lumantar SP4N-LAPOR! ing "
    "https://www.lapor.go.id utawi SMS dhateng 1708. Berdaya mboten nampi aduan piyambak, "
    "dados aduan ingkang dipunkintun ing ngriki mboten badhe dipunproses.",
    "en": "Complaints about the services of the Dinas Sosial go to SP4N-LAPOR! at "
    "https://www.lapor.go.id or by SMS to 1708. Berdaya does not take complaints itself, so "
    "a complaint sent here will not be handled.",
}
EMPTY = (
    "Anda belum punya permintaan bantuan atau pendaftaran program.\n"
    "Minta bantuan pemasaran dengan /pemasaran, atau lihat program yang bisa Anda ikuti "
    "dengan /program."
)


async def test_aduan_points_everyone_to_lapor_in_their_language(
    harness: Harness, db: Database
) -> None:
    guest = harness.person("Tamu", "id")
    await verify_dialog(guest, [("/aduan", [COMPLAINTS["id"]])])
    ani = await staff_member(harness, db)
    await verify_dialog(ani, [("/aduan", [COMPLAINTS["id"]])])
    reply = await ani.send("/bantuan")
    assert "/aduan – Cara menyampaikan pengaduan" in reply[0].text
    stranger = harness.person("Amy", "en-GB")  # not registered: Telegram's language is the guess
    await verify_dialog(stranger, [("/aduan", [COMPLAINTS["en"]])])
    sri = await invited_client(
        harness, db, first_name="Sri", nik=NIK_SARI, region="3507", language_button="Basa Jawa"
    )
    await verify_dialog(sri, [("/aduan", [COMPLAINTS["jv"]])])
    reply = await sri.send("/bantuan")
    assert "/aduan – Cara ngaturaken aduan" in reply[0].text
    assert "/status – Status panyuwunan lan pendaftaran program panjenengan" in reply[0].text

    siti = await invited_client(harness, db)
    reply = await siti.send("/bantuan")
    assert "/aduan – Cara menyampaikan pengaduan" in reply[0].text
    assert "/status – Status permintaan dan pendaftaran program Anda" in reply[0].text


async def test_aduan_in_the_middle_of_a_report_puts_the_question_back(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    question = siti.last.text
    reply = await siti.send("/aduan")
    assert [m.text for m in reply] == [COMPLAINTS["id"], question]


async def test_status_with_nothing_asked_yet_points_to_pemasaran_and_program(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    reply = await siti.press("📄 Status permintaan")
    assert reply[0].text == EMPTY
    assert reply[-1].text == "Apa yang ingin Anda lakukan?"  # her menu, to go on from

    guest = harness.person("Tamu", "id")
    reply = await guest.send("/status")
    assert reply[0].text == "Anda belum terdaftar. Ketik /start untuk mendaftar."
    reply = await guest.press_data(StatusPage(0).pack())
    assert guest.user.callback_answers[-1].text == STALE


# -- requests and applications made through the features' own services ----------------------


def wib(day: int, hour: int = 9) -> datetime:
    """A moment in August 2026, WIB."""
    return datetime(2026, 8, day, hour, tzinfo=WIB)


async def client_id_of(db: Database, person: Person) -> int:
    async with db.transaction() as session:
        query = select(Client.id).join(User, Client.user_id == User.id)
        return (await session.execute(query.where(User.telegram_id == person.id))).scalar_one()


async def _request_ids(db: Database, client_id: int) -> list[int]:
    async with db.transaction() as session:
        query = select(MarketingRequest.id).where(MarketingRequest.client_id == client_id)
        return list((await session.execute(query)).scalars())


async def marketing_request(
    harness: Harness, db: Database, client_id: int, product: str, at: datetime
) -> int:
    """A confirmed /pemasaran request, as the flow submits it, with a photo she sent."""
    photo = harness.emulator.state.files.add("photo", sample_png(), mime_type="image/png")
    async with db.transaction() as session:
        submitted = await marketing.submit_request(
            session,
            client_id=client_id,
            request=marketing.RequestInput(
                product=product,
                description="Dibuat sendiri di rumah",
                price_low=10_000,
                price_high=25_000,
                capacity=200,
                help=(HelpWanted.BAZAAR,),
                photos=(photo.file_id,),
            ),
            now=at,
        )
    return submitted.request_id


async def application(db: Database, client_id: int, program: str, at: datetime) -> int:
    """A confirmed application to a new program without questions or documents."""
    async with db.transaction() as session:
        saved = await programs.save_program(
            session, spec=programs.ProgramSpec(name=program), now=at
        )
        assert saved.program is not None
        done = await programs.submit_application(
            session,
            client_id=client_id,
            program_id=saved.program.id,
            answers=(),
            files=(),
            now=at,
        )
    assert done.application_id is not None
    return done.application_id


async def test_status_shows_her_requests_and_applications_newest_first_with_staff_words(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(3))
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    siti_id = await client_id_of(db, siti)
    await marketing_request(harness, db, siti_id, "Keripik tempe", wib(4))
    kur = await application(db, siti_id, "KUR Super Mikro", wib(5))
    batik = await marketing_request(harness, db, siti_id, "Batik tulis <Jonegoroan>", wib(6))
    async with db.transaction() as session:
        member = await staff.find_staff(session, telegram_id=ani.id)
        assert member is not None
        review = await programs.open_review(session, application_id=kur, member=member)
        assert review is not None
        await programs.decide(
            session,
            review=review,
            member=member,
            op=programs.ReviewOp.REJECT,
            reason="Usaha harus berjalan minimal 6 bulan",
            now=wib(7),
        )
        refused = await marketing.decline(
            session,
            request_id=batik,
            member=member,
            reason="Bazar bulan ini sudah penuh & ditutup",
            now=wib(7),
        )
        assert refused is None
    harness.clock.set(wib(8))
    await verify_dialog(
        siti,
        [
            (
                "/status",
                [
                    "📄 Permintaan dan pendaftaran Anda · 3 permintaan\n"
                    "\n"
                    "🛍️ Bantuan pemasaran: Batik tulis <Jonegoroan>\n"
                    "Status: ❌ Tidak dapat dibantu\n"
                    "Diajukan 6 Agustus 2026, diperbarui 7 Agustus 2026\n"
                    "💬 Pesan petugas: Bazar bulan ini sudah penuh & ditutup\n"
                    "\n"
                    "📝 Pengajuan program: KUR Super Mikro\n"
                    "Status: ❌ Tidak diterima\n"
                    "Diajukan 5 Agustus 2026, diperbarui 7 Agustus 2026\n"
                    "💬 Pesan petugas: Usaha harus berjalan minimal 6 bulan\n"
                    "\n"
                    "🛍️ Bantuan pemasaran: Keripik tempe\n"
                    "Status: ⏳ Diajukan\n"
                    "Diajukan 4 Agustus 2026\n"
                    "[⬅️ Menu]"
                ],
            ),
        ],
    )
    # Another client sees none of it, whatever page she asks for.
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    reply = await sari.send("/status")
    assert reply[0].text == EMPTY
    await sari.press_data(StatusPage(0).pack())
    assert "Batik" not in sari.text(sari.messages) and "KUR" not in sari.text(sari.messages)


async def test_status_pages_turn_in_place(harness: Harness, db: Database) -> None:
    harness.clock.set(wib(1))
    siti = await invited_client(harness, db)
    siti_id = await client_id_of(db, siti)
    for day in range(2, 9):  # seven requests: two pages of five
        await marketing_request(harness, db, siti_id, f"Produk {day}", wib(day))
    harness.clock.set(wib(10))
    reply = await siti.send("/status")
    (shown,) = reply
    assert "7 permintaan" in shown.text and "Halaman 1 dari 2" in shown.text
    assert "Produk 8" in shown.text and "Produk 4" in shown.text and "Produk 3" not in shown.text
    assert shown.button_labels == ["Berikutnya ▶️", "⬅️ Menu"]

    assert await siti.press("Berikutnya ▶️", message=shown) == []  # no new message
    assert "Halaman 2 dari 2" in shown.text and shown.edited
    assert "Produk 3" in shown.text and "Produk 2" in shown.text and "Produk 8" not in shown.text
    assert shown.button_labels == ["◀️ Sebelumnya", "⬅️ Menu"]

    # The same ▶ pressed again before the page changed on her phone: nothing to change.
    assert await siti.press_data(StatusPage(1).pack(), message=shown) == []
    assert "Halaman 2 dari 2" in shown.text

    assert await siti.press("◀️ Sebelumnya", message=shown) == []
    assert "Halaman 1 dari 2" in shown.text and "Produk 8" in shown.text
    # A forged page far beyond the end shows her last page.
    await siti.press_data(StatusPage(99).pack(), message=shown)
    assert "Halaman 2 dari 2" in shown.text


# -- the staff side: the client card and the daily digest, each caseworker her own area ------


async def test_the_card_and_the_digest_show_requests_of_her_own_area_only(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(10, 10))
    siti = await invited_client(harness, db)  # Kab. Bojonegoro
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    ani = await staff_member(harness, db)  # Kab. Bojonegoro
    budi = await staff_member(
        harness, db, first_name="Pak Budi", full_name="Budi", regions=("3507",)
    )
    siti_id, sari_id = await client_id_of(db, siti), await client_id_of(db, sari)
    await marketing_request(
        harness, db, siti_id, "Keripik tempe", wib(11)
    )  # waiting 6 days by the 17th
    await marketing_request(harness, db, siti_id, "Batik tulis", wib(16, 10))
    await application(db, siti_id, "KUR Super Mikro", wib(16, 11))
    await marketing_request(harness, db, sari_id, "Sambal pecel", wib(16, 12))

    reply = await ani.press_data(ClientCard(siti_id).pack())
    card = reply[-1].text
    section = card.split("Permintaan dan pendaftaran program\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "• 16 Agustus 2026 · 📝 Pengajuan program: KUR Super Mikro · 📨 Diajukan",
        "• 16 Agustus 2026 · 🛍️ Bantuan pemasaran: Batik tulis · ⏳ Diajukan",
        "• 11 Agustus 2026 · 🛍️ Bantuan pemasaran: Keripik tempe · ⏳ Diajukan",
    ]
    reply = await budi.press_data(ClientCard(siti_id).pack())  # not his area: a stale button
    assert budi.user.callback_answers[-1].text == STALE
    assert "Keripik" not in budi.text(reply)
    reply = await budi.press_data(ClientCard(sari_id).pack())
    assert "• 16 Agustus 2026 · 🛍️ Bantuan pemasaran: Sambal pecel · ⏳ Diajukan" in reply[-1].text

    harness.clock.set(wib(16, 13))
    await harness.run_job(run_staff_schedules)  # the schedules exist from now on
    harness.clock.set(wib(17, 7))
    await harness.run_job(run_staff_schedules)
    (ani_digest,) = [m.text for m in ani.messages if m.text.startswith("☀️ Ringkasan harian")]
    (budi_digest,) = [m.text for m in budi.messages if m.text.startswith("☀️ Ringkasan harian")]
    assert (
        "📬 Permintaan dan pendaftaran program\n"
        "• Permintaan pemasaran: 1 baru, 1 belum dijawab lebih dari 3 hari\n"
        "• Pengajuan program: 1 baru, 0 belum dijawab lebih dari 3 hari\n"
    ) in ani_digest
    assert (
        "📬 Permintaan dan pendaftaran program\n"
        "• Permintaan pemasaran: 1 baru, 0 belum dijawab lebih dari 3 hari\n"
    ) in budi_digest
    assert "Pengajuan program" not in budi_digest
    assert "• Siti Rahayu — mengajukan program" in ani_digest  # its open alert, in words

    # Once answered (the caseworker declines with a reason), a request is no longer waiting.
    requests = await _request_ids(db, siti_id)
    async with db.transaction() as session:
        member = await staff.find_staff(session, telegram_id=ani.id)
        assert member is not None
        for request_id in requests:
            await marketing.decline(
                session, request_id=request_id, member=member, reason="Belum bisa", now=wib(17, 9)
            )
    harness.clock.set(wib(18, 7))
    await harness.run_job(run_staff_schedules)
    latest = [m.text for m in ani.messages if m.text.startswith("☀️ Ringkasan harian")][-1]
    assert "Permintaan pemasaran" not in latest


# -- data rights: /dataku shows them, /hapus erases their text and their files ----------------


async def test_dataku_shows_her_requests_and_hapus_erases_their_text_and_files(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(3))
    siti = await invited_client(harness, db)
    siti_id = await client_id_of(db, siti)
    request_id = await marketing_request(harness, db, siti_id, "Keripik tempe", wib(4))
    ktp = harness.emulator.state.files.add("photo", sample_png(), mime_type="image/png")
    async with db.transaction() as session:
        saved = await programs.save_program(
            session,
            spec=programs.ProgramSpec(
                name="UEP",
                questions=(
                    programs.Question(
                        text="Usaha sudah berjalan?", kind=QuestionKind.YES_NO, qualifying=("yes",)
                    ),
                ),
                documents=(programs.RequiredDocument("Foto KTP", DocumentKind.PHOTO),),
            ),
            now=wib(5),
        )
        assert saved.program is not None
        submitted = await programs.submit_application(
            session,
            client_id=siti_id,
            program_id=saved.program.id,
            answers=(programs.Answer("Usaha sudah berjalan?", "yes"),),
            files=(FileRef(ktp.file_id, label="Foto KTP"),),
            now=wib(5),
        )
    assert submitted.application_id is not None
    ani = await staff_member(harness, db)
    async with db.transaction() as session:
        member = await staff.find_staff(session, telegram_id=ani.id)
        assert member is not None
        review = await programs.open_review(
            session, application_id=submitted.application_id, member=member
        )
        assert review is not None
        await programs.decide(
            session,
            review=review,
            member=member,
            op=programs.ReviewOp.REJECT,
            reason="Surat keterangan usaha belum ada",
            now=wib(5, 12),
        )
    await harness.run_job(download_job)
    stored = [path for path in harness.media_dir.rglob("*") if path.is_file()]
    assert len(stored) == 2  # her product photo and her KTP

    harness.clock.set(wib(6))
    replies = await siti.send("/dataku")
    text = replies[0].text
    assert "Permintaan dan pendaftaran program: 2" in text
    assert "• 5 Agustus 2026: 📝 Pengajuan program, UEP (❌ Tidak diterima)" in text
    assert "• 4 Agustus 2026: 🛍️ Bantuan pemasaran, Keripik tempe (⏳ Diajukan)" in text
    [document] = [m.document for m in siti.messages if m.document is not None]
    assert document is not None
    copy = harness.emulator.state.files.get(document.file_id)
    assert copy is not None
    exported = json.loads(copy.data.decode())["requests"]
    assert [r["product"] for r in exported["marketing"]] == ["Keripik tempe"]
    assert exported["marketing"][0]["photos"] == 1
    assert [r["program"] for r in exported["programs"]] == ["UEP"]
    assert exported["programs"][0]["documents"] == 1
    assert exported["programs"][0]["reason"] == "Surat keterangan usaha belum ada"

    await siti.send("/hapus")
    await siti.press("🗑️ Ya, hapus data saya")
    assert [path for path in harness.media_dir.rglob("*") if path.is_file()] == []
    async with db.transaction() as session:
        request = await session.get(MarketingRequest, request_id)
        applied = await session.get(ProgramApplication, submitted.application_id)
        files = (await session.execute(select(MediaFile))).scalars().all()
    assert request is not None and applied is not None
    assert (request.product, request.description) == ("", "")
    assert applied.answers == [] and applied.reason is None
    assert applied.last_staff_message is None
    assert files == []


async def test_a_reply_from_the_alert_is_the_last_word_from_staff_on_her_status(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(3))
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    siti_id = await client_id_of(db, siti)
    await marketing_request(harness, db, siti_id, "Keripik tempe", wib(4))
    await application(db, siti_id, "KUR Super Mikro", wib(4, 10))
    harness.clock.set(wib(5))
    await harness.deliver()  # the two alerts reach Ani
    for kind in ("Keripik tempe", "KUR Super Mikro"):
        [alert] = [m for m in ani.messages if kind in m.text and "💬 Balas" in m.button_labels]
        await ani.press("💬 Balas", message=alert)
        await ani.send(f"Soal {kind}: besok saya datang ke rumah Ibu.")
        await ani.press("⏹️ Selesai membalas")
    shown = (await siti.send("/status"))[0].text
    assert "💬 Pesan petugas: Soal Keripik tempe: besok saya datang ke rumah Ibu." in shown
    assert "💬 Pesan petugas: Soal KUR Super Mikro: besok saya datang ke rumah Ibu." in shown


async def test_status_in_english(harness: Harness, db: Database) -> None:
    harness.clock.set(wib(3))
    amy = await invited_client(
        harness, db, first_name="Amy", language_code="en-GB", language_button="English"
    )
    await marketing_request(harness, db, await client_id_of(db, amy), "Tempe chips", wib(4))
    english = translator("en").gettext  # (the feature's own labels, as its catalog has them)
    kind, state = marketing.KIND_LABEL, REQUEST_STATUS_LABELS[RequestStatus.SUBMITTED]
    await verify_dialog(
        amy,
        [
            (
                "/status",
                [
                    "📄 Your requests and applications · 1 request\n"
                    "\n"
                    f"{english(kind)}: Tempe chips\n"
                    f"Status: {english(state)}\n"
                    "Sent 4 August 2026\n"
                    "[⬅️ Menu]"
                ],
            )
        ],
    )


async def test_a_request_made_through_pemasaran_shows_on_status_and_follows_its_state(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(3))
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    await ask_for_help(siti, product="Kue kering nastar")
    shown = (await siti.send("/status"))[0].text
    assert "🛍️ Bantuan pemasaran: Kue kering nastar\nStatus: ⏳ Diajukan\n" in shown
    [alert] = [m for m in ani.messages if "Kue kering nastar" in m.text and m.inline_keyboard]
    await ani.press("🙋 Saya tangani", message=alert)
    shown = (await siti.send("/status"))[0].text
    assert "🛍️ Bantuan pemasaran: Kue kering nastar\nStatus: 🔧 Sedang ditangani\n" in shown
