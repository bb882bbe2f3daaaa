"""Alerts against a real database: one per event, only to those responsible, checked access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.chat.callbacks import unpack
from bot.chat.messages import EditButtons, Message
from bot.i18n import translator
from bot.services import alerts, cases, staff
from bot.services.alerts import AlertPress, Op
from bot.services.cases import ClaimOutcome
from bot.services.staff import StaffProfile
from bot.storage import alerts as alerts_repo
from bot.storage.db import Database
from bot.storage.models import (
    Alert,
    AlertDelivery,
    AlertKind,
    BusinessStatus,
    Client,
    Obstacle,
    OutboxKind,
    OutboxMessage,
    StaffRole,
    Upt,
)

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)


async def _people(db: Database) -> dict[str, StaffProfile]:
    """Caseworkers in Bojonegoro, at a UPT, in Malang; one inactive; a partner; an admin."""
    async with db.transaction() as session:
        session.add(Upt(id=1, name="UPT Rehabilitasi Sosial Bina Daksa Pasuruan"))
        await session.flush()
        made = {
            "ani": await staff.add_staff(
                session,
                telegram_id=501,
                role=StaffRole.CASEWORKER,
                full_name="Ani",
                now=NOW,
                region_codes=["3522"],
            ),
            "upt": await staff.add_staff(
                session,
                telegram_id=502,
                role=StaffRole.CASEWORKER,
                full_name="Uli",
                now=NOW,
                upt_ids=[1],
            ),
            "rina": await staff.add_staff(
                session,
                telegram_id=503,
                role=StaffRole.CASEWORKER,
                full_name="Rina",
                now=NOW,
                region_codes=["3507"],
            ),
            "gone": await staff.add_staff(
                session,
                telegram_id=504,
                role=StaffRole.CASEWORKER,
                full_name="Gita",
                now=NOW,
                region_codes=["3522"],
            ),
            "opd": await staff.add_staff(
                session,
                telegram_id=505,
                role=StaffRole.PARTNER,
                full_name="Oki",
                now=NOW,
                region_codes=["3522"],
            ),
            "boss": await staff.add_staff(
                session, telegram_id=506, role=StaffRole.ADMIN, full_name="Budi", now=NOW
            ),
        }
        made["gone"].active = False
        await session.flush()
        return {key: await staff.profile_of(session, row) for key, row in made.items()}


async def _client(db: Database) -> Client:
    async with db.transaction() as session:
        client = Client(
            full_name="Siti Rahayu",
            region_code="3522",
            upt_id=1,
            status="verified",
            origin="invited",
            created_at=NOW,
        )
        session.add(client)
        await session.flush()
        return client


async def _raise(db: Database, client: Client, key: str = "report:1:business_stopped") -> bool:
    async with db.transaction() as session:
        alert = await alerts.raise_alert(
            session,
            client=client,
            kind=AlertKind.BUSINESS_STOPPED,
            event_key=key,
            detail="closed",
            now=NOW,
        )
        return alert is not None


async def _count(db: Database, model: type[object]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_one_event_alerts_each_responsible_caseworker_once(db: Database) -> None:
    people = await _people(db)
    client = await _client(db)
    assert await _raise(db, client)
    assert not await _raise(db, client)  # the same event again, e.g. after a restart
    async with db.transaction() as session:
        chats = (await session.execute(select(OutboxMessage.chat_id))).scalars()
        assert sorted(chats) == [501, 502]  # region and UPT; not Malang, inactive or partner
        [message] = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == 501))
        ).scalars()
    assert "Usaha berhenti" in message.text and "Kab. Bojonegoro" in message.text
    assert message.dedupe_key == f"alert:1:{people['ani'].id}"
    assert await _count(db, Alert) == 1 and await _count(db, AlertDelivery) == 2


async def test_an_alert_raised_concurrently_elsewhere_is_not_raised_twice(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _people(db)
    client = await _client(db)
    assert await _raise(db, client)

    async def unseen(*_args: object, **_kwargs: object) -> None:
        return None  # as if the other process had not committed yet when we looked

    monkeypatch.setattr(alerts_repo, "by_event_key", unseen)
    async with db.transaction() as session:
        again = await alerts.raise_alert(
            session,
            client=client,
            kind=AlertKind.BUSINESS_STOPPED,
            event_key="report:1:business_stopped",
            detail=None,
            now=NOW,
        )
        assert again is None
        other = await alerts.raise_alert(  # the transaction is still usable
            session,
            client=client,
            kind=AlertKind.HEALTH,
            event_key="report:1:health",
            detail=None,
            now=NOW,
        )
        assert other is not None
    assert await _count(db, Alert) == 2


async def test_escalation_reaches_the_administrators_once(db: Database) -> None:
    await _people(db)
    client = await _client(db)
    await _raise(db, client)
    async with db.transaction() as session:
        assert await alerts.escalate_due(session, now=NOW + timedelta(hours=47)) == 0
        assert await alerts.escalate_due(session, now=NOW + timedelta(hours=48)) == 1
        assert await alerts.escalate_due(session, now=NOW + timedelta(hours=49)) == 0
        escalations = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == 506))
        ).scalars()
        [message] = list(escalations)
    assert "48 jam" in message.text and "Siti Rahayu" in message.text


async def test_only_those_responsible_may_open_claim_and_close(db: Database) -> None:
    people = await _people(db)
    client = await _client(db)
    await _raise(db, client)
    async with db.transaction() as session:
        for outsider in ("rina", "opd"):
            assert await cases.open_case(session, alert_id=1, member=people[outsider]) is None
        assert await cases.open_case(session, alert_id=99, member=people["ani"]) is None
        case = await cases.open_case(session, alert_id=1, member=people["ani"], lock=True)
        assert case is not None
        assert await cases.claim(session, case=case, member=people["ani"], now=NOW) is (
            ClaimOutcome.CLAIMED
        )
        assert await cases.claim(session, case=case, member=people["ani"], now=NOW) is (
            ClaimOutcome.MINE
        )
        by_upt = await cases.open_case(session, alert_id=1, member=people["upt"])
        assert by_upt is not None
        assert await cases.claim(session, case=by_upt, member=people["upt"], now=NOW) is (
            ClaimOutcome.TAKEN
        )
        assert not await cases.close_case(
            session, case=by_upt, member=people["upt"], note="x", now=NOW
        )
        admin_case = await cases.open_case(session, alert_id=1, member=people["boss"])
        assert admin_case is not None
        assert await cases.close_case(
            session, case=admin_case, member=people["boss"], note="selesai", now=NOW
        )
        assert await cases.claim(session, case=admin_case, member=people["boss"], now=NOW) is (
            ClaimOutcome.CLOSED
        )
        notices = (
            await session.execute(
                select(OutboxMessage.text).where(OutboxMessage.purpose == "alert-claimed")
            )
        ).scalars()
        assert ["sudah ditangani oleh Ani" in text for text in notices] == [True]


@pytest.mark.parametrize(
    ("status", "income", "previous", "obstacles", "kinds"),
    [
        (BusinessStatus.CLOSED, 0, 3_000_000, (), ["business_stopped"]),
        (BusinessStatus.PAUSED, 0, None, (), ["business_stopped"]),
        (BusinessStatus.RUNNING, 1_500_000, 3_000_000, (), ["income_drop"]),
        (BusinessStatus.RUNNING, 1_500_001, 3_000_000, (), []),
        (BusinessStatus.DECLINING, 500_000, 0, (), []),
        (BusinessStatus.RUNNING, 3_000_000, 3_000_000, (Obstacle.HEALTH,), ["health"]),
        (BusinessStatus.CLOSED, 0, 1_000_000, (Obstacle.HEALTH,), ["business_stopped", "health"]),
    ],
)
async def test_which_reports_alert(
    db: Database,
    status: BusinessStatus,
    income: int,
    previous: int | None,
    obstacles: tuple[Obstacle, ...],
    kinds: list[str],
) -> None:
    await _people(db)
    client = await _client(db)
    async with db.transaction() as session:
        raised = await alerts.alert_on_report(
            session,
            client=client,
            report_id=7,
            status=status,
            obstacles=obstacles,
            income=income,
            previous_income=previous,
            now=NOW,
        )
        found = (await session.execute(select(Alert.kind).order_by(Alert.id))).scalars()
        assert list(found) == kinds
    assert raised is bool(kinds)


async def test_alert_buttons_are_typed_actions_in_the_outbox(db: Database) -> None:
    await _people(db)
    client = await _client(db)
    await _raise(db, client)
    async with db.transaction() as session:
        [message] = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.chat_id == 501))
        ).scalars()
    buttons = Message.from_json(message.text, message.payload).buttons
    assert [[b.label for b in row] for row in buttons] == [
        ["🙋 Saya tangani"],
        ["💬 Balas", "✅ Selesai"],
    ]
    actions = [unpack(b.action) for row in buttons for b in row]
    assert actions == [AlertPress(1, Op.CLAIM), AlertPress(1, Op.REPLY), AlertPress(1, Op.CLOSE)]
    assert [b.action for row in buttons for b in row] == ["al:1:c", "al:1:r", "al:1:x"]
    claimed = alerts.case_rows(translator("id"), 1, claimed=True)
    assert claimed == buttons[1:]  # the handler's buttons: the same, without 🙋


@pytest.mark.parametrize(
    "data",
    [
        "al:99999999999999999999999:c",
        "al:2147483648:c",  # ids are 32-bit
        "al:²:c",
        "al:1:zz",
        "al:1",
        "al:1:c:c",
        "al::c",
        "al:-1:c",
        "al:01:c",
        "g:al:1:c",
        "al:1:C",
    ],
)
def test_forged_alert_buttons_do_not_decode(data: str) -> None:
    assert unpack(data) is None


async def _sent(db: Database, *, chat_id: int, message_id: int) -> None:
    """The alert message to this chat reached Telegram as `message_id`."""
    async with db.transaction() as session:
        [row] = (
            await session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.chat_id == chat_id, OutboxMessage.purpose == "alert"
                )
            )
        ).scalars()
        row.status, row.telegram_message_id = "sent", message_id


async def _strip(db: Database) -> int:
    async with db.transaction() as session:
        return await cases.strip_stale_buttons(session, now=NOW, limit=50)


async def _edits(db: Database) -> list[tuple[int, int | None, object]]:
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.kind == OutboxKind.EDIT_BUTTONS.value)
                .order_by(OutboxMessage.id)
            )
        ).scalars()
        return [(r.chat_id, r.edit_message_id, r.payload) for r in rows]


async def test_stale_alert_buttons_are_removed_once_through_the_outbox(db: Database) -> None:
    people = await _people(db)
    client = await _client(db)
    await _raise(db, client)
    await _sent(db, chat_id=501, message_id=11)  # Ani's; Uli's (502) is not sent yet
    assert await _strip(db) == 0  # nobody took it: every button still applies
    async with db.transaction() as session:
        case = await cases.open_case(session, alert_id=1, member=people["ani"], lock=True)
        assert case is not None
        await cases.claim(session, case=case, member=people["ani"], now=NOW)
    assert await _strip(db) == 0  # Ani's own message keeps 💬 Balas and ✅ Selesai
    await _sent(db, chat_id=502, message_id=21)
    assert await _strip(db) == 1
    assert await _edits(db) == [(502, 21, {"buttons": []})]
    assert await _strip(db) == 0  # once
    async with db.transaction() as session:
        case = await cases.open_case(session, alert_id=1, member=people["ani"], lock=True)
        assert case is not None
        assert await cases.close_case(session, case=case, member=people["ani"], note="ok", now=NOW)
    assert await _strip(db) == 1  # closed: now Ani's buttons go too
    assert await _edits(db) == [(502, 21, {"buttons": []}), (501, 11, {"buttons": []})]
    assert await _strip(db) == 0


async def test_a_message_already_without_buttons_is_not_edited_again(db: Database) -> None:
    people = await _people(db)
    client = await _client(db)
    await _raise(db, client)
    await _sent(db, chat_id=502, message_id=21)
    async with db.transaction() as session:
        # Uli's buttons were already removed (e.g. by the router, answering her press).
        await cases.queue_buttons_edit(
            session, chat_id=502, edit=EditButtons(21), purpose="reply", now=NOW
        )
        case = await cases.open_case(session, alert_id=1, member=people["ani"], lock=True)
        assert case is not None
        await cases.claim(session, case=case, member=people["ani"], now=NOW)
    assert await _strip(db) == 0
    assert len(await _edits(db)) == 1
    async with db.transaction() as session:
        assert await alerts_repo.stale_messages(session, limit=50) == []  # and forgotten
