"""Repository: the figures of /ringkasan, each one grouped query over the clients in an area.

`area` is an SQL condition on `Client` (None: the whole province). Nothing here returns a
name or any other personal field: ids, codes, dates and amounts only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    BusinessReport,
    CheckIn,
    Client,
    MarketingRequest,
    ProgramApplication,
)

T = TypeVar("T", bound=tuple[Any, ...])


def _scoped(query: Select[T], area: ColumnElement[bool] | None) -> Select[T]:
    """The query limited to the clients of the area (it selects from or joins `Client`)."""
    return query if area is None else query.where(area)


async def clients(
    session: AsyncSession, *, area: ColumnElement[bool] | None
) -> list[tuple[int, str, str, datetime]]:
    """(id, region code, status, since) of every client in the area; `since` is when she was
    verified, else when she was recorded."""
    query = select(
        Client.id,
        Client.region_code,
        Client.status,
        func.coalesce(Client.verified_at, Client.created_at),
    )
    rows = await session.execute(_scoped(query, area))
    return [(int(i), str(r), str(s), at) for i, r, s, at in rows.all()]


async def latest_reports(
    session: AsyncSession, *, area: ColumnElement[bool] | None
) -> dict[int, tuple[str, datetime]]:
    """Each client's latest report (by when it was filed): business status and when, by
    client id."""
    ranked = select(
        BusinessReport.client_id,
        BusinessReport.business_status,
        BusinessReport.created_at,
        func.row_number()
        .over(
            partition_by=BusinessReport.client_id,
            order_by=(BusinessReport.created_at.desc(), BusinessReport.id.desc()),
        )
        .label("rank"),
    ).join(Client, Client.id == BusinessReport.client_id)
    newest = _scoped(ranked, area).subquery()
    rows = await session.execute(
        select(newest.c.client_id, newest.c.business_status, newest.c.created_at).where(
            newest.c.rank == 1
        )
    )
    return {int(c): (str(s), at) for c, s, at in rows.all()}


async def incomes_since(
    session: AsyncSession, *, area: ColumnElement[bool] | None, since: datetime
) -> list[tuple[int, str, int, datetime]]:
    """(client id, region code, monthly income, when) of every report since `since`."""
    query = (
        select(
            BusinessReport.client_id,
            Client.region_code,
            BusinessReport.monthly_income,
            BusinessReport.created_at,
        )
        .join(Client, Client.id == BusinessReport.client_id)
        .where(BusinessReport.created_at >= since)
    )
    rows = await session.execute(_scoped(query, area))
    return [(int(c), str(r), int(m), at) for c, r, m, at in rows.all()]


async def checkins_since(
    session: AsyncSession, *, area: ColumnElement[bool] | None, since: datetime
) -> dict[str, int]:
    """How many check-ins sent since `since` are in each status."""
    query = (
        select(CheckIn.status, func.count())
        .join(Client, Client.id == CheckIn.client_id)
        .where(CheckIn.sent_at >= since)
        .group_by(CheckIn.status)
    )
    rows = await session.execute(_scoped(query, area))
    return {str(s): int(n) for s, n in rows.all()}


async def last_answers(
    session: AsyncSession, *, area: ColumnElement[bool] | None, answered: str
) -> dict[int, datetime]:
    """When each client last answered a check-in, by client id."""
    query = (
        select(CheckIn.client_id, func.max(CheckIn.resolved_at))
        .join(Client, Client.id == CheckIn.client_id)
        .where(CheckIn.status == answered, CheckIn.resolved_at.is_not(None))
        .group_by(CheckIn.client_id)
    )
    rows = await session.execute(_scoped(query, area))
    return {int(c): at for c, at in rows.all()}


async def requests_by_status(
    session: AsyncSession, *, area: ColumnElement[bool] | None
) -> dict[str, int]:
    """Marketing requests in the area, by status."""
    query = (
        select(MarketingRequest.status, func.count())
        .join(Client, Client.id == MarketingRequest.client_id)
        .group_by(MarketingRequest.status)
    )
    rows = await session.execute(_scoped(query, area))
    return {str(s): int(n) for s, n in rows.all()}


async def applications_by_status(
    session: AsyncSession, *, area: ColumnElement[bool] | None
) -> dict[str, int]:
    """Program applications in the area, by status."""
    query = (
        select(ProgramApplication.status, func.count())
        .join(Client, Client.id == ProgramApplication.client_id)
        .group_by(ProgramApplication.status)
    )
    rows = await session.execute(_scoped(query, area))
    return {str(s): int(n) for s, n in rows.all()}
