"""Business reports against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.services import accounts, registration, reports
from bot.services.reports import ReportInput
from bot.storage.db import Database
from bot.storage.models import BusinessStatus, Obstacle

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)


async def _client(db: Database) -> int:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session,
            full_name="Siti",
            nik="3522015408900001",
            region_code="3522",
            now=NOW,
            today=date(2026, 8, 12),
        )
        await accounts.record_consent(session, telegram_id=900, language="id", now=NOW)
        await registration.redeem_invitation(
            session, telegram_id=900, code=invitation.code, now=NOW
        )
    return invitation.client_id


async def test_a_second_report_is_compared_with_the_first(db: Database) -> None:
    client_id = await _client(db)
    first = ReportInput(BusinessStatus.RUNNING, 2_500_000, 2, (Obstacle.CAPITAL,))
    second = ReportInput(BusinessStatus.RUNNING, 3_000_000, 4, ())
    async with db.transaction() as session:
        receipt1 = await reports.submit_report(session, client_id=client_id, report=first, now=NOW)
    later = NOW + timedelta(days=30)
    async with db.transaction() as session:
        receipt2 = await reports.submit_report(
            session, client_id=client_id, report=second, now=later
        )
    assert receipt1.first_report
    assert receipt2.previous_income == 2_500_000 and receipt2.previous_at == NOW
    assert receipt2.change_percent == 20
    async with db.transaction() as session:
        history = await reports.report_history(session, client_id=client_id)
    assert [r.monthly_income for r in history] == [3_000_000, 2_500_000]
    assert history[1].obstacles == "capital"


async def test_a_report_that_is_never_committed_leaves_nothing(db: Database) -> None:
    client_id = await _client(db)
    report = ReportInput(BusinessStatus.CLOSED, 0, 0, ())
    try:
        async with db.transaction() as session:
            await reports.submit_report(session, client_id=client_id, report=report, now=NOW)
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    async with db.transaction() as session:
        assert await reports.report_history(session, client_id=client_id) == []


def test_income_change_is_a_whole_percentage() -> None:
    assert reports.income_change_percent(2_500_000, 3_000_000) == 20
    assert reports.income_change_percent(3_000_000, 1_500_000) == -50
    assert reports.income_change_percent(0, 1_000_000) is None
