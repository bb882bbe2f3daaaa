"""Repository: alerts, who got them, and the cases they become."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Alert,
    AlertDelivery,
    Client,
    ClientEvent,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    User,
)

# An edit in one of these states will not change (or has not changed) the message.
_EDIT_NOT_APPLIED = (
    OutboxStatus.FAILED.value,
    OutboxStatus.EXPIRED.value,
    OutboxStatus.BLOCKED.value,
)


@dataclass(frozen=True)
class AlertMessage:
    """An alert message as Telegram knows it, and the delivery it belongs to."""

    delivery_id: int
    chat_id: int
    message_id: int


async def by_event_key(session: AsyncSession, *, event_key: str) -> Alert | None:
    """The alert raised for this event, if any."""
    result = await session.execute(select(Alert).where(Alert.event_key == event_key))
    return result.scalar_one_or_none()


async def add(session: AsyncSession, *, alert: Alert) -> Alert:
    """Insert an alert."""
    session.add(alert)
    await session.flush()
    return alert


async def get(session: AsyncSession, *, alert_id: int, lock: bool = False) -> Alert | None:
    """One alert, locked when it is about to change."""
    query = select(Alert).where(Alert.id == alert_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def add_delivery(
    session: AsyncSession, *, alert_id: int, staff_id: int, outbox_id: int | None
) -> None:
    """Remember which message a staff member got for an alert (once per staff member)."""
    existing = await session.execute(
        select(AlertDelivery.id).where(
            AlertDelivery.alert_id == alert_id, AlertDelivery.staff_id == staff_id
        )
    )
    if existing.first() is None:
        session.add(AlertDelivery(alert_id=alert_id, staff_id=staff_id, outbox_id=outbox_id))
        await session.flush()


async def delivered_to(session: AsyncSession, *, alert_id: int) -> list[int]:
    """The staff ids who got this alert."""
    result = await session.execute(
        select(AlertDelivery.staff_id).where(AlertDelivery.alert_id == alert_id)
    )
    return list(result.scalars())


async def open_relay(session: AsyncSession, *, client_id: int) -> Alert | None:
    """The client's open case in which a caseworker has started writing to her, if any (it may
    have gone back to unclaimed since: its caseworker was deactivated)."""
    result = await session.execute(
        select(Alert)
        .where(
            Alert.client_id == client_id,
            Alert.closed_at.is_(None),
            Alert.relay_started_at.is_not(None),
        )
        .order_by(Alert.relay_started_at.desc(), Alert.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def claimed_by(session: AsyncSession, *, staff_id: int) -> list[tuple[Alert, Client]]:
    """The open cases this staff member has taken on (locked: they are about to change)."""
    result = await session.execute(
        select(Alert, Client)
        .join(Client, Client.id == Alert.client_id)
        .where(Alert.claimed_by_staff_id == staff_id, Alert.closed_at.is_(None))
        .order_by(Alert.id)
        .with_for_update(of=Alert)
    )
    return [(row[0], row[1]) for row in result]


async def unclaimed_since(
    session: AsyncSession, *, before: datetime, limit: int
) -> list[tuple[Alert, Client]]:
    """Open alerts nobody claimed since `before` and not yet escalated (ix_alerts_unclaimed)."""
    result = await session.execute(
        select(Alert, Client)
        .join(Client, Client.id == Alert.client_id)
        .outerjoin(User, User.id == Client.user_id)
        .where(
            Alert.claimed_by_staff_id.is_(None),
            Alert.escalated_at.is_(None),
            Alert.created_at <= before,
            Alert.closed_at.is_(None),
            or_(Client.user_id.is_(None), User.consent_active.is_(True)),  # not withdrawn
        )
        .order_by(Alert.created_at, Alert.id)
        .limit(limit)
        .with_for_update(of=Alert, skip_locked=True)
    )
    return [(row[0], row[1]) for row in result]


async def stale_messages(session: AsyncSession, *, limit: int) -> list[AlertMessage]:
    """Sent alert messages whose buttons no longer apply: the alert is closed, or claimed by
    someone else. (The claimer's own message keeps its 💬 Balas and ✅ Selesai until the case
    is closed.) Locked on PostgreSQL, so two runs never take the same ones."""
    result = await session.execute(
        select(AlertDelivery.id, OutboxMessage.chat_id, OutboxMessage.telegram_message_id)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .join(OutboxMessage, OutboxMessage.id == AlertDelivery.outbox_id)
        .where(
            OutboxMessage.telegram_message_id.is_not(None),
            or_(
                Alert.closed_at.is_not(None),
                and_(
                    Alert.claimed_by_staff_id.is_not(None),
                    Alert.claimed_by_staff_id != AlertDelivery.staff_id,
                ),
            ),
        )
        .order_by(AlertDelivery.id)
        .limit(limit)
        .with_for_update(of=AlertDelivery, skip_locked=True)
    )
    return [AlertMessage(row[0], row[1], row[2]) for row in result if row[2] is not None]


async def buttons_removed(
    session: AsyncSession, *, messages: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Of these (chat id, message id), the messages whose latest buttons edit in the outbox
    (sent, or on its way) leaves them without buttons: nothing is left to remove."""
    if not messages:
        return set()
    result = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.edit_message_id, OutboxMessage.payload)
        .where(
            OutboxMessage.kind == OutboxKind.EDIT_BUTTONS.value,
            OutboxMessage.chat_id.in_(sorted({chat for chat, _message in messages})),
            OutboxMessage.edit_message_id.in_(sorted({message for _chat, message in messages})),
            OutboxMessage.status.not_in(_EDIT_NOT_APPLIED),
        )
        .order_by(OutboxMessage.id)
    )
    latest: dict[tuple[int, int], bool] = {}
    for chat_id, message_id, payload in result:
        if message_id is not None:
            latest[(chat_id, message_id)] = bool((payload or {}).get("buttons"))
    return {key for key in messages if latest.get(key) is False}


async def forget_messages(session: AsyncSession, *, delivery_ids: Sequence[int]) -> None:
    """These alert messages were dealt with: no more edits to them."""
    if delivery_ids:
        await session.execute(
            update(AlertDelivery).where(AlertDelivery.id.in_(delivery_ids)).values(outbox_id=None)
        )


async def add_event(session: AsyncSession, *, event: ClientEvent) -> None:
    """Add an entry to the client's history."""
    session.add(event)
    await session.flush()
