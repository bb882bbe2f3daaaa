"""The caseload (and staff administration) services against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.nik import NikError
from bot.services import accounts, caseload, registration, reports, staff, staff_admin
from bot.services.caseload import ClientFilter, DecisionResult, InviteResult
from bot.services.reports import ReportInput
from bot.services.staff import StaffProfile
from bot.services.staff_admin import ChangeResult, StaffRedeemResult
from bot.storage.db import Database
from bot.storage.models import BusinessStatus, Client, ClientStatus, OutboxMessage, StaffRole, Upt
from conversations.paging import Page, page_of

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)
TODAY = date(2026, 8, 12)
BOJONEGORO, MALANG = "3522", "3507"


def _nik(region: str, serial: int) -> str:
    """A valid made-up NIK in `region` (district 01, a woman born 14 Aug 1990)."""
    return f"{region}015408900{serial:03d}"


async def _linked_client(
    db: Database, *, name: str, region: str, serial: int, telegram_id: int | None = None
) -> int:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name=name,
            nik=_nik(region, serial),
            region_code=region,
            now=NOW,
            today=TODAY,
        )
        if telegram_id is not None:
            await accounts.record_consent(session, telegram_id=telegram_id, language="id", now=NOW)
            await registration.redeem_invitation(
                session, telegram_id=telegram_id, code=invitation.code, now=NOW
            )
    return invitation.client_id


async def _report(db: Database, client_id: int, status: BusinessStatus, at: datetime) -> None:
    async with db.transaction() as session:
        await reports.submit_report(
            session,
            client_id=client_id,
            report=ReportInput(status, 1_000_000, 1, ()),
            now=at,
        )


async def _staff(
    db: Database, *, role: StaffRole, telegram_id: int, regions: tuple[str, ...] = ()
) -> StaffProfile:
    async with db.transaction() as session:
        await staff.add_staff(
            session,
            telegram_id=telegram_id,
            role=role,
            full_name=f"Staf {telegram_id}",
            now=NOW,
            region_codes=regions,
        )
        found = await staff.find_staff(session, telegram_id=telegram_id)
    assert found is not None
    return found


async def _names(db: Database, viewer: StaffProfile, which: ClientFilter) -> list[str]:
    async with db.transaction() as session:
        rows = await caseload.client_rows(
            session, viewer=viewer, which=which, now=NOW + timedelta(days=61), offset=0
        )
    return [row.full_name for row in rows]


async def _self_registered(db: Database, *, telegram_id: int, language: str, serial: int) -> int:
    async with db.transaction() as session:
        await accounts.record_consent(session, telegram_id=telegram_id, language=language, now=NOW)
        form = registration.RegistrationForm(
            "Siti", _nik(BOJONEGORO, serial), BOJONEGORO, "Menjahit", "Jahit", None
        )
        await registration.register_self(session, telegram_id=telegram_id, form=form, now=NOW)
        profile = await accounts.find_profile(session, telegram_id=telegram_id)
    assert profile is not None and profile.client_id is not None
    return profile.client_id


async def _notices(db: Database, chat_id: int) -> list[OutboxMessage]:
    async with db.transaction() as session:
        found = await session.execute(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.purpose.in_(["client_verified", "client_rejected"]),
            )
        )
        return list(found.scalars())


async def test_each_filter_selects_the_right_clients_of_the_caseworkers_area(db: Database) -> None:
    later = NOW + timedelta(days=30)
    running = await _linked_client(db, name="Ayu", region=BOJONEGORO, serial=1, telegram_id=1)
    declining = await _linked_client(db, name="Bela", region=BOJONEGORO, serial=2, telegram_id=2)
    stopped = await _linked_client(db, name="Cici", region=BOJONEGORO, serial=3, telegram_id=3)
    recovered = await _linked_client(db, name="Dina", region=BOJONEGORO, serial=4, telegram_id=4)
    await _linked_client(db, name="Eka", region=BOJONEGORO, serial=5, telegram_id=5)  # silent
    await _linked_client(db, name="Fani", region=BOJONEGORO, serial=6)  # never opened the link
    await _linked_client(db, name="Malang", region=MALANG, serial=7, telegram_id=7)
    await _report(db, running, BusinessStatus.RUNNING, later)
    await _report(db, declining, BusinessStatus.DECLINING, later)
    await _report(db, stopped, BusinessStatus.CLOSED, later)
    await _report(db, recovered, BusinessStatus.PAUSED, NOW)  # old and stopped, then
    await _report(db, recovered, BusinessStatus.RUNNING, NOW)  # recovered at the same moment
    viewer = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=100, regions=(BOJONEGORO,))

    assert await _names(db, viewer, ClientFilter.ALL) == [
        "Ayu",
        "Bela",
        "Cici",
        "Dina",
        "Eka",
        "Fani",
    ]
    assert await _names(db, viewer, ClientFilter.DECLINING) == ["Bela"]
    assert await _names(db, viewer, ClientFilter.STOPPED) == ["Cici"]
    assert await _names(db, viewer, ClientFilter.SILENT) == ["Dina", "Eka"]
    assert await _names(db, viewer, ClientFilter.PENDING) == []
    async with db.transaction() as session:
        counted = {
            which: await caseload.count_clients(
                session, viewer=viewer, which=which, now=NOW + timedelta(days=61)
            )
            for which in ClientFilter
        }
    assert counted == {
        ClientFilter.ALL: 6,
        ClientFilter.DECLINING: 1,
        ClientFilter.STOPPED: 1,
        ClientFilter.SILENT: 2,
        ClientFilter.PENDING: 0,
    }
    admin = await _staff(db, role=StaffRole.ADMIN, telegram_id=101)
    assert "Malang" in await _names(db, admin, ClientFilter.ALL)


async def test_a_page_is_three_queries_however_many_clients_it_shows(db: Database) -> None:
    for serial in range(1, 13):
        client_id = await _linked_client(
            db, name=f"Klien {serial:02d}", region=BOJONEGORO, serial=serial, telegram_id=serial
        )
        await _report(db, client_id, BusinessStatus.RUNNING, NOW)
    viewer = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=100, regions=(BOJONEGORO,))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def page(session: AsyncSession, number: int) -> Page[caseload.ClientRow]:
        total = await caseload.count_clients(
            session, viewer=viewer, which=ClientFilter.ALL, now=NOW
        )
        window = page_of(range(total), number, caseload.PAGE_SIZE)
        rows = await caseload.client_rows(
            session,
            viewer=viewer,
            which=ClientFilter.ALL,
            now=NOW,
            offset=window.number * caseload.PAGE_SIZE,
        )
        return Page(rows, window.number, window.pages)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.transaction() as session:
            first = await page(session, 0)
            second = await page(session, 5)  # past the end: the last page
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # A count, the ids and names to sort (names are encrypted: sorted in Python), the page;
    # twice.
    assert len(selects) == 6
    assert len(first.items) == 10 and first.pages == 2
    assert second.number == 1 and [r.full_name for r in second.items] == ["Klien 11", "Klien 12"]
    assert all(r.latest_status is BusinessStatus.RUNNING for r in first.items)


async def test_a_client_outside_the_area_can_be_neither_seen_nor_decided(db: Database) -> None:
    client_id = await _self_registered(db, telegram_id=9, language="jv", serial=1)
    malang = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=100, regions=(MALANG,))
    bojonegoro = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=101, regions=(BOJONEGORO,))
    async with db.transaction() as session:
        assert (
            await caseload.client_card(session, viewer=malang, client_id=client_id, now=NOW) is None
        )
        refused = await caseload.verify_client(
            session, actor=malang, client_id=client_id, ppks_category=9, now=NOW
        )
        assert refused.result is DecisionResult.NOT_FOUND and not refused.notified
        refused = await caseload.reject_client(
            session, actor=malang, client_id=client_id, reason="Bukan warga", now=NOW
        )
        assert refused.result is DecisionResult.NOT_FOUND
        assert (await caseload.can_decide(session, actor=malang, client_id=client_id)).result is (
            DecisionResult.NOT_FOUND
        )
        for missing in (999, 0, 2**31, 2**53 - 1):  # none, or beyond a 32-bit id (forged)
            found = await caseload.verify_client(
                session, actor=bojonegoro, client_id=missing, ppks_category=9, now=NOW
            )
            assert found.result is DecisionResult.NOT_FOUND, missing
            assert (
                await caseload.client_card(session, viewer=bojonegoro, client_id=missing, now=NOW)
                is None
            )
        client = await session.get(Client, client_id)
        assert client is not None and client.status == "pending"
    assert await _notices(db, 9) == []
    async with db.transaction() as session:
        done = await caseload.reject_client(
            session, actor=bojonegoro, client_id=client_id, reason="  Bukan  warga  ", now=NOW
        )
        assert done.result is DecisionResult.DONE and done.notified
        assert done.telegram_id == 9 and done.language == "jv"
        again = await caseload.verify_client(
            session, actor=bojonegoro, client_id=client_id, ppks_category=9, now=NOW
        )
        assert again.result is DecisionResult.NOT_PENDING and not again.notified
        card = await caseload.client_card(session, viewer=bojonegoro, client_id=client_id, now=NOW)
    assert card is not None and card.rejection_reason == "Bukan warga"
    assert card.ppks_category is None
    assert [(e.kind, e.note, e.staff_name) for e in card.events] == [
        ("rejected", "Bukan warga", "Staf 101")
    ]
    notices = await _notices(db, 9)  # one notice, in her language (Basa Jawa)
    assert [n.purpose for n in notices] == ["client_rejected"]
    assert "Bukan warga" in notices[0].text and notices[0].text.startswith("Nyuwun")


async def test_verification_stores_the_ppks_category_and_tells_the_client(db: Database) -> None:
    client_id = await _self_registered(db, telegram_id=9, language="en", serial=1)
    caseworker = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=100, regions=(BOJONEGORO,))
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="PPKS"):
            await caseload.verify_client(
                session, actor=caseworker, client_id=client_id, ppks_category=27, now=NOW
            )
        done = await caseload.verify_client(
            session, actor=caseworker, client_id=client_id, ppks_category=9, now=NOW
        )
        assert done.result is DecisionResult.DONE and done.notified
        card = await caseload.client_card(session, viewer=caseworker, client_id=client_id, now=NOW)
    assert card is not None and card.ppks_category == 9
    assert card.status is ClientStatus.VERIFIED
    [notice] = await _notices(db, 9)
    assert (
        notice.text.startswith("Good news!") and notice.dedupe_key == f"client:{client_id}:verified"
    )


async def test_an_invitation_stays_inside_the_caseworkers_area(db: Database) -> None:
    async with db.transaction() as session:
        upt = Upt(name="UPT Rehabilitasi Sosial Bina Daksa Pasuruan")
        other = Upt(name="UPT Pelayanan Sosial Tresna Werdha Jombang")
        session.add_all([upt, other])
        await session.flush()
        upt_id, other_id = upt.id, other.id
        await staff.add_staff(
            session,
            telegram_id=100,
            role=StaffRole.CASEWORKER,
            full_name="Ani",
            now=NOW,
            upt_ids=(upt_id,),
        )
        viewer = await staff.find_staff(session, telegram_id=100)
        assert viewer is not None

        def invite(**changes: object) -> dict[str, object]:
            given: dict[str, object] = {
                "actor": viewer,
                "full_name": "Sari",
                "nik": _nik(MALANG, 1),
                "region_code": MALANG,
                "upt_id": upt_id,
                "ppks_category": 9,
                "training_ended_on": date(2026, 6, 30),
                "now": NOW,
                "today": TODAY,
            }
            return {**given, **changes}

        outside = await caseload.invite_client(session, **invite(upt_id=None))
        assert outside == caseload.Invited(InviteResult.OUTSIDE_AREA)
        foreign_upt = await caseload.invite_client(session, **invite(upt_id=other_id))
        assert foreign_upt.result is InviteResult.OUTSIDE_AREA
        invited = await caseload.invite_client(session, **invite())
        assert invited.result is InviteResult.CREATED and invited.invitation is not None
        with pytest.raises(NikError):
            await caseload.invite_client(session, **invite(nik="123"))
        with pytest.raises(ValueError, match="PPKS"):
            await caseload.invite_client(session, **invite(ppks_category=0))
        again = await caseload.invite_client(session, **invite(full_name="Sari Lagi"))
        assert again == caseload.Invited(InviteResult.ALREADY_HERE)
        client = await session.get(Client, invited.invitation.client_id)
        assert client is not None and client.upt_id == upt_id and client.ppks_category == 9
        assert await caseload.upt_choices(session, actor=viewer) == [(upt_id, upt.name)]
        card = await caseload.client_card(session, viewer=viewer, client_id=client.id, now=NOW)
    assert card is not None and card.upt_name == upt.name
    assert card.training_ended_on == date(2026, 6, 30) and [e.kind for e in card.events] == [
        "invited"
    ]


async def test_a_nik_registered_elsewhere_is_refused_without_saying_where(db: Database) -> None:
    await _linked_client(db, name="Malang", region=MALANG, serial=1)
    await _linked_client(db, name="Ayu", region=BOJONEGORO, serial=2)
    ani = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=100, regions=(BOJONEGORO,))
    admin = await _staff(db, role=StaffRole.ADMIN, telegram_id=101)
    async with db.transaction() as session:
        assert await caseload.check_nik(session, actor=ani, nik=_nik(MALANG, 1)) is (
            InviteResult.REFUSED
        )
        assert await caseload.check_nik(session, actor=ani, nik=_nik(BOJONEGORO, 2)) is (
            InviteResult.ALREADY_HERE
        )
        assert await caseload.check_nik(session, actor=ani, nik=_nik(BOJONEGORO, 3)) is (
            InviteResult.CREATED
        )
        assert await caseload.check_nik(session, actor=admin, nik=_nik(MALANG, 1)) is (
            InviteResult.ALREADY_HERE
        )
        refused = await caseload.invite_client(
            session,
            actor=ani,
            full_name="Sari",
            nik=_nik(MALANG, 1),
            region_code=BOJONEGORO,
            upt_id=None,
            ppks_category=9,
            training_ended_on=None,
            now=NOW,
            today=TODAY,
        )
        assert refused == caseload.Invited(InviteResult.REFUSED)
        count = await session.execute(select(func.count(Client.id)))
    assert count.scalar_one() == 2


async def test_staff_invitations_are_one_time_and_expire(db: Database) -> None:
    admin = await _staff(db, role=StaffRole.ADMIN, telegram_id=1)
    async with db.transaction() as session:
        first = await staff_admin.invite_staff(
            session,
            actor=admin,
            full_name=" Ani   Pendamping ",
            role=StaffRole.CASEWORKER,
            now=NOW,
            region_codes=[BOJONEGORO],
        )
        second = await staff_admin.invite_staff(
            session, actor=admin, full_name="Budi", role=StaffRole.PARTNER, now=NOW
        )
        with pytest.raises(ValueError, match="9999"):
            await staff_admin.invite_staff(
                session,
                actor=admin,
                full_name="X",
                role=StaffRole.CASEWORKER,
                now=NOW,
                region_codes=["9999"],
            )
    async with db.transaction() as session:
        linked = await staff_admin.redeem_staff_invitation(
            session, telegram_id=50, payload=f"staf_{first.code.lower()}", language="jv", now=NOW
        )
        used = await staff_admin.redeem_staff_invitation(
            session, telegram_id=51, payload=f"staf_{first.code}", language="id", now=NOW
        )
        already = await staff_admin.redeem_staff_invitation(
            session, telegram_id=50, payload=f"staf_{second.code}", language="id", now=NOW
        )
        expired = await staff_admin.redeem_staff_invitation(
            session,
            telegram_id=52,
            payload=f"staf_{second.code}",
            language="id",
            now=NOW + timedelta(days=7),
        )
        unknown = await staff_admin.redeem_staff_invitation(
            session, telegram_id=52, payload="staf_AAAAAAAAAA", language="id", now=NOW
        )
        ani = await staff.find_staff(session, telegram_id=50)
    assert linked.result is StaffRedeemResult.LINKED and linked.full_name == "Ani Pendamping"
    assert used.result is StaffRedeemResult.USED
    assert already.result is StaffRedeemResult.ALREADY_STAFF
    assert expired.result is StaffRedeemResult.EXPIRED
    assert unknown.result is StaffRedeemResult.UNKNOWN
    assert ani is not None and ani.region_codes == {BOJONEGORO} and ani.language == "jv"


async def test_administrators_change_others_but_not_themselves(db: Database) -> None:
    admin = await _staff(db, role=StaffRole.ADMIN, telegram_id=1)
    ani = await _staff(db, role=StaffRole.CASEWORKER, telegram_id=2, regions=(BOJONEGORO,))
    async with db.transaction() as session:
        assert (
            await staff_admin.set_active(
                session, actor=admin, staff_id=admin.id, active=False, now=NOW
            )
            is ChangeResult.SELF
        )
        assert (
            await staff_admin.set_role(
                session, actor=admin, staff_id=999, role=StaffRole.ADMIN, now=NOW
            )
            is ChangeResult.NOT_FOUND
        )
        assert (
            await staff_admin.set_areas(
                session, actor=admin, staff_id=ani.id, region_codes=[MALANG], upt_ids=[], now=NOW
            )
            is ChangeResult.DONE
        )
        with pytest.raises(PermissionError):
            await staff_admin.set_active(
                session, actor=ani, staff_id=admin.id, active=False, now=NOW
            )
        assert (
            await staff_admin.set_active(
                session, actor=admin, staff_id=ani.id, active=False, now=NOW
            )
            is ChangeResult.DONE
        )
        assert await staff.find_staff(session, telegram_id=2) is None
        card = await staff_admin.staff_card(session, staff_id=ani.id)
        rows = await staff_admin.list_staff(session)
    assert card is not None and card.region_codes == (MALANG,) and not card.active
    assert [row.active for row in rows] == [True, False]  # active staff first
