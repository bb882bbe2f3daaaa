"""Repository: the outbox of messages to send."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import OutboxMessage, OutboxStatus

BULK_PURPOSES = ("checkin", "digest", "followup", "summary")


async def add(session: AsyncSession, *, message: OutboxMessage) -> OutboxMessage | None:
    """Queue a message; None when its dedupe key was queued before (idempotent)."""
    if message.dedupe_key is not None:
        existing = await session.execute(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == message.dedupe_key)
        )
        if existing.first() is not None:
            return None
    session.add(message)
    await session.flush()
    return message


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, stale_after: timedelta
) -> list[OutboxMessage]:
    """Claim pending messages that are due (SKIP LOCKED on PostgreSQL, so senders never collide).

    A message claimed longer than `stale_after` ago by a sender that died is claimed again.
    """
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at < now - stale_after,
        )
        .values(status=OutboxStatus.PENDING.value)
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.not_before <= now,
        )
        # People waiting on a person (alerts, relays) go before scheduled bulk (check-ins).
        .order_by(
            case((OutboxMessage.purpose.in_(BULK_PURPOSES), 1), else_=0),
            OutboxMessage.not_before,
            OutboxMessage.id,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.execute(query)).scalars())
    for row in rows:
        row.status = OutboxStatus.SENDING.value
        row.claimed_at = now
        row.attempts += 1
    await session.flush()
    return rows


async def get(session: AsyncSession, *, outbox_id: int) -> OutboxMessage | None:
    """One outbox row."""
    return await session.get(OutboxMessage, outbox_id)


async def mark(session: AsyncSession, *, outbox_id: int, **values: Any) -> None:
    """Record what happened to a message."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values)
    )


async def by_status(session: AsyncSession, *, status: OutboxStatus) -> list[OutboxMessage]:
    """All messages in one status (tests and the operator's view)."""
    result = await session.execute(
        select(OutboxMessage).where(OutboxMessage.status == status.value).order_by(OutboxMessage.id)
    )
    return list(result.scalars())
