"""The audit log: every staff action is recorded with who, when and what.

`record` is called by the service that carries the action out, in the same transaction, so an
action and its record are committed together or not at all. The row holds ids and codes only
(no names, no free text); `page` looks the names up when an administrator reads the log with
/audit. A client's record stays after she is erased (the office must still account for what
was done); her name is then gone from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.vocabulary import ROLE_LABELS, StaffRole
from bot.i18n import N_, Translator
from bot.services.staff import StaffProfile
from bot.storage import audit as repo
from bot.storage.models import AuditEvent


class AuditAction(StrEnum):
    """What a staff member did."""

    CLIENT_VIEWED = "client_viewed"
    CLIENT_REQUESTS_VIEWED = "client_requests_viewed"
    CLIENT_APPLICATIONS_VIEWED = "client_applications_viewed"
    CLIENT_INVITED = "client_invited"
    CLIENT_VERIFIED = "client_verified"
    CLIENT_REJECTED = "client_rejected"
    ALERT_CLAIMED = "alert_claimed"
    CASE_CLOSED = "case_closed"
    APPLICATION_REVIEWED = "application_reviewed"
    APPLICATION_ACCEPTED = "application_accepted"
    APPLICATION_REJECTED = "application_rejected"
    APPLICATION_WAITLISTED = "application_waitlisted"
    REQUEST_DECLINED = "request_declined"
    REFERRAL_PROPOSED = "referral_proposed"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_CLOSED = "referral_closed"
    PROGRAM_SAVED = "program_saved"
    PROGRAM_OPENED = "program_opened"
    PROGRAM_CLOSED = "program_closed"
    STAFF_INVITED = "staff_invited"
    STAFF_ROLE_CHANGED = "staff_role_changed"
    STAFF_AREAS_CHANGED = "staff_areas_changed"
    STAFF_DEACTIVATED = "staff_deactivated"
    STAFF_REACTIVATED = "staff_reactivated"
    ROSTER_IMPORTED = "roster_imported"
    EXPORTED = "exported"


class Subject(StrEnum):
    """What an action was done to."""

    CLIENT = "client"
    STAFF = "staff"
    APPLICATION = "application"
    REQUEST = "request"
    REFERRAL = "referral"
    PROGRAM = "program"
    ALERT = "alert"


LABELS: dict[AuditAction, str] = {
    AuditAction.CLIENT_VIEWED: N_("membuka kartu klien"),
    AuditAction.CLIENT_REQUESTS_VIEWED: N_("melihat permintaan pemasaran klien"),
    AuditAction.CLIENT_APPLICATIONS_VIEWED: N_("melihat pengajuan program klien"),
    AuditAction.CLIENT_INVITED: N_("mengundang klien"),
    AuditAction.CLIENT_VERIFIED: N_("memverifikasi klien"),
    AuditAction.CLIENT_REJECTED: N_("menolak pendaftaran klien"),
    AuditAction.ALERT_CLAIMED: N_("menangani peringatan"),
    AuditAction.CASE_CLOSED: N_("menutup kasus"),
    AuditAction.APPLICATION_REVIEWED: N_("mulai memeriksa pengajuan program"),
    AuditAction.APPLICATION_ACCEPTED: N_("menerima pengajuan program"),
    AuditAction.APPLICATION_REJECTED: N_("menolak pengajuan program"),
    AuditAction.APPLICATION_WAITLISTED: N_("memasukkan pengajuan ke daftar tunggu"),
    AuditAction.REQUEST_DECLINED: N_("menolak permintaan pemasaran"),
    AuditAction.REFERRAL_PROPOSED: N_("mengusulkan rujukan ke mitra"),
    AuditAction.REFERRAL_ACCEPTED: N_("menerima rujukan"),
    AuditAction.REFERRAL_CLOSED: N_("menutup rujukan"),
    AuditAction.PROGRAM_SAVED: N_("menyimpan program"),
    AuditAction.PROGRAM_OPENED: N_("membuka pendaftaran program"),
    AuditAction.PROGRAM_CLOSED: N_("menutup pendaftaran program"),
    AuditAction.STAFF_INVITED: N_("mengundang staf"),
    AuditAction.STAFF_ROLE_CHANGED: N_("mengubah peran staf"),
    AuditAction.STAFF_AREAS_CHANGED: N_("mengubah wilayah staf"),
    AuditAction.STAFF_DEACTIVATED: N_("menonaktifkan staf"),
    AuditAction.STAFF_REACTIVATED: N_("mengaktifkan kembali staf"),
    AuditAction.ROSTER_IMPORTED: N_("mengimpor daftar klien"),
    AuditAction.EXPORTED: N_("mengekspor data ke Excel"),
}
SUBJECT_LABELS: dict[Subject, str] = {
    Subject.APPLICATION: N_("pengajuan #{id}"),
    Subject.REQUEST: N_("permintaan #{id}"),
    Subject.REFERRAL: N_("rujukan #{id}"),
    Subject.PROGRAM: N_("program #{id}"),
    Subject.ALERT: N_("peringatan #{id}"),
}
ERASED = N_("klien #{id} (datanya sudah dihapus)")
FROM_THE_SERVER = N_("server (baris perintah)")


async def record(
    session: AsyncSession,
    *,
    actor: StaffProfile | None,
    action: AuditAction,
    now: datetime,
    subject: Subject | None = None,
    subject_id: int | None = None,
    client_id: int | None = None,
    detail: Mapping[str, str | int | bool] | None = None,
) -> None:
    """Record a staff action (`actor` None: the command line on the server). `client_id` names
    the client it concerned when the subject is something of hers (an application …);
    `detail` holds codes only, never text a person typed."""
    extra: dict[str, Any] = dict(detail or {})
    if client_id is not None and subject is not Subject.CLIENT:
        extra["client"] = client_id
    await repo.add(
        session,
        event=AuditEvent(
            at=now,
            actor_id=actor.id if actor is not None else None,
            action=action.value,
            subject_kind=subject.value if subject is not None else None,
            subject_id=subject_id,
            detail=extra or None,
        ),
    )


@dataclass(frozen=True)
class AuditLine:
    """One event as /audit shows it."""

    at: datetime
    actor: str
    what: str
    subject: str  # who or what it concerned ("" when nothing)


async def page(
    session: AsyncSession, t: Translator, *, offset: int, limit: int
) -> tuple[list[AuditLine], int]:
    """Events newest first, with names looked up in the reader's language; and the total."""
    total = await repo.count(session)
    events = await repo.newest(session, offset=offset, limit=limit)
    staff_ids = {e.actor_id for e in events if e.actor_id is not None}
    staff_ids |= {e.subject_id for e in events if e.subject_kind == Subject.STAFF and e.subject_id}
    client_ids = {_client_of(e) for e in events} - {None}
    staff_names = await repo.staff_names(session, staff_ids)
    client_names = await repo.client_names(session, (c for c in client_ids if c is not None))
    lines = []
    for event in events:
        actor = (
            staff_names.get(event.actor_id, f"#{event.actor_id}")
            if event.actor_id is not None
            else t.gettext(FROM_THE_SERVER)
        )
        label = LABELS.get(AuditAction(event.action)) if event.action in _CODES else None
        what = t.gettext(label) if label else event.action
        lines.append(
            AuditLine(event.at, actor, what, _subject(t, event, staff_names, client_names))
        )
    return lines, total


_CODES = frozenset(a.value for a in AuditAction)
_ROLES = frozenset(r.value for r in StaffRole)


def _client_of(event: AuditEvent) -> int | None:
    if event.subject_kind == Subject.CLIENT:
        return event.subject_id
    client = repo.detail_of(event).get("client")
    return int(client) if isinstance(client, int) else None


def _subject(
    t: Translator, event: AuditEvent, staff: dict[int, str], clients: dict[int, str]
) -> str:
    parts = []
    kind, number = event.subject_kind, event.subject_id
    if kind == Subject.STAFF and number is not None:
        parts.append(staff.get(number, f"#{number}"))
    elif kind in SUBJECT_LABELS and number is not None:
        parts.append(t.gettext(SUBJECT_LABELS[Subject(kind)]).format(id=number))
    client = _client_of(event)
    if client is not None:
        parts.append(clients.get(client) or t.gettext(ERASED).format(id=client))
    role = repo.detail_of(event).get("role")
    if role in _ROLES:
        parts.append(t.gettext(ROLE_LABELS[StaffRole(role)]))
    return " · ".join(parts)
