"""Check-ins to staff, over the emulator: the daily digest, the weekly follow-up list, the
administrators' summary, and /jadwal, driven by a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from bot.i18n import WIB
from bot.services import schedules
from bot.storage.db import Database
from bot.storage.models import (
    AlertKind,
    BusinessStatus,
    CheckInStatus,
    ClientEvent,
    FollowUpRequest,
    Staff,
    StaffRole,
)
from handlers.staff_checkins import run_staff_schedules
from tests.e2e.dialogs import (
    alert_row,
    checkin_row,
    client_row,
    invited_client,
    report_row,
    staff_member,
)
from tests.harness import Harness, Person

UNKNOWN = "Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah."
STALE = "Tombol ini sudah tidak berlaku."


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in August 2026, WIB (the 17th is a Monday)."""
    return datetime(2026, 8, day, hour, minute, tzinfo=WIB)


async def tick(harness: Harness) -> list[str]:
    """Run the staff-schedules tick now."""
    ran: list[str] = await harness.run_job(run_staff_schedules)
    return ran


async def at(harness: Harness, when: datetime) -> list[str]:
    """Move the clock to `when` and run the tick there."""
    harness.clock.set(when)
    return await tick(harness)


def digests_of(person: Person) -> list[SentMessage]:
    """The daily digests a staff member received."""
    return [m for m in person.messages if m.text.startswith("☀️ Ringkasan harian")]


def followup_cards(person: Person) -> list[SentMessage]:
    """The per-client messages of the weekly follow-up list."""
    return [m for m in person.messages if m.text.startswith("👤 ")]


async def test_a_weekly_check_in_answered_for_two_clients_leaves_the_third_in_the_next_digest(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(16, 20))  # Sunday evening
    ani = await staff_member(harness, db)  # caseworker for Kab. Bojonegoro
    chief = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Kepala", full_name="Kepala", regions=()
    )
    long_ago = harness.clock.now() - timedelta(days=90)
    siti = await client_row(db, full_name="Siti Rahayu", at=long_ago, telegram_id=101)
    sari = await client_row(db, full_name="Sari Wulan", at=long_ago, telegram_id=102)
    dewi = await client_row(db, full_name="Dewi Lestari", at=long_ago, telegram_id=103)
    wati = await client_row(db, full_name="Wati Malang", at=long_ago, region="3507")
    await report_row(db, client_id=siti, status=BusinessStatus.CLOSED.value, at=wib(16, 9))
    await report_row(db, client_id=sari, status=BusinessStatus.DECLINING.value, at=wib(16, 10))
    await report_row(db, client_id=wati, status=BusinessStatus.CLOSED.value, at=wib(16, 11))
    missed = CheckInStatus.MISSED.value
    await checkin_row(db, client_id=dewi, status=missed, sent_at=wib(16, 9) - timedelta(days=8))
    assert await tick(harness) == []  # first tick: the schedules start from the next moment

    assert await at(harness, wib(17, 8)) == [schedules.DAILY_DIGEST, schedules.WEEKLY_FOLLOWUP]
    cards = followup_cards(ani)
    assert [c.text.splitlines()[0] for c in cards] == [
        "👤 Siti Rahayu",
        "👤 Sari Wulan",
        "👤 Dewi Lestari",
    ]
    assert "Alasan: tidak menjawab pertanyaan rutin" in cards[2].text
    assert cards[0].button_labels == [
        "📞 Sudah dihubungi",
        "🏠 Sudah dikunjungi",
        "📵 Tidak bisa dihubungi",
        "✔️ Tidak perlu tindakan",
    ]
    assert all(len(b.callback_data or "") <= 64 for c in cards for b in c.buttons)
    assert "Wati" not in ani.user.transcript()

    contacted_siti = cards[0].buttons[0].callback_data or ""
    harness.clock.set(wib(17, 10))
    replies = await ani.press("📞 Sudah dihubungi", cards[0])
    assert ani.text(replies) == "✅ Tercatat di riwayat Siti Rahayu: 📞 Sudah dihubungi"
    assert ani.user.callback_answers[-1].text == "Tercatat."
    assert cards[0].inline_keyboard == []  # the buttons have done their job
    harness.clock.set(wib(17, 14))
    await ani.press("🏠 Sudah dikunjungi", cards[1])
    # A second press on an answered card (from another device) changes nothing.
    assert await ani.press_data(contacted_siti, cards[1]) == []
    assert ani.user.callback_answers[-1].text == "Sudah tercatat sebelumnya: 📞 Sudah dihubungi"

    assert await at(harness, wib(18, 7)) == [schedules.DAILY_DIGEST]
    digest = digests_of(ani)[-1].text
    assert digest.startswith("☀️ Ringkasan harian, 18 Agustus 2026")
    pending = digest.split("Tindak lanjut yang belum dicatat: 1")[1]
    assert "Dewi Lestari — tidak menjawab pertanyaan rutin" in pending
    assert "Siti" not in pending and "Sari" not in pending

    shown = await ani.press("📋 Tindak lanjut yang belum dicatat", digests_of(ani)[-1])
    assert [m.text.splitlines()[0] for m in shown] == ["👤 Dewi Lestari"]
    harness.clock.set(wib(18, 7, 5))
    await ani.press("📵 Tidak bisa dihubungi", shown[0])
    async with db.transaction() as session:
        events = (await session.execute(select(ClientEvent).order_by(ClientEvent.id))).scalars()
        history = [(e.client_id, e.kind, e.note) for e in events]
    assert history == [
        (siti, "followup", "contacted"),
        (sari, "followup", "visited"),
        (dewi, "followup", "unreachable"),
    ]

    # The next Monday the administrators read the week's coverage.
    await at(harness, wib(24, 8, 30))
    summary = chief.last.text
    assert summary.startswith("📊 Tindak lanjut minggu 17 Agustus 2026 – 23 Agustus 2026")
    # Answered after 2 h, 6 h and 23 h 5 min: the median is 6 hours.
    assert "Semua: 3 dari 3 klien ditindaklanjuti (100%), median 6 jam." in summary
    assert "• Kab. Bojonegoro: 3 dari 3" in summary
    assert "• Ani Pendamping: 3 dari 3" in summary


async def test_the_digest_is_skipped_when_there_is_nothing_to_say(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(12, 10))
    ani = await staff_member(harness, db)
    siti = await client_row(db, full_name="Siti Rahayu", at=wib(1, 9), telegram_id=101)
    await report_row(db, client_id=siti, status=BusinessStatus.RUNNING.value, at=wib(10, 9))
    await tick(harness)
    before = len(ani.messages)
    assert await at(harness, wib(13, 7)) == [schedules.DAILY_DIGEST]  # it ran, and said nothing
    assert len(ani.messages) == before

    await report_row(db, client_id=siti, status=BusinessStatus.RUNNING.value, at=wib(13, 12))
    await at(harness, wib(14, 7))
    assert len(ani.messages) == before + 1
    assert "📝 Laporan baru: 1" in ani.last.text
    assert ani.last.inline_keyboard == []  # no follow-ups waiting, so no button


async def test_a_caseworker_sees_only_her_own_area_and_cannot_forge_her_way_out_of_it(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(16, 20))
    ani = await staff_member(harness, db)  # Bojonegoro
    budi = await staff_member(
        harness, db, first_name="Pak Budi", full_name="Budi", regions=("3507",)
    )
    long_ago = wib(1, 9) - timedelta(days=60)
    siti = await client_row(db, full_name="Siti Rahayu", at=long_ago, telegram_id=101)
    wati = await client_row(db, full_name="Wati Malang", at=long_ago, region="3507")
    await report_row(db, client_id=siti, status=BusinessStatus.PAUSED.value, at=wib(16, 9))
    await report_row(db, client_id=wati, status=BusinessStatus.DECLINING.value, at=wib(16, 10))
    await alert_row(db, client_id=siti, kind=AlertKind.BUSINESS_STOPPED.value, at=wib(16, 9))
    sent = wib(16, 9) - timedelta(days=5)
    await checkin_row(db, client_id=siti, status=CheckInStatus.REMINDED.value, sent_at=sent)
    await tick(harness)

    await at(harness, wib(17, 7))
    ani_digest, budi_digest = digests_of(ani)[-1].text, digests_of(budi)[-1].text
    assert "Siti Rahayu — berhenti sementara" in ani_digest
    assert "Peringatan terbuka: 1 belum ditangani, 0 Anda tangani" in ani_digest
    assert "Siti Rahayu — usaha berhenti" in ani_digest
    assert "Pertanyaan rutin terlambat: 1" in ani_digest
    assert "Wati" not in ani_digest
    assert "Wati Malang — menurun" in budi_digest
    assert "Siti" not in budi_digest and "Peringatan" not in budi_digest

    await at(harness, wib(17, 8))
    (ani_card,) = followup_cards(ani)
    (budi_card,) = followup_cards(budi)
    assert "Siti Rahayu" in ani_card.text and "Wati Malang" in budi_card.text
    forged = ani_card.buttons[0].callback_data or ""
    assert forged.startswith("fu:")
    reply = await budi.press_data(forged, budi_card)  # Ani's button, pressed by Budi
    assert budi.user.callback_answers[-1].text == STALE
    assert "Siti" not in budi.text(reply) and budi_card.inline_keyboard != []
    request_id = forged.split(":")[1]
    for bad in (
        "fu:999999:contacted",  # well-formed, but no such request
        f"fu:{request_id}:burned",
        "fu:abc:visited",
        "fu:99999999999999999999:contacted",
        "fu:2147483648:contacted",
        "fu:²:visited",
        "fu:١٢:visited",
        f"fu:{request_id}",
        "fu:",
        "ful:1",
        "g:fu:1:contacted",
    ):
        reply = await budi.press_data(bad)
        assert budi.user.callback_answers[-1].text == STALE, bad
        assert "Siti" not in budi.text(reply)
    harness.clock.advance(timedelta(minutes=5))
    shown = await budi.press_data("ful")
    assert "Siti" not in budi.text(shown) and "Wati Malang" in budi.text(shown)
    # A beneficiary has no staff role at all: the button is as dead as any stale one.
    client = await invited_client(harness, db, nik="3507016108850002", region="3507")
    await client.press_data(forged)
    assert client.user.callback_answers[-1].text == STALE

    replies = await ani.press("✔️ Tidak perlu tindakan", ani_card)  # still hers to answer
    assert "Tercatat di riwayat Siti Rahayu" in ani.text(replies)
    async with db.transaction() as session:
        answered = (await session.execute(select(FollowUpRequest.action))).scalars().all()
    assert sorted(a or "" for a in answered) == ["", "no_action"]  # Budi's own: unanswered


async def test_each_digest_goes_out_once_across_restarts_and_late_after_two_hours_down(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(11, 12))  # Tuesday
    ani = await staff_member(harness, db)
    siti = await client_row(db, full_name="Siti Rahayu", at=wib(1, 9), telegram_id=101)
    await alert_row(db, client_id=siti, kind=AlertKind.HEALTH.value, at=wib(11, 9))
    await tick(harness)
    assert await at(harness, wib(12, 6, 59)) == []
    assert await at(harness, wib(12, 7)) == [schedules.DAILY_DIGEST]
    assert await tick(harness) == []
    await harness.stop()
    await harness.start()
    assert await tick(harness) == []
    assert len(digests_of(ani)) == 1

    # Down from 06:30 to 09:00: the 07:00 digest goes out late, once.
    harness.clock.set(wib(13, 6, 30))
    await harness.stop()
    harness.clock.set(wib(13, 9))
    await harness.start()
    assert await tick(harness) == [schedules.DAILY_DIGEST]
    await harness.stop()
    await harness.start()
    assert await tick(harness) == []
    assert [d.text.splitlines()[0] for d in digests_of(ani)] == [
        "☀️ Ringkasan harian, 12 Agustus 2026",
        "☀️ Ringkasan harian, 13 Agustus 2026",
    ]

    # Queued, then the process stopped before sending: it is sent after the restart, once.
    harness.clock.set(wib(14, 7))
    async with db.transaction() as session:
        assert await schedules.run_if_due(
            session, name=schedules.DAILY_DIGEST, now=harness.clock.now(), timezone=WIB
        )
    await harness.stop()
    await harness.start()
    assert await tick(harness) == []
    await harness.deliver()
    await harness.deliver()
    assert len(digests_of(ani)) == 3

    # Down for more than 12 hours after the moment: that day's digest is skipped.
    await harness.stop()
    harness.clock.set(wib(15, 19, 30))
    await harness.start()
    assert await tick(harness) == []
    assert await at(harness, wib(16, 7)) == [schedules.DAILY_DIGEST]
    assert digests_of(ani)[-1].text.startswith("☀️ Ringkasan harian, 16 Agustus 2026")
    assert len(digests_of(ani)) == 4


async def test_an_administrator_moves_the_digest_to_half_past_six(
    harness: Harness, db: Database
) -> None:
    harness.clock.set(wib(12, 10))
    chief = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Kepala", full_name="Kepala", regions=()
    )
    ani = await staff_member(harness, db)
    siti = await client_row(db, full_name="Siti Rahayu", at=wib(1, 9), telegram_id=101)
    await alert_row(db, client_id=siti, kind=AlertKind.INCOME_DROP.value, at=wib(12, 9))

    listing = chief.text(await chief.send("/jadwal"))
    assert "• Ringkasan harian untuk pendamping: setiap hari pukul 07:00" in listing
    assert "• Daftar tindak lanjut mingguan: setiap Senin pukul 08:00" in listing
    assert "• Ringkasan mingguan untuk admin: setiap Senin pukul 08:30" in listing
    question = await chief.press("Ringkasan harian untuk pendamping")
    assert "Jam berapa" in chief.text(question)
    assert "Tulis jam dengan angka" in chief.text(await chief.send("setengah tujuh"))
    done = chief.text(await chief.send("06.30"))
    assert done == (
        "✅ Jadwal diubah: Ringkasan harian untuk pendamping, setiap hari pukul 06:30.\n"
        "Berikutnya: 13 Agustus 2026 pukul 06:30."
    )

    assert await at(harness, wib(13, 6, 29)) == []
    assert await at(harness, wib(13, 6, 30)) == [schedules.DAILY_DIGEST]
    assert digests_of(ani)[-1].text.startswith("☀️ Ringkasan harian, 13 Agustus 2026")
    assert await at(harness, wib(13, 7)) == []
    assert len(digests_of(ani)) == 1

    await chief.send("/jadwal")
    await chief.press("Daftar tindak lanjut mingguan")
    await chief.press("Selasa")
    done = chief.text(await chief.send("9:15"))
    assert "Daftar tindak lanjut mingguan, setiap Selasa pukul 09:15." in done
    assert "Berikutnya: 18 Agustus 2026 pukul 09:15." in done
    assert "setiap Selasa pukul 09:15" in chief.text(await chief.send("/jadwal"))


async def test_only_administrators_have_jadwal(harness: Harness, db: Database) -> None:
    ani = await staff_member(harness, db)
    client = await invited_client(harness, db)
    for person in (ani, client):
        assert person.text(await person.send("/jadwal")).startswith(UNKNOWN)
        for data in ("jd:daily_digest", "c:jadwal", "m"):
            await person.press_data(data)
        assert person.user.callback_answers[-2].text == STALE  # ("m" is everyone's menu)
        assert person.user.callback_answers[-3].text == STALE
    chief = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Kepala", full_name="Kepala", regions=()
    )
    for forged in ("jd:lunch", "jd:", "jd:daily_digest:1", "g:jd:daily_digest", "jd:DAILY_DIGEST"):
        await chief.press_data(forged)
        assert chief.user.callback_answers[-1].text == STALE, forged
    await chief.send("/jadwal")
    await chief.press("Daftar tindak lanjut mingguan")
    assert "Silakan pilih" in chief.text(await chief.send("kapan saja"))
    assert "Jadwal tidak diubah." in chief.text(await chief.press("❌ Batal"))
    staff_menu = next(m for m in chief.messages if "🗓️ Jadwal" in m.button_labels)
    await chief.press("🗓️ Jadwal", staff_menu)  # from the staff menu
    await chief.press("Ringkasan harian untuk pendamping")
    # The role is taken away before the time is typed: nothing changes.
    async with db.transaction() as session:
        member = (
            await session.execute(select(Staff).where(Staff.telegram_id == chief.id))
        ).scalar_one()
        member.role = StaffRole.CASEWORKER.value
    assert chief.text(await chief.send("06:30")).startswith(UNKNOWN)
    async with db.transaction() as session:
        views = await schedules.list_schedules(session, now=harness.clock.now(), timezone=WIB)
    assert views[0].time.hour == 7  # nothing changed
