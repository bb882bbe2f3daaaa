"""Repository: marketing requests, their events and referrals, and partner agencies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Agency, MarketingRequest, Referral, RequestEvent, Staff


async def add(session: AsyncSession, *, request: MarketingRequest) -> MarketingRequest:
    """Insert a request (its id assigned)."""
    session.add(request)
    await session.flush()
    return request


async def get(
    session: AsyncSession, *, request_id: int, lock: bool = False
) -> MarketingRequest | None:
    """One request, locked when it is about to change."""
    query = select(MarketingRequest).where(MarketingRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def by_alert(session: AsyncSession, *, alert_id: int) -> MarketingRequest | None:
    """The request an alert was raised for."""
    query = select(MarketingRequest).where(MarketingRequest.alert_id == alert_id)
    return (await session.execute(query)).scalar_one_or_none()


async def of_client(session: AsyncSession, *, client_id: int) -> list[MarketingRequest]:
    """A client's requests, newest first."""
    rows = await session.scalars(
        select(MarketingRequest)
        .where(MarketingRequest.client_id == client_id)
        .order_by(MarketingRequest.created_at.desc(), MarketingRequest.id.desc())
    )
    return list(rows)


async def add_event(session: AsyncSession, *, event: RequestEvent) -> None:
    """Record a change of a request."""
    session.add(event)
    await session.flush()


async def events_of(session: AsyncSession, *, request_id: int) -> list[RequestEvent]:
    """A request's events, oldest first."""
    rows = await session.scalars(
        select(RequestEvent)
        .where(RequestEvent.request_id == request_id)
        .order_by(RequestEvent.created_at, RequestEvent.id)
    )
    return list(rows)


async def add_referral(session: AsyncSession, *, referral: Referral) -> Referral:
    """Insert a referral."""
    session.add(referral)
    await session.flush()
    return referral


async def get_referral(
    session: AsyncSession, *, referral_id: int, lock: bool = False
) -> Referral | None:
    """One referral, locked when it is about to change."""
    query = select(Referral).where(Referral.id == referral_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def referrals_of(session: AsyncSession, *, request_id: int) -> list[Referral]:
    """A request's referrals, oldest first."""
    rows = await session.scalars(
        select(Referral).where(Referral.request_id == request_id).order_by(Referral.id)
    )
    return list(rows)


async def count_new(
    session: AsyncSession, *, client_ids: Any, since: datetime, now: datetime
) -> int:
    """Requests of these clients created in [since, now)."""
    query = select(func.count(MarketingRequest.id)).where(
        MarketingRequest.client_id.in_(client_ids),
        MarketingRequest.created_at >= since,
        MarketingRequest.created_at < now,
    )
    return int((await session.execute(query)).scalar_one())


async def count_unanswered(
    session: AsyncSession, *, client_ids: Any, open_statuses: Sequence[str], before: datetime
) -> int:
    """Open requests of these clients, created before `before`, nobody has answered."""
    query = select(func.count(MarketingRequest.id)).where(
        MarketingRequest.client_id.in_(client_ids),
        MarketingRequest.status.in_(open_statuses),
        MarketingRequest.answered_at.is_(None),
        MarketingRequest.created_at < before,
    )
    return int((await session.execute(query)).scalar_one())


# -- partner agencies -------------------------------------------------------------------------


async def agencies(session: AsyncSession, *, active_only: bool = False) -> list[Agency]:
    """The partner agencies, by name."""
    query = select(Agency).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(await session.scalars(query))


async def agency(session: AsyncSession, *, agency_id: int) -> Agency | None:
    """One agency."""
    return await session.get(Agency, agency_id)


async def agency_by_name(session: AsyncSession, *, name: str) -> Agency | None:
    """An agency by its exact name, case aside."""
    query = select(Agency).where(func.lower(Agency.name) == name.lower())
    return (await session.execute(query)).scalars().first()


async def add_agency(session: AsyncSession, *, agency: Agency) -> Agency:
    """Insert an agency."""
    session.add(agency)
    await session.flush()
    return agency


async def officers_of(session: AsyncSession, *, agency_id: int) -> list[Staff]:
    """The active partner officers of an agency who have linked Telegram."""
    rows = await session.scalars(
        select(Staff)
        .where(
            Staff.agency_id == agency_id,
            Staff.role == "partner",
            Staff.active.is_(True),
            Staff.telegram_id.is_not(None),
        )
        .order_by(Staff.id)
    )
    return list(rows)
