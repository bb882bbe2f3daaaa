"""The weekly follow-up list, answers to it, and the administrators' coverage figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.chat.callbacks import unpack
from bot.chat.messages import Message
from bot.i18n import WIB, translator
from bot.services import digests, followups, staff
from bot.services.followups import AnswerOutcome, FollowUpAnswer, FollowUpList, FollowUpReason
from bot.storage.db import Database
from bot.storage.models import (
    BusinessStatus,
    CheckInStatus,
    ClientEvent,
    FollowUpAction,
    FollowUpRequest,
    OutboxMessage,
    StaffRole,
)
from tests.e2e.dialogs import checkin_row, client_row, report_row

MONDAY_8 = datetime(2026, 8, 17, 8, 0, tzinfo=WIB)
WEEK = date(2026, 8, 17)


async def _staff(
    db: Database, name: str, telegram_id: int, regions: tuple[str, ...], role: StaffRole
) -> staff.StaffProfile:
    async with db.transaction() as session:
        member = await staff.add_staff(
            session,
            telegram_id=telegram_id,
            role=role,
            full_name=name,
            now=MONDAY_8,
            region_codes=regions,
        )
        return await staff.profile_of(session, member)


async def _caseworker(
    db: Database, name: str = "Ani", regions: tuple[str, ...] = ("3522",)
) -> staff.StaffProfile:
    telegram_id = 7000 + sum(map(ord, name))  # distinct for the names used here
    return await _staff(db, name, telegram_id, regions, StaffRole.CASEWORKER)


async def test_the_weekly_list_names_stopped_declining_missed_and_silent_clients_only(
    db: Database,
) -> None:
    ani = await _caseworker(db)
    long_ago = MONDAY_8 - timedelta(days=90)
    week_ago = MONDAY_8 - timedelta(days=7)
    made: dict[str, int] = {}
    for name, region, telegram_id, consent in [
        ("Siti", "3522", 1, True),  # closed
        ("Sari", "3522", 2, True),  # declining
        ("Dewi", "3522", 3, True),  # running, but missed a check-in 10 days ago
        ("Lina", "3522", 4, True),  # running; her missed check-in was 40 days ago
        ("Rina", "3522", 5, True),  # silent: last report 61 days ago
        ("Tuti", "3522", 6, True),  # linked a week ago, no report yet: not silent
        ("Umi", "3522", None, True),  # invited, never linked: nobody to be silent
        ("Wati", "3507", 8, True),  # closed, but in Kab. Malang
        ("Yuni", "3522", 9, False),  # closed, but withdrew her consent
    ]:
        created = week_ago if name == "Tuti" else long_ago
        made[name] = await client_row(
            db, full_name=name, region=region, at=created, telegram_id=telegram_id, consent=consent
        )
    for name, status, days in [
        ("Siti", BusinessStatus.CLOSED, 3),
        ("Sari", BusinessStatus.DECLINING, 5),
        ("Dewi", BusinessStatus.RUNNING, 2),
        ("Lina", BusinessStatus.RUNNING, 2),
        ("Rina", BusinessStatus.RUNNING, 61),
        ("Wati", BusinessStatus.CLOSED, 1),
        ("Yuni", BusinessStatus.PAUSED, 1),
    ]:
        at = MONDAY_8 - timedelta(days=days)
        await report_row(db, client_id=made[name], status=status.value, at=at)
    missed = CheckInStatus.MISSED.value
    await checkin_row(
        db, client_id=made["Dewi"], status=missed, sent_at=MONDAY_8 - timedelta(days=17)
    )
    await checkin_row(
        db, client_id=made["Lina"], status=missed, sent_at=MONDAY_8 - timedelta(days=47)
    )
    # An older report said "closed", the newest says "running": only the newest counts.
    await report_row(db, client_id=made["Tuti"], status="closed", at=week_ago)
    await report_row(db, client_id=made["Tuti"], status="running", at=week_ago + timedelta(days=1))

    async with db.transaction() as session:
        found = await followups.clients_needing_followup(session, profile=ani, now=MONDAY_8)
    assert [(c.full_name, c.reason) for c in found] == [
        ("Siti", FollowUpReason.STOPPED),
        ("Sari", FollowUpReason.DECLINING),
        ("Dewi", FollowUpReason.MISSED_CHECKIN),
        ("Rina", FollowUpReason.SILENT),
    ]


async def test_the_weekly_requests_are_made_once_and_answered_only_by_their_caseworker(
    db: Database,
) -> None:
    ani = await _caseworker(db)
    budi = await _caseworker(db, "Budi", ("3507",))
    siti = await client_row(db, full_name="Siti", at=MONDAY_8 - timedelta(days=90), telegram_id=1)
    await report_row(db, client_id=siti, status="paused", at=MONDAY_8 - timedelta(days=1))
    for _ in range(2):  # a second run of the same week adds nothing
        async with db.transaction() as session:
            await followups.queue_weekly_requests(
                session, moment=MONDAY_8, now=MONDAY_8, timezone=WIB
            )
    async with db.transaction() as session:
        requests = list((await session.execute(select(FollowUpRequest))).scalars())
        messages = list((await session.execute(select(OutboxMessage))).scalars())
    assert [(r.staff_id, r.client_id, r.week_start, r.reason) for r in requests] == [
        (ani.id, siti, "2026-08-17", "stopped")
    ]
    assert len(messages) == 2  # the heading and Siti's message, for Ani only
    assert {m.chat_id for m in messages} == {ani.telegram_id}
    request_id = requests[0].id
    heading, card = (Message.from_json(m.text, m.payload) for m in messages)
    assert heading.buttons == ()
    assert [[b.label for b in row] for row in card.buttons] == [
        ["📞 Sudah dihubungi", "🏠 Sudah dikunjungi"],
        ["📵 Tidak bisa dihubungi", "✔️ Tidak perlu tindakan"],
    ]
    assert [unpack(b.action) for row in card.buttons for b in row] == [
        FollowUpAnswer(request_id, action) for action in FollowUpAction
    ]
    later = MONDAY_8 + timedelta(hours=3)
    async with db.transaction() as session:
        by_budi = await followups.answer(
            session, profile=budi, request_id=request_id, action=FollowUpAction.CONTACTED, now=later
        )
        unknown = await followups.answer(
            session,
            profile=ani,
            request_id=request_id + 99,
            action=FollowUpAction.CONTACTED,
            now=later,
        )
        first = await followups.answer(
            session, profile=ani, request_id=request_id, action=FollowUpAction.VISITED, now=later
        )
        again = await followups.answer(
            session, profile=ani, request_id=request_id, action=FollowUpAction.NO_ACTION, now=later
        )
    assert (by_budi.outcome, unknown.outcome) == (AnswerOutcome.REFUSED, AnswerOutcome.REFUSED)
    assert (first.outcome, first.client_name) == (AnswerOutcome.RECORDED, "Siti")
    assert (again.outcome, again.action) == (AnswerOutcome.ALREADY, FollowUpAction.VISITED)
    async with db.transaction() as session:
        events = list((await session.execute(select(ClientEvent))).scalars())
    assert [(e.client_id, e.staff_id, e.kind, e.note) for e in events] == [
        (siti, ani.id, "followup", "visited")
    ]


async def test_the_admin_summary_counts_clients_and_the_median_wait(db: Database) -> None:
    ani = await _caseworker(db, "Ani")
    dewi = await _caseworker(db, "Dewi")  # also Bojonegoro: Citra is on both lists
    budi = await _caseworker(db, "Budi", ("3507",))
    admin = await _staff(db, "Admin", 9001, (), StaffRole.ADMIN)
    week_start = date(2026, 8, 10)
    created = datetime(2026, 8, 10, 8, 0, tzinfo=WIB)
    long_ago = created - timedelta(days=90)
    clients = {
        name: await client_row(db, full_name=name, region=region, at=long_ago)
        for name, region in [
            ("Siti", "3522"),
            ("Sari", "3522"),
            ("Citra", "3522"),
            ("Wati", "3507"),
            ("Yuni", "3507"),
        ]
    }
    answers = [  # (caseworker, client, hours until answered or None)
        (ani, "Siti", 2),
        (ani, "Sari", 10),
        (ani, "Citra", None),
        (dewi, "Citra", 4),
        (budi, "Wati", 24),
        (budi, "Yuni", 72),
    ]
    async with db.transaction() as session:
        for member, name, hours in answers:
            session.add(
                FollowUpRequest(
                    staff_id=member.id,
                    client_id=clients[name],
                    week_start=week_start.isoformat(),
                    reason="stopped",
                    created_at=created,
                    action="contacted" if hours is not None else None,
                    answered_at=created + timedelta(hours=hours) if hours is not None else None,
                )
            )
        # Another week's request is not counted.
        session.add(
            FollowUpRequest(
                staff_id=ani.id,
                client_id=clients["Siti"],
                week_start="2026-08-03",
                reason="silent",
                created_at=created - timedelta(days=7),
            )
        )

    async with db.transaction() as session:
        coverage = await digests.week_coverage(session, week_start=week_start)
    hours = timedelta(hours=1)
    assert (coverage.total.needed, coverage.total.got, coverage.total.median) == (5, 5, 10 * hours)
    assert [(r.label, r.needed, r.got, r.median) for r in coverage.regions] == [
        ("Kab. Malang", 2, 2, 48 * hours),
        ("Kab. Bojonegoro", 3, 3, 4 * hours),
    ]
    assert [(c.label, c.needed, c.got, c.median) for c in coverage.caseworkers] == [
        ("Ani", 3, 2, 6 * hours),
        ("Budi", 2, 2, 48 * hours),
        ("Dewi", 1, 1, 4 * hours),
    ]
    text = digests.render_summary(translator("id", WIB), coverage)
    assert "10 Agustus 2026 – 16 Agustus 2026" in text
    assert "Semua: 5 dari 5 klien ditindaklanjuti (100%), median 10 jam." in text
    assert "• Kab. Bojonegoro: 3 dari 3, median 4 jam" in text
    assert "• Ani: 2 dari 3, median 6 jam" in text
    assert "• Budi: 2 dari 2, median 2 hari" in text

    next_monday = datetime(2026, 8, 17, 8, 30, tzinfo=WIB)
    for _ in range(2):  # idempotent: one summary per administrator and week
        async with db.transaction() as session:
            await digests.queue_admin_summaries(
                session, moment=next_monday, now=next_monday, timezone=WIB
            )
    async with db.transaction() as session:
        messages = list((await session.execute(select(OutboxMessage))).scalars())
    assert [(m.chat_id, m.dedupe_key) for m in messages] == [
        (admin.telegram_id, f"summary:{admin.id}:2026-08-10")
    ]


def test_waiting_times_read_naturally() -> None:
    t = translator("id", WIB)
    assert digests.format_duration(t, timedelta(seconds=5)) == "kurang dari 1 menit"
    assert digests.format_duration(t, timedelta(minutes=20)) == "20 menit"
    assert digests.format_duration(t, timedelta(hours=47)) == "47 jam"
    assert digests.format_duration(t, timedelta(hours=60)) == "2,5 hari"
    assert digests.format_duration(translator("en", WIB), timedelta(hours=60)).startswith("2.5")


async def test_the_digest_offers_the_unanswered_follow_ups_with_one_button(db: Database) -> None:
    ani = await _caseworker(db)
    siti = await client_row(db, full_name="Siti", at=MONDAY_8 - timedelta(days=90), telegram_id=1)
    await report_row(db, client_id=siti, status="closed", at=MONDAY_8 - timedelta(days=1))
    async with db.transaction() as session:
        await followups.queue_weekly_requests(session, moment=MONDAY_8, now=MONDAY_8, timezone=WIB)
    tuesday_7 = MONDAY_8 + timedelta(hours=23)
    async with db.transaction() as session:
        queued = await digests.queue_daily_digests(
            session,
            since=tuesday_7 - timedelta(days=1),
            until=tuesday_7,
            now=tuesday_7,
            timezone=WIB,
        )
    assert queued == 1
    async with db.transaction() as session:
        found = await session.execute(
            select(OutboxMessage).where(OutboxMessage.purpose == "digest")
        )
        digest = found.scalar_one()
    message = Message.from_json(digest.text, digest.payload)
    assert digest.chat_id == ani.telegram_id
    assert "Tindak lanjut yang belum dicatat: 1" in message.text and "• Siti" in message.text
    ((button,),) = message.buttons
    assert button.label == "📋 Tindak lanjut yang belum dicatat"
    assert unpack(button.action) == FollowUpList()
