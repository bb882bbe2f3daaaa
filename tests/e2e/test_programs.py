"""Programs over the emulator: a client applies (questions, documents, confirm), her caseworker
reviews from the alert, and every rule holds at submission (deadline, quota, eligibility, one
application per program)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.vocabulary import ApplicationStatus, DocumentKind, QuestionKind
from bot.services import programs
from bot.services.programs import (
    ApplicationPress,
    ClientApplications,
    ProgramSpec,
    Question,
    RequiredDocument,
)
from bot.services.programs import ReviewOp as Op
from bot.storage.db import Database
from bot.storage.models import (
    AuditEvent,
    Client,
    MediaFile,
    Program,
    ProgramApplication,
    StaffRole,
)
from tests.e2e.dialogs import NIK_SARI, invited_client, staff_member
from tests.harness import Harness, Person

STALE = "Tombol ini sudah tidak berlaku."
UEP = ProgramSpec(
    name="UEP Menjahit 2026",
    description="Bantuan usaha ekonomi produktif untuk penjahit.",
    questions=(
        Question("Apakah usaha Anda masih berjalan?", QuestionKind.YES_NO, qualifying=("yes",)),
        Question("Sudah berapa tahun usaha Anda berjalan?", QuestionKind.NUMBER, minimum=1),
        Question(
            "Apa jenis usaha Anda?",
            QuestionKind.CHOICE,
            options=("Jahit", "Kuliner", "Lainnya"),
            qualifying=("Jahit",),
        ),
    ),
    documents=(
        RequiredDocument("Foto KTP", DocumentKind.PHOTO),
        RequiredDocument("Surat keterangan usaha", DocumentKind.PDF),
    ),
    quota=10,
)
SEHATI = ProgramSpec(name="Sertifikasi halal gratis (SEHATI)", description="Untuk usaha makanan.")


async def add_program(harness: Harness, db: Database, spec: ProgramSpec = UEP) -> int:
    """A program as an administrator would define it, closing in 30 days."""
    now = harness.clock.now()
    if spec.deadline is None:
        spec = ProgramSpec(**{**spec.__dict__, "deadline": programs.deadline_in(30, now)})
    async with db.transaction() as session:
        saved = await programs.save_program(session, spec=spec, now=now)
    assert saved.program is not None, saved.problems
    return saved.program.id


async def _applications(db: Database) -> list[ProgramApplication]:
    async with db.transaction() as session:
        found = await session.execute(select(ProgramApplication).order_by(ProgramApplication.id))
        return list(found.scalars())


async def apply_to_uep(person: Person, *, confirm: bool = True) -> str:
    """The whole UEP application, answered so that it qualifies."""
    await person.send("/program")
    await person.press("UEP Menjahit 2026")
    await person.press("✅ Ya")
    await person.send("3 tahun")
    await person.press("Jahit")
    await person.do(person.user.send_photo())
    await person.do(person.user.send_document(b"%PDF-1.4 surat", "surat.pdf"))
    if not confirm:
        return ""
    return person.text(await person.press("📨 Kirim pengajuan"))


async def test_a_client_applies_and_her_caseworker_reviews_from_the_alert(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    reply = await siti.send("/program")
    listing = reply[-1]
    assert "UEP Menjahit 2026" in listing.text and "Surat keterangan usaha (PDF)" in listing.text
    assert "11 September 2026 pukul 23.59 WIB" in listing.text and "Sisa 10 tempat" in listing.text
    assert listing.button_labels == ["UEP Menjahit 2026", "❌ Batal"]
    reply = await siti.press("UEP Menjahit 2026")
    assert "Pertanyaan 1 dari 3" in reply[-1].text
    assert reply[-1].button_labels == ["✅ Ya", "❌ Tidak"]
    await siti.send("ya")  # typed, as a word of the button
    reply = await siti.send("tiga")
    assert reply[-1].button_labels == ["Jahit", "Kuliner", "Lainnya"]
    reply = await siti.press("Jahit")
    assert "Dokumen 1 dari 2" in reply[-1].text and "foto" in reply[-1].text
    reply = await siti.do(siti.user.send_photo())
    assert "Foto KTP diterima." in siti.text(reply) and "berkas PDF" in reply[-1].text
    reply = await siti.do(siti.user.send_document(b"%PDF-1.4 surat", "surat.pdf"))
    summary = reply[-1]
    assert "Ringkasan pengajuan: UEP Menjahit 2026" in summary.text
    assert "• Apakah usaha Anda masih berjalan? Ya" in summary.text
    assert "• Sudah berapa tahun usaha Anda berjalan? 3" in summary.text
    assert "• Apa jenis usaha Anda? Jahit" in summary.text
    assert "Dokumen: 2 berkas" in summary.text
    assert await _applications(db) == []  # nothing is stored before Kirim
    seen = len(ani.messages)
    reply = await siti.press("📨 Kirim pengajuan")
    assert "sudah terkirim" in siti.text(reply)
    [application] = await _applications(db)
    assert application.status == ApplicationStatus.SUBMITTED
    assert [a["answer"] for a in application.answers] == ["yes", "3", "Jahit"]
    async with db.transaction() as session:
        files = (await session.execute(select(MediaFile).order_by(MediaFile.position))).scalars()
        assert [(f.kind, f.label) for f in files] == [
            ("photo", "Foto KTP"),
            ("document", "Surat keterangan usaha"),
        ]
    alert, *documents = ani.messages[seen:]  # delivered right after her confirmation
    assert [bool(m.photo) for m in documents] == [True, False]  # shown again by file id
    assert documents[1].document is not None
    assert "Dokumen Siti Rahayu untuk program UEP Menjahit 2026" in (documents[0].caption or "")
    assert "Pengajuan program" in alert.text and "Siti Rahayu" in alert.text
    assert "UEP Menjahit 2026" in alert.text and "Dokumen terlampir: 2" in alert.text
    assert alert.button_labels[-4:] == ["🔎 Periksa", "✅ Terima", "❌ Tolak", "🕒 Daftar tunggu"]

    reply = await ani.press("🙋 Saya tangani", alert)  # taking it on starts the review
    assert "Anda menangani kasus Siti Rahayu" in ani.text(reply)
    assert "Pengajuan Anda untuk program UEP Menjahit 2026 sedang diperiksa" in siti.last.text
    reply = await ani.press("✅ Terima", alert)
    assert "Klien sudah diberi tahu" in ani.text(reply)
    assert "Selamat! Pengajuan Anda untuk program UEP Menjahit 2026 diterima" in siti.last.text
    [application] = await _applications(db)
    assert application.status == ApplicationStatus.ACCEPTED
    assert "UEP Menjahit 2026" not in siti.text(await siti.send("/program"))  # once only


async def test_a_rejection_asks_the_reason_and_the_client_is_told_it(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    await apply_to_uep(siti)
    alert = next(m for m in ani.messages if "Pengajuan program" in m.text)
    reply = await ani.press("🔎 Periksa", alert)
    assert "Sedang diperiksa. Klien sudah diberi tahu" in ani.text(reply)
    assert "sedang diperiksa" in siti.last.text
    reply = await ani.press("❌ Tolak", alert)
    assert "Tulis alasan" in reply[-1].text
    reply = await ani.send("Kuota wilayah Bojonegoro tahun ini sudah terisi.")
    assert "Alasannya sudah dikirim" in ani.text(reply)
    assert "belum dapat diterima" in siti.last.text
    assert "Kuota wilayah Bojonegoro tahun ini sudah terisi." in siti.last.text
    [application] = await _applications(db)
    assert application.status == ApplicationStatus.REJECTED
    assert application.reason == "Kuota wilayah Bojonegoro tahun ini sudah terisi."
    await ani.press_data(ApplicationPress(application.id, Op.ACCEPT).pack())
    assert ani.user.callback_answers[-1].text == "Pengajuan ini sudah ❌ Tidak diterima."
    assert (await _applications(db))[0].status == ApplicationStatus.REJECTED


async def test_an_answer_that_does_not_qualify_ends_politely_and_points_elsewhere(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    await add_program(harness, db, SEHATI)
    siti = await invited_client(harness, db)
    await siti.send("/program")
    await siti.press("UEP Menjahit 2026")
    await siti.press("✅ Ya")
    reply = await siti.send("0")
    text = siti.text(reply)
    assert "mensyaratkan paling sedikit 1 untuk: Sudah berapa tahun usaha Anda berjalan?" in text
    assert "Sertifikasi halal gratis (SEHATI)" in text and "/program" in text
    assert await _applications(db) == []
    reply = await siti.send("5")  # the application is over: no question is waiting
    assert "Pertanyaan" not in siti.text(reply)


async def test_the_deadline_passing_mid_application_drops_the_draft(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    await apply_to_uep(siti, confirm=False)
    harness.clock.advance(timedelta(days=31))
    reply = await siti.press("📨 Kirim pengajuan")
    assert "sudah ditutup (batas waktunya sudah lewat)" in siti.text(reply)
    assert await _applications(db) == []
    reply = await siti.send("/program")
    assert "belum ada program yang terbuka" in siti.text(reply)

    harness.clock.advance(timedelta(days=-31))  # and in the middle of the questions
    await siti.send("/program")
    await siti.press("UEP Menjahit 2026")
    harness.clock.advance(timedelta(days=31))
    reply = await siti.press("✅ Ya")
    assert "sudah ditutup" in siti.text(reply)


async def test_a_pdf_where_a_photo_is_expected_and_a_photo_where_a_pdf_is(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    await siti.send("/program")
    await siti.press("UEP Menjahit 2026")
    await siti.press("✅ Ya")
    await siti.send("3")
    await siti.press("Jahit")
    reply = await siti.do(siti.user.send_document(b"%PDF-1.4 ktp", "ktp.pdf"))
    assert "diminta sebagai foto" in siti.text(reply) and "Dokumen 1 dari 2" in reply[-1].text
    await siti.do(siti.user.send_photo())
    reply = await siti.do(siti.user.send_photo())
    assert "diminta sebagai berkas PDF" in siti.text(reply) and "Dokumen 2 dari 2" in reply[-1].text
    reply = await siti.do(siti.user.send_document(b"PK word", "surat.docx", "application/msword"))
    assert "Kirim berkas PDF, ya." in siti.text(reply)
    reply = await siti.send("halo")
    assert "Dokumen 2 dari 2" in reply[-1].text
    reply = await siti.do(siti.user.send_document(b"%PDF-1.4 surat", "surat.pdf"))
    assert "Ringkasan pengajuan" in reply[-1].text


async def test_a_client_cannot_apply_twice(harness: Harness, db: Database) -> None:
    program_id = await add_program(harness, db)
    siti = await invited_client(harness, db)
    await apply_to_uep(siti, confirm=False)
    async with db.transaction() as session:  # the same application, confirmed elsewhere first
        client_id = (await session.execute(select(Client.id))).scalar_one()
        done = await programs.submit_application(
            session,
            client_id=client_id,
            program_id=program_id,
            answers=[
                programs.Answer(q.text, a)
                for q, a in zip(UEP.questions, ["yes", "3", "Jahit"], strict=True)
            ],
            files=[programs.FileRef("f1"), programs.FileRef("f2")],
            now=harness.clock.now(),
        )
        assert done.outcome is programs.Outcome.SUBMITTED
    reply = await siti.press("📨 Kirim pengajuan")
    assert "Anda sudah mengajukan diri untuk program UEP Menjahit 2026" in siti.text(reply)
    assert len(await _applications(db)) == 1


async def test_a_full_quota_waitlists_the_next_application(harness: Harness, db: Database) -> None:
    await add_program(harness, db, ProgramSpec(**{**UEP.__dict__, "quota": 1}))
    siti = await invited_client(harness, db)
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI
    )
    assert "sudah terkirim" in await apply_to_uep(siti)
    reply = await sari.send("/program")
    assert "Kuota sudah penuh: pengajuan baru masuk daftar tunggu" in reply[-1].text
    await sari.press("❌ Batal")
    assert "Anda masuk daftar tunggu" in await apply_to_uep(sari)
    first, second = await _applications(db)
    assert (first.status, second.status) == (ApplicationStatus.SUBMITTED, "waitlisted")


async def test_who_may_apply_limits_the_list(harness: Harness, db: Database) -> None:
    await add_program(harness, db, ProgramSpec(name="KUBE Malang", region_codes=("3507",)))
    siti = await invited_client(harness, db)  # Bojonegoro
    reply = await siti.send("/program")
    assert "belum ada program yang terbuka untuk Anda" in siti.text(reply)


async def test_a_forged_review_press_is_stale_and_changes_nothing(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    await staff_member(harness, db)  # Bojonegoro
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    await apply_to_uep(siti)
    [application] = await _applications(db)
    seen = len(siti.messages)
    for op in Op:
        data = ApplicationPress(application.id, op).pack()
        await siti.press_data(data)  # her own application, from a staff button
        assert siti.user.callback_answers[-1].text == STALE
        reply = await rina.press_data(data)  # another area
        assert rina.user.callback_answers[-1].text == STALE
        assert "Siti" not in rina.text(reply)
    for data in ("ap:99999:a", "ap:1:zz", "ap:2147483648:a", "ap::a"):
        await rina.press_data(data)
        assert rina.user.callback_answers[-1].text == STALE
    [application] = await _applications(db)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reviewer_staff_id is None
    assert all("Pengajuan Anda" not in m.text for m in siti.messages[seen:])


async def test_an_administrator_creates_opens_changes_and_closes_a_program_in_the_bot(
    harness: Harness, db: Database
) -> None:
    boss = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    siti = await invited_client(harness, db)  # Bojonegoro
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    reply = await boss.send("/kelolaprogram")
    assert reply[-1].button_labels == ["➕ Program baru", "✖️ Selesai"]
    await boss.press("➕ Program baru")
    reply = await boss.send("KUBE Bojonegoro")
    assert "keterangan singkat" in reply[-1].text
    await boss.send("Bantuan kelompok usaha bersama.")
    await boss.press("Semua kategori")
    await boss.press("Berikutnya ▶️")
    await boss.press("Berikutnya ▶️")
    await boss.press("▫️ Kab. Bojonegoro")
    await boss.press("➡️ Lanjut")
    reply = await boss.press("Semua keadaan usaha")
    assert "Belum ada pertanyaan" in reply[-1].text
    await boss.press("➕ Tambah pertanyaan")
    await boss.send("Apakah Anda anggota kelompok usaha?")
    await boss.press("Ya/Tidak")
    await boss.press("✅ Ya")
    await boss.press("➕ Tambah pertanyaan")
    await boss.send("Berapa orang anggota kelompok Anda?")
    await boss.press("Angka")
    reply = await boss.send("banyak")
    assert "Tulis seperti 1-" in boss.text(reply)
    await boss.send("5-")
    await boss.press("➕ Tambah pertanyaan")
    await boss.send("Apa usaha kelompok Anda?")
    await boss.press("Pilihan")
    await boss.send("Jahit, Kuliner, Ternak")
    reply = await boss.press("➡️ Lanjut")  # nothing ticked yet
    assert boss.user.callback_answers[-1].text == "Pilih minimal satu."
    await boss.press("▫️ Jahit")
    await boss.press("▫️ Kuliner")
    reply = await boss.press("➡️ Lanjut")
    assert "paling sedikit 5 untuk: Berapa orang anggota kelompok Anda?" in reply[-1].text
    await boss.press("➡️ Lanjut")
    await boss.press("➕ Tambah dokumen")
    await boss.send("Foto KTP ketua")
    await boss.press("📷 Foto")
    await boss.press("➡️ Lanjut")
    await boss.send("2")
    reply = await boss.send("31-12-2026 16:00")
    summary = reply[-1].text
    assert "KUBE Bojonegoro" in summary and "Wilayah: Kab. Bojonegoro" in summary
    assert "Kuota: 2" in summary and "31 Desember 2026 pukul 16.00 WIB" in summary
    reply = await boss.press("✅ Simpan")
    assert "Program disimpan" in boss.text(reply) and "⚪ Tertutup" in reply[-1].text
    assert "belum ada program" in siti.text(await siti.send("/program"))  # saved closed
    await boss.press("🟢 Buka pendaftaran")
    reply = await siti.send("/program")
    assert "KUBE Bojonegoro" in reply[-1].text
    await siti.press("❌ Batal")
    assert "belum ada program" in sari.text(await sari.send("/program"))  # Malang

    await boss.press("✏️ Ubah")
    await boss.press("✏️ Ubah")
    await boss.press("Kuota")
    reply = await boss.send("10")
    assert "Kuota: 10" in reply[-1].text
    await boss.press("✅ Simpan")
    await boss.press("⚪ Tutup pendaftaran")
    assert "belum ada program" in siti.text(await siti.send("/program"))
    async with db.transaction() as session:
        [program] = (await session.execute(select(Program))).scalars()
    assert program.quota == 10 and not program.is_open
    assert [q["qualifying"] for q in program.questions] == [["yes"], [], ["Jahit", "Kuliner"]]
    assert program.questions[1]["minimum"] == 5
    assert program.documents == [{"name": "Foto KTP ketua", "kind": "photo"}]


async def test_programs_are_managed_by_administrators_only(harness: Harness, db: Database) -> None:
    ani = await staff_member(harness, db)
    siti = await invited_client(harness, db)
    for person in (ani, siti):
        reply = await person.send("/kelolaprogram")
        assert "tidak saya kenal" in person.text(reply)


async def test_a_caseworker_reviews_from_the_client_card_and_another_area_cannot(
    harness: Harness, db: Database
) -> None:
    await add_program(harness, db)
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    await apply_to_uep(siti)
    [application] = await _applications(db)
    reply = await ani.send("/klien")
    reply = await ani.press("▫️ Siti Rahayu · Kab. Bojonegoro")
    assert "UEP Menjahit 2026" in reply[-1].text  # the card lists it
    seen = len(ani.messages)
    await ani.press("📝 Pengajuan program")
    shown, *documents = ani.messages[seen:]
    assert "UEP Menjahit 2026" in shown.text and "Apa jenis usaha Anda?: Jahit" in shown.text
    assert [bool(m.photo) for m in documents] == [True, False]  # her KTP photo and her PDF
    assert "Dokumen Siti Rahayu untuk program UEP Menjahit 2026" in (documents[0].caption or "")
    assert shown.button_labels == ["🔎 Periksa", "✅ Terima", "❌ Tolak", "🕒 Daftar tunggu"]
    reply = await ani.press("🕒 Daftar tunggu", shown)
    assert "Daftar tunggu. Klien sudah diberi tahu" in ani.text(reply)
    assert "masuk daftar tunggu" in siti.last.text
    # she now handles the case: reply and close, and the reviews a waitlisted one allows
    assert shown.button_labels == ["💬 Balas", "✅ Selesai", "🔎 Periksa", "✅ Terima", "❌ Tolak"]
    card_data = ClientApplications(application.client_id).pack()
    await rina.press_data(card_data)  # another area's client
    assert rina.user.callback_answers[-1].text == STALE
    await siti.press_data(card_data)  # the client herself
    assert siti.user.callback_answers[-1].text == STALE
    assert (await _applications(db))[0].status == ApplicationStatus.WAITLISTED
    async with db.transaction() as session:  # the audit log has Ani's view and decision only
        logged = list(await session.execute(select(AuditEvent.action, AuditEvent.subject_id)))
    assert [action for action, _ in logged if action.startswith(("client_app", "application"))] == [
        "client_applications_viewed",
        "application_waitlisted",
    ]


async def test_an_earlier_questions_button_is_stale_and_a_closed_program_ends_the_draft(
    harness: Harness, db: Database
) -> None:
    program_id = await add_program(harness, db)
    siti = await invited_client(harness, db)
    await siti.send("/program")
    first = (await siti.press("UEP Menjahit 2026"))[-1]
    yes = first.buttons[0].callback_data  # pressed again later, from an old message
    assert yes is not None
    await siti.press("✅ Ya", first)
    await siti.send("3")
    reply = await siti.press_data(yes, message=first)
    assert siti.user.callback_answers[-1].text == STALE
    assert "Pertanyaan 3 dari 3" in reply[-1].text  # the open question again, unanswered
    async with db.transaction() as session:  # an administrator closes it meanwhile
        await programs.set_open(
            session, program_id=program_id, is_open=False, now=harness.clock.now()
        )
    reply = await siti.press("Jahit")
    text = siti.text(reply)
    assert "pendaftaran program UEP Menjahit 2026 sudah ditutup. Jawaban Anda tidak" in text
    assert await _applications(db) == []
