"""Repository: the audit log (audit_events)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEvent, Client, Staff


async def add(session: AsyncSession, *, event: AuditEvent) -> None:
    """Store an event (in the caller's transaction, with the action it records)."""
    session.add(event)
    await session.flush()


async def count(session: AsyncSession) -> int:
    """How many events there are."""
    return int((await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one())


async def newest(session: AsyncSession, *, offset: int, limit: int) -> list[AuditEvent]:
    """Events, newest first."""
    rows = await session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows)


async def staff_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """Staff names by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(wanted)))
    return {int(i): str(name) for i, name in rows.all()}


async def client_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """Client names by id (an erased client is simply missing)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(select(Client.id, Client.full_name).where(Client.id.in_(wanted)))
    return {int(i): str(name) for i, name in rows.all()}


def detail_of(event: AuditEvent) -> dict[str, Any]:
    """The event's detail (codes only), never None."""
    return dict(event.detail or {})
