"""A caseworker's clients: the list, the client card, verification, rejection and invitations.

Every function takes the acting staff member and checks that the client is in her area
(administrators: everywhere), so a forged button can never reach someone else's client, and an
invitation never reveals that a NIK is registered somewhere she does not cover.

The button actions of /klien live here too (channel-neutral `CallbackData`), so that flows and
other services (e.g. an alert that offers ✅ Verifikasi) can build them without the handlers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from html import escape

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.domain.nik import validate_nik
from bot.domain.reference import ppks_by_no
from bot.domain.vocabulary import BusinessStatus, ClientStatus, StaffRole
from bot.i18n import Translator, translator
from bot.services import audit, client_requests, outbox, registration
from bot.services.audit import AuditAction, Subject
from bot.services.overview import StatusItem
from bot.services.registration import NewInvitation
from bot.services.staff import StaffProfile
from bot.storage import caseload as repo
from bot.storage import clients, reports
from bot.storage.caseload import ClientFilter
from bot.storage.models import AlertKind, Client, ClientEvent

__all__ = ["ClientFilter"]

PAGE_SIZE = 10
SILENCE = timedelta(days=60)
CARD_REPORTS = 5
CARD_EVENTS = 10
MAX_REASON = 300
MAX_ID = 2**31 - 1  # ids are 32-bit in the database: a larger (forged) one finds nothing
MANAGERS = frozenset({StaffRole.CASEWORKER, StaffRole.ADMIN})


# -- button actions (global: valid whatever flow the chat is in) --------------------------------


@dataclass(frozen=True)
class ClientList(CallbackData, prefix="kl"):
    """A page of the presser's clients under a filter; `in_place` turns the pressed list."""

    filter: ClientFilter
    page: int
    in_place: bool = False


@dataclass(frozen=True)
class ClientCard(CallbackData, prefix="kc"):
    """One client's card; `filter` and `page` are the list its ⬅️ Kembali returns to."""

    client_id: int
    filter: ClientFilter = ClientFilter.ALL
    page: int = 0


@dataclass(frozen=True)
class Verify(CallbackData, prefix="kv"):
    """✅ Verifikasi of a self-registered client (asks her PPKS category first)."""

    client_id: int
    filter: ClientFilter = ClientFilter.ALL
    page: int = 0


@dataclass(frozen=True)
class Reject(CallbackData, prefix="kr"):
    """❌ Tolak of a self-registered client (asks the reason first)."""

    client_id: int
    filter: ClientFilter = ClientFilter.ALL
    page: int = 0


def may_manage_clients(member: StaffProfile | None) -> bool:
    """True for an active caseworker or administrator (checked again at the end of flows)."""
    return member is not None and member.role in MANAGERS


# -- the list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    id: int
    full_name: str
    region_code: str
    status: ClientStatus
    latest_status: BusinessStatus | None


def _area(viewer: StaffProfile) -> ColumnElement[bool] | None:
    """None means everywhere (administrators)."""
    return None if viewer.is_admin else clients.in_areas(viewer.region_codes, viewer.upt_ids)


async def count_clients(
    session: AsyncSession, *, viewer: StaffProfile, which: ClientFilter, now: datetime
) -> int:
    """How many of the viewer's clients the filter selects."""
    return await repo.count_clients(
        session, area=_area(viewer), which=which, silent_before=now - SILENCE
    )


async def client_rows(
    session: AsyncSession,
    *,
    viewer: StaffProfile,
    which: ClientFilter,
    now: datetime,
    offset: int,
    limit: int = PAGE_SIZE,
) -> tuple[ClientRow, ...]:
    """A window of the viewer's clients under a filter (by name), each with its latest report,
    in one query. The caller picks the window (`conversations.paging.page_of`)."""
    found = await repo.client_page(
        session,
        area=_area(viewer),
        which=which,
        silent_before=now - SILENCE,
        limit=limit,
        offset=max(offset, 0),
    )
    return tuple(
        ClientRow(
            id=client.id,
            full_name=client.full_name,
            region_code=client.region_code,
            status=ClientStatus(client.status),
            latest_status=BusinessStatus(report.business_status) if report else None,
        )
        for client, report in found
    )


# -- the card ------------------------------------------------------------------------------------


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
class ClientDetails:
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
    requests: tuple[StatusItem, ...] = ()  # her requests and applications, newest first


async def _covered(session: AsyncSession, viewer: StaffProfile, client_id: int) -> Client | None:
    """The client, only when the viewer is responsible for her."""
    if not 0 < client_id <= MAX_ID:
        return None
    client = await repo.client_with_user(session, client_id=client_id)
    if client is None or not viewer.covers_client(client):
        return None
    return client


async def client_card(
    session: AsyncSession,
    *,
    viewer: StaffProfile,
    client_id: int,
    now: datetime,
    translator: Translator | None = None,
) -> ClientDetails | None:
    """The client card, or None when the client does not exist or is not the viewer's; with a
    `translator`, her requests and applications too (labelled in the viewer's language). The
    view is recorded in the audit log."""
    client = await _covered(session, viewer, client_id)
    if client is None:
        return None
    await audit.record(
        session,
        actor=viewer,
        action=AuditAction.CLIENT_VIEWED,
        now=now,
        subject=Subject.CLIENT,
        subject_id=client.id,
    )
    requests = (
        await client_requests.items_of(session, translator, client_id=client.id)
        if translator is not None
        else []
    )
    latest = await reports.latest(session, client_id=client.id, limit=CARD_REPORTS)
    events = await repo.recent_events(session, client_id=client.id, limit=CARD_EVENTS)
    upt = await repo.upts(session, ids=[client.upt_id]) if client.upt_id is not None else []
    return ClientDetails(
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
        requests=tuple(requests),
    )


# -- verification and rejection ------------------------------------------------------------------


class DecisionResult(StrEnum):
    """How a verification or rejection ended."""

    DONE = "done"
    NOT_FOUND = "not_found"  # no such client, or not in the caseworker's area
    NOT_PENDING = "not_pending"  # decided before (by her or a colleague)


@dataclass(frozen=True)
class Decision:
    """The outcome; `notified` when a notice to the client was queued in the outbox."""

    result: DecisionResult
    full_name: str = ""
    telegram_id: int | None = None
    language: str = "id"
    notified: bool = False


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
    client: Client,
    status: ClientStatus,
    note: str | None,
    now: datetime,
) -> Decision:
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
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.CLIENT_VERIFIED
        if status is ClientStatus.VERIFIED
        else AuditAction.CLIENT_REJECTED,
        now=now,
        subject=Subject.CLIENT,
        subject_id=client.id,
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


async def _tell_client(
    session: AsyncSession, decision: Decision, *, text: str, purpose: str, key: str, now: datetime
) -> Decision:
    """Queue the client's notice (already in her language); the decision says it was queued."""
    if decision.telegram_id is None:
        return decision
    await outbox.enqueue(
        session,
        chat_id=decision.telegram_id,
        text=text,
        purpose=purpose,
        now=now,
        dedupe_key=key,
    )
    return Decision(
        decision.result,
        full_name=decision.full_name,
        telegram_id=decision.telegram_id,
        language=decision.language,
        notified=True,
    )


async def verify_client(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    client_id: int,
    ppks_category: int,
    now: datetime,
) -> Decision:
    """Verify a self-registered client in the actor's area, with the PPKS category the
    caseworker chose; her verification alert is closed and she is told, in her language."""
    if ppks_by_no(ppks_category) is None:
        raise ValueError(f"unknown PPKS category {ppks_category}")
    client = await _pending(session, actor, client_id)
    if isinstance(client, Decision):
        return client
    client.ppks_category = ppks_category
    decision = await _decide(
        session, actor=actor, client=client, status=ClientStatus.VERIFIED, note=None, now=now
    )
    t = translator(decision.language)
    return await _tell_client(
        session,
        decision,
        text=t.gettext(
            "Kabar baik! Data Anda di Berdaya sudah diperiksa dan diverifikasi "
            "oleh Dinas Sosial Jawa Timur. Terima kasih."
        ),
        purpose="client_verified",
        key=f"client:{client.id}:verified",
        now=now,
    )


async def reject_client(
    session: AsyncSession, *, actor: StaffProfile, client_id: int, reason: str, now: datetime
) -> Decision:
    """Reject a self-registration with a reason; the alert is closed and the client is told
    the reason, in her language."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise ValueError("a rejection needs a reason")
    client = await _pending(session, actor, client_id)
    if isinstance(client, Decision):
        return client
    decision = await _decide(
        session, actor=actor, client=client, status=ClientStatus.REJECTED, note=reason, now=now
    )
    t = translator(decision.language)
    text = t.gettext(
        "Maaf, pendaftaran Anda di Berdaya belum dapat diterima oleh Dinas Sosial.\n"
        "Alasan dari pendamping: {reason}\n"
        "Kalau ada pertanyaan, hubungi pendamping atau kantor Dinas Sosial terdekat."
    ).format(reason=escape(reason))
    return await _tell_client(
        session,
        decision,
        text=text,
        purpose="client_rejected",
        key=f"client:{client.id}:rejected",
        now=now,
    )


async def can_decide(session: AsyncSession, *, actor: StaffProfile, client_id: int) -> Decision:
    """Whether the actor may still verify or reject this client (before asking anything)."""
    client = await _pending(session, actor, client_id)
    if isinstance(client, Decision):
        return client
    return Decision(DecisionResult.DONE, full_name=client.full_name)


# -- invitations ---------------------------------------------------------------------------------


class InviteResult(StrEnum):
    """What an invitation (or the check of its NIK) came to."""

    CREATED = "created"  # (for `check_nik`: the NIK is free)
    ALREADY_HERE = "already_here"  # the NIK is registered to a client the actor covers
    # Not possible, and deliberately nothing more: e.g. the NIK is registered outside the
    # actor's area. A caseworker must not learn where (or that) a NIK is registered elsewhere.
    REFUSED = "refused"
    OUTSIDE_AREA = "outside_area"  # the kabupaten/kota or UPT chosen is not the actor's


@dataclass(frozen=True)
class Invited:
    """An invitation's outcome, with the invitation when it was created."""

    result: InviteResult
    invitation: NewInvitation | None = None


async def check_nik(session: AsyncSession, *, actor: StaffProfile, nik: str) -> InviteResult:
    """Whether an invitation could be made for this (valid) NIK: CREATED when it is free,
    ALREADY_HERE when the actor covers the client who has it, REFUSED otherwise."""
    found = await clients.get_by_nik(session, nik=nik)
    if found is None:
        return InviteResult.CREATED
    return InviteResult.ALREADY_HERE if actor.covers_client(found) else InviteResult.REFUSED


def _may_invite_into(actor: StaffProfile, region_code: str, upt_id: int | None) -> bool:
    if actor.is_admin:
        return True
    if upt_id is not None and upt_id not in actor.upt_ids:
        return False
    return may_manage_clients(actor) and actor.covers(region_code=region_code, upt_id=upt_id)


async def invite_client(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    full_name: str,
    nik: str,
    region_code: str,
    upt_id: int | None,
    ppks_category: int | None,
    training_ended_on: date | None,
    now: datetime,
    today: date,
) -> Invited:
    """Create an invited (verified) client in the actor's area and her one-time code; recorded
    in her history. The area is checked first, so the answer about the NIK never depends on
    anything outside the actor's area.

    Raises NikError for a malformed NIK and ValueError for an unknown region or category.
    """
    if ppks_category is not None and ppks_by_no(ppks_category) is None:
        raise ValueError(f"unknown PPKS category {ppks_category}")
    if not _may_invite_into(actor, region_code, upt_id):
        return Invited(InviteResult.OUTSIDE_AREA)
    nik = validate_nik(nik, today=today).nik
    status = await check_nik(session, actor=actor, nik=nik)
    if status is not InviteResult.CREATED:
        return Invited(status)
    invitation = await registration.invite_client(
        session,
        full_name=full_name,
        nik=nik,
        region_code=region_code,
        now=now,
        today=today,
        training_ended_on=training_ended_on,
    )
    client = await clients.get(session, client_id=invitation.client_id)
    assert client is not None
    client.upt_id = upt_id
    client.ppks_category = ppks_category
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=invitation.client_id, staff_id=actor.id, kind="invited", created_at=now
        ),
    )
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.CLIENT_INVITED,
        now=now,
        subject=Subject.CLIENT,
        subject_id=invitation.client_id,
    )
    return Invited(InviteResult.CREATED, invitation)


async def upt_choices(session: AsyncSession, *, actor: StaffProfile) -> list[tuple[int, str]]:
    """The UPTs the actor may invite clients into: hers, or all for administrators."""
    if actor.is_admin:
        found = await repo.upts(session)
    else:
        found = await repo.upts(session, ids=sorted(actor.upt_ids)) if actor.upt_ids else []
    return [(u.id, u.name) for u in found]
