"""Business reports: storing them and comparing them with the one before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.money import income_change_percent
from bot.services import alerts, checkins
from bot.storage import clients, reports
from bot.storage.models import BusinessReport, BusinessStatus, Obstacle

MAX_EMPLOYEES = 999


@dataclass(frozen=True)
class ReportInput:
    """A complete report as the client confirmed it."""

    status: BusinessStatus
    monthly_income: int
    employees: int
    obstacles: tuple[Obstacle, ...]
    photos: tuple[str, ...] = ()  # Telegram file ids


@dataclass(frozen=True)
class ReportReceipt:
    """What the client is told after saving: when, and how income moved since last time."""

    report_id: int
    saved_at: datetime
    previous_income: int | None
    previous_at: datetime | None
    change_percent: int | None  # None when there is no previous report or it was Rp0
    alerted: bool = False  # caseworkers were alerted: deliver the outbox right away

    @property
    def first_report(self) -> bool:
        """True when there was no earlier report to compare with."""
        return self.previous_at is None


async def submit_report(
    session: AsyncSession,
    *,
    client_id: int,
    report: ReportInput,
    now: datetime,
    settings: Settings | None = None,
) -> ReportReceipt:
    """Store a confirmed report, compare it with the previous one, answer the open check-in
    and alert the caseworkers when the report calls for it (all in the caller's transaction)."""
    if not 0 <= report.employees <= MAX_EMPLOYEES:
        raise ValueError("employees out of range")
    if report.monthly_income < 0:
        raise ValueError("income cannot be negative")
    previous = next(iter(await reports.latest(session, client_id=client_id)), None)
    stored = await reports.add(
        session,
        report=BusinessReport(
            client_id=client_id,
            business_status=report.status.value,
            monthly_income=report.monthly_income,
            employees=report.employees,
            obstacles=",".join(o.value for o in report.obstacles),
            photos=list(report.photos),
            created_at=now,
        ),
    )
    client = await clients.get(session, client_id=client_id)
    assert client is not None
    await checkins.resolve_by_report(session, client=client, now=now, settings=settings)
    alerted = await alerts.alert_on_report(
        session,
        client=client,
        report_id=stored.id,
        status=report.status,
        obstacles=report.obstacles,
        income=report.monthly_income,
        previous_income=previous.monthly_income if previous else None,
        now=now,
    )
    return ReportReceipt(
        report_id=stored.id,
        saved_at=now,
        previous_income=previous.monthly_income if previous else None,
        previous_at=previous.created_at if previous else None,
        change_percent=(
            income_change_percent(previous.monthly_income, report.monthly_income)
            if previous
            else None
        ),
        alerted=alerted,
    )


async def report_history(
    session: AsyncSession, *, client_id: int, limit: int = 5
) -> list[BusinessReport]:
    """The client's latest reports, newest first."""
    return await reports.latest(session, client_id=client_id, limit=limit)
