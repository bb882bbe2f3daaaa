"""Data rights over the emulator, in Indonesian: /dataku (a message and a JSON file),
/perbaiki, /hapus with its retention job, /privasi and withdrawal, the 7-day draft expiry."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.chat.actions import StepAnswer
from bot.services import digests, staff
from bot.storage import caseload as caseload_repo
from bot.storage.caseload import ClientFilter
from bot.storage.db import Database
from bot.storage.models import (
    Alert,
    BusinessReport,
    Client,
    Consent,
    Conversation,
    Erasure,
    OutboxMessage,
    StaffRole,
    User,
)
from conversations.data_rights import ERASE
from handlers.alerts import escalation_job
from handlers.checkins import checkin_job
from handlers.data_rights import draft_expiry_job, retention_job
from tests.e2e.dialogs import (
    NIK_SARI,
    NIK_SITI,
    client_row,
    file_report,
    invited_client,
    register_herself,
    report_row,
    staff_member,
)
from tests.harness import Harness, Person

YES_ERASE = "🗑️ Ya, hapus data saya"
NOT_NOW = "↩️ Tidak jadi"
WITHDRAWN = "Anda sudah menarik persetujuan"


async def _client(db: Database, person: Person) -> Client:
    async with db.transaction() as session:
        row = await session.execute(
            select(Client)
            .join(User, User.id == Client.user_id)
            .where(User.telegram_id == person.id)
        )
        return row.scalar_one()


async def _only_client(db: Database) -> Client:
    async with db.transaction() as session:
        return (await session.execute(select(Client))).scalar_one()


def _file(harness: Harness, person: Person) -> dict[str, object]:
    [document] = [m for m in person.messages if m.document is not None]
    stored = harness.emulator.state.files.get(document.document.file_id)
    assert stored is not None
    data: dict[str, object] = json.loads(stored.data.decode())
    return data


async def test_dataku_shows_her_data_and_sends_a_json_copy(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await file_report(siti, income="3jt")
    replies = await siti.send("/dataku")
    text, document = replies[0], replies[-1]
    assert "Data Anda di Berdaya" in text.text
    assert "Nama: Siti Rahayu" in text.text and f"NIK: {NIK_SITI}" in text.text
    assert "Kabupaten/kota: Kab. Bojonegoro" in text.text
    assert "Persetujuan diberikan:" in text.text
    assert "Laporan usaha: 1" in text.text and "Rp3.000.000" in text.text
    assert document.document is not None
    assert document.document.file_name is not None
    assert document.document.file_name.endswith(".json")
    assert document.caption == "📎 Salinan data Anda (JSON)"
    data = _file(harness, siti)
    profile = data["profile"]
    assert isinstance(profile, dict)
    assert profile["full_name"] == "Siti Rahayu" and profile["nik"] == NIK_SITI
    assert profile["region"] == "Kab. Bojonegoro"
    consent = data["consent"]
    assert isinstance(consent, dict) and consent["active"] is True
    reports = data["reports"]
    assert isinstance(reports, list) and reports[0]["monthly_income"] == 3_000_000
    assert "alerts" not in data and "staff" not in json.dumps(data)


async def test_a_5xx_on_the_json_file_is_sent_again(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    harness.emulator.fail_next("sendDocument", error_code=502, description="Bad Gateway")
    replies = await siti.send("/dataku")
    assert "Data Anda di Berdaya" in replies[0].text
    assert all(m.document is None for m in siti.messages)
    harness.clock.advance(timedelta(seconds=2))
    await harness.deliver()
    documents = [m for m in siti.messages if m.document is not None]
    assert len(documents) == 1
    assert _file(harness, siti)["profile"] is not None


async def test_correction_through_the_summary_and_a_nik_for_the_caseworker(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    siti = await invited_client(harness, db)
    replies = await siti.send("/perbaiki")
    assert "Nama: Siti Rahayu" in replies[-1].text and "Simpan perubahan?" in replies[-1].text
    await siti.press("✏️ Ubah")
    await siti.press("Nama")
    replies = await siti.send("Siti Rahayu Dewi")
    assert "Nama: Siti Rahayu Dewi" in replies[-1].text
    await siti.press("✏️ Ubah")
    await siti.press("Usaha")
    await siti.send("Warung makan")
    await siti.press("✏️ Ubah")
    await siti.press("NIK")
    replies = await siti.send("1234")
    assert "NIK harus 16 angka" in siti.text(replies)
    replies = await siti.send(NIK_SARI)
    assert f"NIK baru: {NIK_SARI}" in replies[-1].text
    before = len(ani.messages)
    replies = await siti.press("✅ Simpan")
    assert "Data Anda sudah diperbaiki" in siti.text(replies)
    assert "dikirim ke pendamping" in siti.text(replies)
    [notice] = ani.messages[before:]
    assert "Perbaikan NIK perlu diperiksa" in notice.text
    assert NIK_SARI in notice.text and "Siti Rahayu Dewi" in notice.text
    client = await _client(db, siti)
    assert client.full_name == "Siti Rahayu Dewi" and client.business_type == "Warung makan"
    assert client.nik == NIK_SITI  # not applied: the caseworker checks it first


async def test_hapus_cancelled_keeps_everything(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    replies = await siti.send("/hapus")
    assert "Hapus data Anda?" in replies[-1].text
    assert replies[-1].button_labels == [YES_ERASE, NOT_NOW]
    confirmation = replies[-1]
    replies = await siti.press(NOT_NOW)
    assert "data Anda tidak dihapus" in siti.text(replies)
    # The old confirmation's button, pressed later, is stale: nothing is erased.
    await siti.press_data(StepAnswer(ERASE.name, "confirm", "yes").pack(), confirmation)
    assert siti.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    client = await _client(db, siti)
    assert client.full_name == "Siti Rahayu" and client.nik == NIK_SITI


async def test_the_confirmation_refuses_a_sticker_and_a_forged_button(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/hapus")
    replies = await siti.do(siti.user.send_sticker())
    assert replies and "Hapus data Anda?" in replies[-1].text  # the question again
    forged = StepAnswer(ERASE.name, "confirm", "everything").pack()
    replies = await siti.press_data(forged)
    assert "Hapus data Anda?" in replies[-1].text
    wrong_step = StepAnswer(ERASE.name, "other", "yes").pack()
    await siti.press_data(wrong_step)
    assert siti.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    client = await _client(db, siti)
    assert client.nik == NIK_SITI
    replies = await siti.press(YES_ERASE, siti.last)
    assert "Data pribadi Anda sudah dihapus" in siti.text(replies)


async def test_hapus_erases_tells_the_caseworker_and_the_job_finishes_it(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    siti = await invited_client(harness, db)
    await file_report(siti, income="3jt")
    await siti.send("/hapus")
    before = len(ani.messages)
    replies = await siti.press(YES_ERASE)
    assert "Data pribadi Anda sudah dihapus" in siti.text(replies)
    [notice] = ani.messages[before:]
    assert "Data klien dihapus atas permintaannya" in notice.text
    client = await _only_client(db)
    assert client.full_name == "" and client.nik is None and client.phone is None
    assert client.nik_hash is None and client.user_id is None and client.status == "erased"
    async with db.transaction() as session:
        assert (
            await session.execute(select(User).where(User.telegram_id == siti.id))
        ).first() is None
        [report] = (await session.execute(select(BusinessReport))).scalars()
        assert report.monthly_income == 3_000_000  # kept, anonymised, for statistics
    async with db.transaction() as session:
        # an erased client is no longer in any caseload
        assert (
            await caseload_repo.count_clients(
                session, area=None, which=ClientFilter.ALL, silent_before=harness.clock.now()
            )
            == 0
        )
    assert await harness.run_job(retention_job) == 0  # her last replies get a day first
    harness.clock.advance(timedelta(hours=25))
    assert await harness.run_job(retention_job) == 1
    async with db.transaction() as session:
        [erasure] = (await session.execute(select(Erasure))).scalars()
        assert erasure.completed_at is not None and erasure.telegram_id is None
        assert erasure.completed_at - erasure.requested_at <= timedelta(hours=72)
        to_her = await session.execute(
            select(OutboxMessage).where(OutboxMessage.chat_id == siti.id)
        )
        assert to_her.first() is None
        notices = await session.execute(
            select(OutboxMessage.text).where(OutboxMessage.purpose == "erasure")
        )
        assert [text for (text,) in notices] == [""]
    assert await harness.run_job(retention_job) == 0
    replies = await siti.send("/start")  # a stranger again: she may register afresh
    assert "Bahasa Indonesia" in replies[-1].button_labels


async def test_withdrawn_consent_stops_check_ins_until_she_consents_again(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    replies = await siti.send("/privasi")
    assert "menarik persetujuan" in replies[-1].text
    await siti.press("✋ Tarik persetujuan")
    replies = await siti.press("✋ Ya, tarik persetujuan")
    assert "Persetujuan Anda sudah ditarik" in siti.text(replies)
    start = len(siti.messages)
    harness.clock.advance(timedelta(days=31))
    await harness.run_job(checkin_job)
    assert siti.messages[start:] == []
    replies = await siti.send("/lapor")
    assert WITHDRAWN in siti.text(replies)
    replies = await siti.send("/dataku")  # seeing her data is still her right
    assert "Persetujuan: sudah ditarik" in replies[0].text
    await siti.send("/privasi")
    replies = await siti.press("✅ Saya setuju lagi")
    assert "Persetujuan Anda tercatat lagi" in siti.text(replies)
    start = len(siti.messages)
    await harness.run_job(checkin_job)
    assert any("Bagaimana keadaan usaha Anda" in m.text for m in siti.messages[start:])


async def test_withdrawal_can_be_called_off(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/privasi")
    await siti.press("✋ Tarik persetujuan")
    replies = await siti.press(NOT_NOW)
    assert "persetujuan Anda tetap berlaku" in siti.text(replies)
    async with db.transaction() as session:
        user = (await session.execute(select(User))).scalar_one()
        assert user.consent_active is True


async def test_abandoned_registration_drafts_with_a_nik_expire_after_7_days(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti", "id")
    await register_herself(siti, save=False)  # left at the summary, NIK in the draft
    budi = harness.person("Budi", "id")
    await budi.send("/start")  # left at the language question: no NIK
    harness.clock.advance(timedelta(days=6))
    assert await harness.run_job(draft_expiry_job) == 0
    harness.clock.advance(timedelta(days=1, minutes=1))
    assert await harness.run_job(draft_expiry_job) == 1
    async with db.transaction() as session:
        assert await session.get(Conversation, siti.id) is None
        assert await session.get(Conversation, budi.id) is not None


async def test_withdrawn_consent_stops_escalations_and_erasure_closes_her_alerts(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    boss = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    siti = await invited_client(harness, db)
    before = len(ani.messages)
    await file_report(siti, status_index=2)  # the business stopped: an alert
    assert any("Usaha berhenti" in m.text for m in ani.messages[before:])
    await siti.send("/privasi")
    await siti.press("✋ Tarik persetujuan")
    await siti.press("✋ Ya, tarik persetujuan")
    start = len(boss.messages)
    harness.clock.advance(timedelta(hours=49))
    await harness.run_job(escalation_job)
    assert boss.messages[start:] == []
    await siti.send("/hapus")
    await siti.press(YES_ERASE)
    async with db.transaction() as session:
        [alert] = (await session.execute(select(Alert))).scalars()
        assert alert.closed_at is not None
        assert (await session.execute(select(Consent))).first() is None


async def test_dataku_speaks_her_language(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db, language_code="en", language_button="English")
    replies = await siti.send("/dataku")
    assert "Your data in Berdaya" in replies[0].text
    assert "Name: Siti Rahayu" in replies[0].text and "Business reports: 0" in replies[0].text
    assert replies[-1].caption == "📎 A copy of your data (JSON)"
    replies = await siti.send("/hapus")
    assert "Erase your data?" in replies[-1].text
    assert replies[-1].button_labels == ["🗑️ Yes, erase my data", "↩️ Never mind"]


async def test_the_daily_digest_leaves_out_withdrawn_and_erased_clients(
    harness: Harness, db: Database
) -> None:
    now = harness.clock.now()
    async with db.transaction() as session:
        member = await staff.add_staff(
            session,
            telegram_id=7001,
            role=StaffRole.CASEWORKER,
            full_name="Ani",
            now=now,
            region_codes=("3522",),
        )
        ani = await staff.profile_of(session, member)
    yesterday = now - timedelta(hours=12)
    ids = {}
    for name, consent, telegram_id in (("Siti", True, 11), ("Dewi", False, 12), ("Rina", True, 13)):
        ids[name] = await client_row(
            db,
            full_name=name,
            at=now - timedelta(days=90),
            telegram_id=telegram_id,
            consent=consent,
        )
        await report_row(db, client_id=ids[name], status="closed", at=yesterday)
    async with db.transaction() as session:
        rina = await session.get(Client, ids["Rina"])
        assert rina is not None
        rina.status = "erased"  # as /hapus leaves her
    async with db.transaction() as session:
        digest = await digests.build_digest(
            session, profile=ani, since=now - timedelta(days=1), until=now, now=now
        )
    assert digest.report_count == 1
    assert [name for name, _status in digest.notable] == ["Siti"]
