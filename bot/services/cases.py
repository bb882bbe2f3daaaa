"""Cases: an alert a caseworker has claimed, her conversation with the client, its closing.

Every action on a case checks on the server that the staff member covers the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.messages import EditButtons, buttons_to_json
from bot.i18n import translator
from bot.services import alerts, audit, outbox, staff
from bot.services.alerts import title
from bot.services.audit import AuditAction, Subject
from bot.services.staff import StaffProfile
from bot.storage import alerts as repo
from bot.storage import outbox as outbox_repo
from bot.storage import staff as staff_repo
from bot.storage.models import (
    Alert,
    AlertKind,
    Client,
    ClientEvent,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    User,
)


class ClaimOutcome(StrEnum):
    """How pressing "Saya tangani" ended."""

    CLAIMED = "claimed"
    MINE = "mine"  # she had claimed it already
    TAKEN = "taken"  # another caseworker claimed it first
    CLOSED = "closed"


@dataclass(frozen=True)
class Case:
    """An alert together with its client, as seen by one staff member allowed to see it."""

    alert: Alert
    client: Client


@dataclass(frozen=True)
class Party:
    """Someone a relayed message goes to."""

    chat_id: int
    language: str
    name: str


async def open_case(
    session: AsyncSession, *, alert_id: int, member: StaffProfile, lock: bool = False
) -> Case | None:
    """The alert, if this staff member is responsible for its client (else None, as if absent)."""
    alert = await repo.get(session, alert_id=alert_id, lock=lock)
    if alert is None:
        return None
    client = await session.get(Client, alert.client_id)
    if client is None or not member.covers_client(client):
        return None
    return Case(alert, client)


async def claimer_name(session: AsyncSession, alert: Alert) -> str:
    """The name of the staff member handling the case."""
    if alert.claimed_by_staff_id is None:
        return ""
    found = await staff_repo.get(session, staff_id=alert.claimed_by_staff_id)
    return found.full_name if found else ""


async def claim(
    session: AsyncSession, *, case: Case, member: StaffProfile, now: datetime
) -> ClaimOutcome:
    """Take the case on; the others who got the alert are told who did."""
    alert = case.alert
    if alert.closed_at is not None:
        return ClaimOutcome.CLOSED
    if alert.claimed_by_staff_id is not None:
        mine = alert.claimed_by_staff_id == member.id
        return ClaimOutcome.MINE if mine else ClaimOutcome.TAKEN
    alert.claimed_by_staff_id, alert.claimed_at = member.id, now
    await audit.record(
        session,
        actor=member,
        action=AuditAction.ALERT_CLAIMED,
        now=now,
        subject=Subject.ALERT,
        subject_id=alert.id,
        client_id=case.client.id,
    )
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=case.client.id,
            staff_id=member.id,
            kind="case_claimed",
            note=alert.kind,
            created_at=now,
        ),
    )
    for staff_id in await repo.delivered_to(session, alert_id=alert.id):
        other = await staff_repo.get(session, staff_id=staff_id)
        if staff_id == member.id or other is None or other.telegram_id is None:
            continue
        t = translator(other.language)
        text = t.gettext("ℹ️ Kasus {client} ({what}) sudah ditangani oleh {name}.").format(
            client=escape(case.client.full_name),
            what=title(t, alert),
            name=escape(member.full_name),
        )
        await outbox.enqueue(
            session,
            chat_id=other.telegram_id,
            text=text,
            purpose="alert-claimed",
            now=now,
            dedupe_key=f"claimed:{alert.id}:{staff_id}",
        )
    extras = alerts.EXTRAS.get(AlertKind(alert.kind))
    if extras is not None and extras.on_claim is not None:
        await extras.on_claim(session, alert, member, now)
    return ClaimOutcome.CLAIMED


def is_handler(case: Case, member: StaffProfile) -> bool:
    """True when this staff member handles the open case."""
    return case.alert.closed_at is None and case.alert.claimed_by_staff_id == member.id


def start_relay(case: Case, *, now: datetime) -> None:
    """From now on the client's free-text messages go to the case's handler."""
    case.alert.relay_started_at = case.alert.relay_started_at or now


async def relayed(
    session: AsyncSession, *, case: Case, member: StaffProfile, text: str, now: datetime
) -> None:
    """A message from the case's handler was queued for the client: the alert's kind may
    record it (a request's or an application's last words from staff)."""
    extras = alerts.EXTRAS.get(AlertKind(case.alert.kind))
    if extras is not None and extras.on_reply is not None:
        await extras.on_reply(session, case.alert, member, text, now)


async def client_party(session: AsyncSession, client: Client) -> Party | None:
    """Where a message to the client goes; None when she has no Telegram account linked."""
    user = await session.get(User, client.user_id) if client.user_id is not None else None
    if user is None:
        return None
    return Party(user.telegram_id, user.language, client.full_name)


async def relay_to_caseworker(
    session: AsyncSession, *, client_id: int
) -> tuple[Alert, list[Party]] | None:
    """The open case in which a caseworker writes to this client, and who gets her messages:
    that caseworker, or, once the case has gone back to unclaimed (its caseworker was
    deactivated), the active caseworkers of the client's area."""
    alert = await repo.open_relay(session, client_id=client_id)
    if alert is None:
        return None
    handler = None
    if alert.claimed_by_staff_id is not None:
        handler = await staff_repo.get(session, staff_id=alert.claimed_by_staff_id)
    if handler is not None and handler.active and handler.telegram_id is not None:
        return alert, [Party(handler.telegram_id, handler.language, handler.full_name)]
    client = await session.get(Client, client_id)
    assert client is not None
    others = [
        Party(m.telegram_id, m.language, m.full_name)
        for m in await staff.responsible_for(session, client=client)
        if m.telegram_id is not None
    ]
    return (alert, others) if others else None


async def release_cases_of(session: AsyncSession, *, staff_id: int, now: datetime) -> int:
    """A caseworker was deactivated: her open cases go back to unclaimed, and the others
    responsible for each client get the alert again (escalated as usual if nobody takes it on);
    how many cases went back."""
    released = await repo.claimed_by(session, staff_id=staff_id)
    for alert, client in released:
        alert.claimed_by_staff_id, alert.claimed_at = None, None
        await repo.add_event(
            session,
            event=ClientEvent(
                client_id=client.id,
                staff_id=staff_id,
                kind="case_released",
                note=alert.kind,
                created_at=now,
            ),
        )
        await alerts.notify_again(session, alert=alert, client=client, now=now)
    return len(released)


async def close_case(
    session: AsyncSession, *, case: Case, member: StaffProfile, note: str, now: datetime
) -> bool:
    """Close the case with a note (its handler, or an administrator); False if not allowed."""
    alert = case.alert
    if alert.closed_at is not None:
        return False
    if alert.claimed_by_staff_id != member.id and not member.is_admin:
        return False
    alert.closed_at, alert.close_note = now, note
    await audit.record(
        session,
        actor=member,
        action=AuditAction.CASE_CLOSED,
        now=now,
        subject=Subject.ALERT,
        subject_id=alert.id,
        client_id=case.client.id,
    )
    await repo.add_event(
        session,
        event=ClientEvent(
            client_id=case.client.id,
            staff_id=member.id,
            kind="case_closed",
            note=note,
            created_at=now,
        ),
    )
    extras = alerts.EXTRAS.get(AlertKind(alert.kind))
    if extras is not None and extras.on_close is not None:
        await extras.on_close(session, alert, member, now)
    return True


async def queue_buttons_edit(
    session: AsyncSession,
    *,
    chat_id: int,
    edit: EditButtons,
    purpose: str,
    now: datetime,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a change of the buttons under a message already sent (the outbox sends it, under
    its retry rules); None when the dedupe key was queued before."""
    return await outbox_repo.add(
        session,
        message=OutboxMessage(
            chat_id=chat_id,
            kind=OutboxKind.EDIT_BUTTONS.value,
            text="",
            payload={"buttons": buttons_to_json(edit.buttons)},
            edit_message_id=edit.message_id,
            purpose=purpose,
            priority=outbox.priority_of(purpose).value,
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING.value,
            created_at=now,
            not_before=now,
            attempts=0,
        ),
    )


async def strip_stale_buttons(session: AsyncSession, *, now: datetime, limit: int) -> int:
    """Queue the removal of the buttons of alert messages that no longer apply (someone else
    took the case, or it is closed); returns how many edits were queued.

    Each alert message is dealt with once, and a message already left without buttons (as far
    as the outbox knows) is not edited again: an edit that changes nothing is never made.
    """
    stale = await repo.stale_messages(session, limit=limit)
    bare = await repo.buttons_removed(session, messages=[(m.chat_id, m.message_id) for m in stale])
    queued = 0
    for message in stale:
        if (message.chat_id, message.message_id) in bare:
            continue
        row = await queue_buttons_edit(
            session,
            chat_id=message.chat_id,
            edit=EditButtons(message.message_id),
            purpose="alert-buttons",
            now=now,
            dedupe_key=f"alert-buttons:{message.delivery_id}",
        )
        queued += row is not None
    await repo.forget_messages(session, delivery_ids=[m.delivery_id for m in stale])
    return queued
