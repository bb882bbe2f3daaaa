"""Repository: business reports."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import BusinessReport


async def add(session: AsyncSession, *, report: BusinessReport) -> BusinessReport:
    """Insert a report."""
    session.add(report)
    await session.flush()
    return report


async def latest(session: AsyncSession, *, client_id: int, limit: int = 1) -> list[BusinessReport]:
    """The client's newest reports, newest first."""
    result = await session.execute(
        select(BusinessReport)
        .where(BusinessReport.client_id == client_id)
        .order_by(BusinessReport.created_at.desc(), BusinessReport.id.desc())
        .limit(limit)
    )
    return list(result.scalars())
