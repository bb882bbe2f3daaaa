"""A caseworker's clients: the paged list, the client card, verification and invitations.

Every function takes the acting staff member and checks that the client is in her area
(administrators: everywhere), so a forged button can never reach someone else's client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import registration
from bot.services.registration import NewInvitation
from bot.services.staff import StaffProfile
from bot.storage import caseload as repo
from bot.storage import clients, reports
from bot.storage.caseload import ClientFilter
from bot.storage.models import AlertKind, BusinessStatus, Client, ClientEvent, ClientStatus

__all__ = ["ClientFilter"]

PAGE_SIZE = 10
SILENCE = timedelta(days=60)
CARD_REPORTS = 5
CARD_EVENTS = 10
MAX_REASON = 300


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    id: int
    full_name: str
    region_code: str
    status: ClientStatus
    latest_status: BusinessStatus | None


@dataclass(frozen=True)
class ClientPage:
    """One page of a staff member's clients under one filter."""

    rows: tuple[ClientRow, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class ReportLine:
    """One report on the client card."""

    created_at: datetime
    status: BusinessStatus
    income: int
    employees: int


@dataclass(frozen=True)
class EventLine:
    """One event of the client's history."""

    created_at: datetime
    kind: str
    note: str | None
    staff_name: str | None


@dataclass(frozen=True)
class ClientCard:
    """Everything a caseworker sees about one of her clients."""

    id: int
    full_name: str
    region_code: str
    status: ClientStatus
    ppks_category: int | None
    phone: str | None
    training: str | None
    business_type: str | None
    upt_name: str | None
    training_ended_on: date | None
    linked: bool
    rejection_reason: str | None
    reports: tuple[ReportLine, ...]
    events: tuple[EventLine, ...]


class DecisionResult(StrEnum):
    """How a verification or rejection ended."""

    DONE = "done"
    NOT_FOUND = "not_found"  # no such client, or not in the caseworker's area
    NOT_PENDING = "not_pending"  # decided before (by her or a colleague)


@dataclass(frozen=True)
class Decision:
    """The outcome, and whom to tell (the client's chat and language), when there is someone."""

    result: DecisionResult
    full_name: str = ""
    telegram_id: int | None = None
    language: str = "id"


def _area(viewer: StaffProfile) -> ColumnElement[bool] | None:
    """None means everywhere (administrators)."""
    return None if viewer.is_admin else clients.in_areas(viewer.region_codes, viewer.upt_ids)


async def list_clients(
    session: AsyncSession, *, viewer: StaffProfile, which: ClientFilter, page: int, now: datetime
) -> ClientPage:
    """One page (10) of the viewer's clients under a filter, each with its latest report."""
    area, silent_before = _area(viewer), now - SILENCE
    total = await repo.count_clients(session, area=area, which=which, silent_before=silent_before)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    found = await repo.client_page(
        session,
        area=area,
        which=which,
        silent_before=silent_before,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
    )
    rows = tuple(
        ClientRow(
            id=client.id,
            full_name=client.full_name,
            region_code=client.region_code,
            status=ClientStatus(client.status),
            latest_status=BusinessStatus(report.business_status) if report else None,
        )
        for client, report in found
    )
    return ClientPage(rows=rows, total=total, page=page, pages=pages)


async def _covered(session: AsyncSession, viewer: StaffProfile, client_id: int) -> Client | None:
    """The client, only when the viewer is responsible for her."""
    client = await repo.client_with_user(session, client_id=client_id)
    if client is None or not viewer.covers_client(client):
        return None
    return client


async def client_card(
    session: AsyncSession, *, viewer: StaffProfile, client_id: int
) -> ClientCard | None:
    """The client card, or None when the client does not exist or is not the viewer's."""
    client = await _covered(session, viewer, client_id)
    if client is None:
        return None
    latest = await reports.latest(session, client_id=client.id, limit=CARD_REPORTS)
    events = await repo.recent_events(session, client_id=client.id, limit=CARD_EVENTS)
    upt = await repo.upts(session, ids=[client.upt_id]) if client.upt_id is not None else []
    return ClientCard(
        id=client.id,
        full_name=client.full_name,
        region_code=client.region_code,
        status=ClientStatus(client.status),
        ppks_category=client.ppks_category,
        phone=client.phone,
        training=client.training,
        business_type=client.business_type,
        upt_name=upt[0].name if upt else None,
        training_ended_on=client.training_ended_on,
        linked=client.user_id is not None,
        rejection_reason=client.rejection_reason,
        reports=tuple(
            ReportLine(
                r.created_at, BusinessStatus(r.business_status), r.monthly_income, r.employees
            )
            for r in latest
        ),
        events=tuple(EventLine(e.created_at, e.kind, e.note, name) for e, name in events),
    )


async def _pending(session: AsyncSession, actor: StaffProfile, client_id: int) -> Client | Decision:
    """The client awaiting a decision by the actor, or why there is nothing to decide."""
    client = await _covered(session, actor, client_id)
    if client is None:
        return Decision(DecisionResult.NOT_FOUND)
    if client.status != ClientStatus.PENDING.value:
        return Decision(DecisionResult.NOT_PENDING, full_name=client.full_name)
    return client


async def _decide(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    client_id: int,
    status: ClientStatus,
    note: str | None,
    now: datetime,
) -> Decision:
    client = await _pending(session, actor, client_id)
    if isinstance(client, Decision):
        return client
    client.status = status.value
    if status is ClientStatus.VERIFIED:
        client.verified_at = now
    else:
        client.rejection_reason = note
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=client.id, staff_id=actor.id, kind=status.value, note=note, created_at=now
        ),
    )
    # A stored note, not UI text: the alert's history says what became of it.
    close_note = "Terverifikasi" if note is None else f"Ditolak: {note}"
    await repo.close_alerts(
        session,
        client_id=client.id,
        kind=AlertKind.AWAITING_VERIFICATION,
        note=close_note,
        now=now,
    )
    user = client.user
    return Decision(
        DecisionResult.DONE,
        full_name=client.full_name,
        telegram_id=user.telegram_id if user is not None else None,
        language=user.language if user is not None else "id",
    )


async def verify_client(
    session: AsyncSession, *, actor: StaffProfile, client_id: int, now: datetime
) -> Decision:
    """Verify a self-registered client in the actor's area; her verification alert is closed."""
    return await _decide(
        session, actor=actor, client_id=client_id, status=ClientStatus.VERIFIED, note=None, now=now
    )


async def reject_client(
    session: AsyncSession, *, actor: StaffProfile, client_id: int, reason: str, now: datetime
) -> Decision:
    """Reject a self-registration with a reason (told to the client); the alert is closed."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise ValueError("a rejection needs a reason")
    return await _decide(
        session,
        actor=actor,
        client_id=client_id,
        status=ClientStatus.REJECTED,
        note=reason,
        now=now,
    )


async def can_decide(session: AsyncSession, *, actor: StaffProfile, client_id: int) -> Decision:
    """Whether the actor may still verify or reject this client (before asking for a reason)."""
    client = await _pending(session, actor, client_id)
    if isinstance(client, Decision):
        return client
    return Decision(DecisionResult.DONE, full_name=client.full_name)


async def invite_client(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    full_name: str,
    nik: str,
    region_code: str,
    upt_id: int | None,
    training_ended_on: date | None,
    now: datetime,
    today: date,
) -> NewInvitation:
    """Create an invited client in the actor's area and her one-time code; recorded in history.

    Raises PermissionError outside the actor's area; NikError and ValueError as
    `registration.invite_client` does (a malformed NIK, or one already registered).
    """
    if not actor.covers(region_code=region_code, upt_id=upt_id):
        raise PermissionError("the client would be outside the staff member's area")
    invitation = await registration.invite_client(
        session,
        full_name=full_name,
        nik=nik,
        region_code=region_code,
        now=now,
        today=today,
        training_ended_on=training_ended_on,
    )
    if upt_id is not None:
        client = await clients.get(session, client_id=invitation.client_id)
        assert client is not None
        client.upt_id = upt_id
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=invitation.client_id, staff_id=actor.id, kind="invited", created_at=now
        ),
    )
    return invitation


async def nik_registered(session: AsyncSession, *, nik: str) -> bool:
    """True when a client record with this NIK exists already."""
    return await clients.get_by_nik(session, nik=nik) is not None


async def upt_choices(session: AsyncSession, *, actor: StaffProfile) -> list[tuple[int, str]]:
    """The UPTs the actor may invite clients into: hers, or all for administrators."""
    if actor.is_admin:
        found = await repo.upts(session)
    else:
        found = await repo.upts(session, ids=sorted(actor.upt_ids)) if actor.upt_ids else []
    return [(u.id, u.name) for u in found]
