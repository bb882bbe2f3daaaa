"""Repository: what the data rights need — her records, erasures and their leftovers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Alert,
    AlertDelivery,
    BusinessReport,
    CheckIn,
    ClientEvent,
    Consent,
    Conversation,
    Erasure,
    InboxUpdate,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    Upt,
)

# Not sent yet, and not in flight: such rows can simply be dropped.
UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.WAITING.value)


async def reports(session: AsyncSession, *, client_id: int) -> list[BusinessReport]:
    """Every report of the client, oldest first."""
    result = await session.execute(
        select(BusinessReport)
        .where(BusinessReport.client_id == client_id)
        .order_by(BusinessReport.created_at, BusinessReport.id)
    )
    return list(result.scalars())


async def consents(session: AsyncSession, *, user_id: int) -> list[Consent]:
    """Every consent decision of the user, oldest first."""
    result = await session.execute(
        select(Consent).where(Consent.user_id == user_id).order_by(Consent.recorded_at, Consent.id)
    )
    return list(result.scalars())


async def upt_name(session: AsyncSession, *, upt_id: int | None) -> str | None:
    """The UPT's name, if any."""
    if upt_id is None:
        return None
    upt = await session.get(Upt, upt_id)
    return upt.name if upt else None


async def upts(session: AsyncSession) -> list[tuple[int, str]]:
    """Every UPT as (id, name), by name."""
    result = await session.execute(select(Upt.id, Upt.name).order_by(Upt.name))
    return [(row[0], row[1]) for row in result]


async def anonymise_records(session: AsyncSession, *, client_id: int) -> None:
    """Keep her reports and check-ins for statistics, without photos, notes or codes."""
    await session.execute(
        update(BusinessReport).where(BusinessReport.client_id == client_id).values(photos=[])
    )
    await session.execute(
        update(ClientEvent).where(ClientEvent.client_id == client_id).values(note=None)
    )
    await session.execute(update(Alert).where(Alert.client_id == client_id).values(close_note=None))
    await session.execute(delete(Invitation).where(Invitation.client_id == client_id))


async def close_open_alerts(session: AsyncSession, *, client_id: int, now: datetime) -> None:
    """Nothing is left to act on: her open alerts are closed (their buttons then go)."""
    await session.execute(
        update(Alert)
        .where(Alert.client_id == client_id, Alert.closed_at.is_(None))
        .values(closed_at=now)
    )


async def forget_consents(session: AsyncSession, *, user_id: int) -> None:
    """Her consent decisions go with her account."""
    await session.execute(delete(Consent).where(Consent.user_id == user_id))


async def add_erasure(
    session: AsyncSession, *, client_id: int | None, telegram_id: int, now: datetime
) -> Erasure:
    """Record a requested erasure."""
    erasure = Erasure(client_id=client_id, telegram_id=telegram_id, requested_at=now)
    session.add(erasure)
    await session.flush()
    return erasure


async def pending_erasures(
    session: AsyncSession, *, requested_before: datetime, limit: int
) -> list[Erasure]:
    """Erasures whose leftovers are still to be cleared (uses ix_erasures_pending)."""
    result = await session.execute(
        select(Erasure)
        .where(Erasure.completed_at.is_(None), Erasure.requested_at <= requested_before)
        .order_by(Erasure.requested_at, Erasure.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())


async def clear_chat(session: AsyncSession, *, telegram_id: int) -> None:
    """Her flow state, the messages to her and what she sent: gone."""
    await session.execute(delete(Conversation).where(Conversation.telegram_id == telegram_id))
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == telegram_id))
    await session.execute(
        update(InboxUpdate).where(InboxUpdate.chat_key == telegram_id).values(payload=None)
    )


async def clear_messages_about(
    session: AsyncSession, *, client_id: int | None, dedupe_prefix: str
) -> None:
    """Messages to staff that name her (her alerts, the erasure notice): unsent ones are
    dropped, sent ones keep only their bookkeeping."""
    ids: list[int] = []
    prefixes = [dedupe_prefix]
    if client_id is not None:
        result = await session.execute(
            select(AlertDelivery.outbox_id)
            .join(Alert, Alert.id == AlertDelivery.alert_id)
            .where(Alert.client_id == client_id, AlertDelivery.outbox_id.is_not(None))
        )
        ids += [row[0] for row in result]
        alerts = await session.execute(select(Alert.id).where(Alert.client_id == client_id))
        prefixes += [f"claimed:{alert_id}:" for (alert_id,) in alerts]  # "… ditangani oleh"
    for prefix in prefixes:
        result = await session.execute(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like(prefix + "%"))
        )
        ids += [row[0] for row in result]
    await _blank(session, ids)


async def _blank(session: AsyncSession, ids: Sequence[int]) -> None:
    if not ids:
        return
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(UNSENT))
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status.not_in(UNSENT))
        .values(text="", payload=None)
    )


async def drop_bulk_to(session: AsyncSession, *, telegram_id: int) -> None:
    """Unsent check-ins, digests and follow-ups to her chat (after withdrawal)."""
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.chat_id == telegram_id,
            OutboxMessage.status.in_(UNSENT),
            OutboxMessage.purpose.in_(("checkin", "digest", "followup", "summary")),
        )
    )


async def open_checkins(session: AsyncSession, *, client_id: int) -> list[CheckIn]:
    """Her unanswered check-ins."""
    result = await session.execute(
        select(CheckIn).where(
            CheckIn.client_id == client_id, CheckIn.status.in_(("sent", "reminded"))
        )
    )
    return list(result.scalars())


async def stale_drafts(
    session: AsyncSession,
    *,
    flows: Sequence[str],
    before: datetime,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Conversation]:
    """Flow states of these flows untouched since `before`, oldest first, past the cursor
    `after` (updated_at, telegram_id). ix_conversations_status_updated is on status first,
    so both statuses are named."""
    query = select(Conversation).where(
        Conversation.status.in_(("active", "paused")),
        Conversation.updated_at < before,
        Conversation.flow.in_(list(flows)),
    )
    if after is not None:
        query = query.where(
            tuple_(Conversation.updated_at, Conversation.telegram_id)
            > tuple_(literal(after[0]), literal(after[1]))
        )
    result = await session.execute(
        query.order_by(Conversation.updated_at, Conversation.telegram_id).limit(limit)
    )
    return list(result.scalars())


async def remove_conversation(session: AsyncSession, *, telegram_id: int, before: datetime) -> bool:
    """Delete a flow state if it is still untouched since `before` (a reply racing wins)."""
    result = await session.execute(
        delete(Conversation).where(
            Conversation.telegram_id == telegram_id, Conversation.updated_at < before
        )
    )
    return bool(getattr(result, "rowcount", 0))
