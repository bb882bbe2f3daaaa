"""Repository: a staff member's caseload, client history, staff invitations and UPTs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.storage.models import (
    Alert,
    AlertKind,
    BusinessReport,
    BusinessStatus,
    Client,
    ClientEvent,
    ClientStatus,
    Staff,
    StaffInvitation,
    Upt,
)


class ClientFilter(StrEnum):
    """The filters of /klien; the values go into callback data, so they stay short."""

    ALL = "all"
    SILENT = "silent"  # linked, but no report in the silence window (or never)
    DECLINING = "decl"  # the latest report says declining
    STOPPED = "stop"  # the latest report says paused or closed
    PENDING = "pend"  # self-registered, awaiting verification


def _latest_report_id() -> ColumnElement[int]:
    """The id of the client's newest report (correlated; uses the client/created_at index)."""
    return (
        select(BusinessReport.id)
        .where(BusinessReport.client_id == Client.id)
        .order_by(BusinessReport.created_at.desc(), BusinessReport.id.desc())
        .limit(1)
        .correlate(Client)
        .scalar_subquery()
    )


def _filter_condition(which: ClientFilter, *, silent_before: datetime) -> ColumnElement[bool]:
    """SQL for one filter, over Client outer-joined to its latest BusinessReport."""
    not_rejected = Client.status != ClientStatus.REJECTED.value
    if which is ClientFilter.PENDING:
        return Client.status == ClientStatus.PENDING.value
    if which is ClientFilter.DECLINING:
        return and_(not_rejected, BusinessReport.business_status == BusinessStatus.DECLINING.value)
    if which is ClientFilter.STOPPED:
        stopped = (BusinessStatus.PAUSED.value, BusinessStatus.CLOSED.value)
        return and_(not_rejected, BusinessReport.business_status.in_(stopped))
    if which is ClientFilter.SILENT:
        silent = or_(BusinessReport.id.is_(None), BusinessReport.created_at < silent_before)
        return and_(not_rejected, Client.user_id.is_not(None), silent)
    return not_rejected


def _conditions(
    area: ColumnElement[bool] | None, which: ClientFilter, silent_before: datetime
) -> tuple[ColumnElement[bool], ...]:
    return (
        area if area is not None else true(),
        _filter_condition(which, silent_before=silent_before),
        Client.status != ClientStatus.ERASED.value,  # kept only for statistics (/hapus)
    )


# Filters that look at the latest report; the others need no join to pick the page.
_BY_REPORT = frozenset({ClientFilter.SILENT, ClientFilter.DECLINING, ClientFilter.STOPPED})


async def client_page(
    session: AsyncSession,
    *,
    area: ColumnElement[bool] | None,
    which: ClientFilter,
    silent_before: datetime,
    limit: int,
    offset: int,
) -> list[tuple[Client, BusinessReport | None]]:
    """One page of clients (by name) with each one's latest report.

    Names are encrypted at rest, so the database cannot sort by them: the ids and names the
    filter selects are sorted here, and only the page's rows are loaded with their reports.
    """
    query = select(Client.id, Client.full_name)
    if which in _BY_REPORT:
        query = query.outerjoin(BusinessReport, BusinessReport.id == _latest_report_id())
    named = list(await session.execute(query.where(*_conditions(area, which, silent_before))))
    named.sort(key=lambda row: (row[1].casefold(), row[1], row[0]))
    page = [row[0] for row in named[offset : offset + limit]]
    if not page:
        return []
    result = await session.execute(
        select(Client, BusinessReport)
        .outerjoin(BusinessReport, BusinessReport.id == _latest_report_id())
        .where(Client.id.in_(page))
    )
    found = {row[0].id: (row[0], row[1]) for row in result.tuples()}
    return [found[client_id] for client_id in page]


async def count_clients(
    session: AsyncSession,
    *,
    area: ColumnElement[bool] | None,
    which: ClientFilter,
    silent_before: datetime,
) -> int:
    """How many clients the filter selects in this area."""
    query = select(func.count(Client.id)).select_from(Client)
    if which in _BY_REPORT:
        query = query.outerjoin(BusinessReport, BusinessReport.id == _latest_report_id())
    query = query.where(*_conditions(area, which, silent_before))
    return int((await session.execute(query)).scalar_one())


async def client_with_user(session: AsyncSession, *, client_id: int) -> Client | None:
    """A client with her Telegram account loaded (for notices in her language)."""
    result = await session.execute(
        select(Client).where(Client.id == client_id).options(selectinload(Client.user))
    )
    return result.scalar_one_or_none()


async def recent_events(
    session: AsyncSession, *, client_id: int, limit: int
) -> list[tuple[ClientEvent, str | None]]:
    """The client's newest history events, each with the name of the staff member behind it."""
    result = await session.execute(
        select(ClientEvent, Staff.full_name)
        .outerjoin(Staff, Staff.id == ClientEvent.staff_id)
        .where(ClientEvent.client_id == client_id)
        .order_by(ClientEvent.created_at.desc(), ClientEvent.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in result.tuples()]


async def add_event(session: AsyncSession, *, event: ClientEvent) -> ClientEvent:
    """Append one event to a client's history."""
    session.add(event)
    await session.flush()
    return event


async def close_alerts(
    session: AsyncSession, *, client_id: int, kind: AlertKind, note: str, now: datetime
) -> int:
    """Close the client's open alerts of one kind; returns how many."""
    result = await session.execute(
        update(Alert)
        .where(Alert.client_id == client_id, Alert.kind == kind.value, Alert.closed_at.is_(None))
        .values(closed_at=now, close_note=note)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def add_staff_invitation(
    session: AsyncSession, *, invitation: StaffInvitation
) -> StaffInvitation:
    """Insert a staff invitation."""
    session.add(invitation)
    await session.flush()
    return invitation


async def staff_invitation_by_hash(
    session: AsyncSession, *, code_hash: str
) -> StaffInvitation | None:
    """The staff invitation with this code hash, locked because it is about to be used."""
    result = await session.execute(
        select(StaffInvitation).where(StaffInvitation.code_hash == code_hash).with_for_update()
    )
    return result.scalar_one_or_none()


async def latest_staff_invitation(
    session: AsyncSession, *, staff_id: int
) -> StaffInvitation | None:
    """The newest invitation made for a staff record."""
    result = await session.execute(
        select(StaffInvitation)
        .where(StaffInvitation.staff_id == staff_id)
        .order_by(StaffInvitation.created_at.desc(), StaffInvitation.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def upts(session: AsyncSession, *, ids: Sequence[int] | None = None) -> list[Upt]:
    """All UPTs by name (or only those with these ids)."""
    query = select(Upt).order_by(Upt.name)
    if ids is not None:
        query = query.where(Upt.id.in_(list(ids)))
    return list((await session.execute(query)).scalars())


async def upt_by_name(session: AsyncSession, *, name: str) -> Upt | None:
    """The UPT with exactly this name."""
    result = await session.execute(select(Upt).where(Upt.name == name))
    return result.scalar_one_or_none()


async def add_upt(session: AsyncSession, *, upt: Upt) -> Upt:
    """Insert a UPT."""
    session.add(upt)
    await session.flush()
    return upt
