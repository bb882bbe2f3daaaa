"""Repository: the outbox of messages to send."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.models import OutboxMessage, OutboxStatus

UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


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


async def add_claimed(session: AsyncSession, *, messages: Sequence[OutboxMessage]) -> None:
    """Queue a turn's replies, already claimed by the process that will send them at once."""
    session.add_all(messages)
    await session.flush()


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, stale_after: timedelta, claimer: str
) -> list[OutboxMessage]:
    """Claim due messages, at most one per chat and only each chat's oldest unsent one.

    SKIP LOCKED on PostgreSQL, so senders never collide. A message claimed longer than
    `stale_after` ago by a sender that died is claimed again.
    """
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_at < now - stale_after,
        )
        .values(status=OutboxStatus.PENDING.value, claimed_by=None)
    )
    older = aliased(OutboxMessage)
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.not_before <= now,
            ~exists().where(
                and_(
                    older.chat_id == OutboxMessage.chat_id,
                    older.id < OutboxMessage.id,
                    older.status.in_(UNSENT),
                )
            ),
        )
        .order_by(OutboxMessage.priority, OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    rows = list((await session.execute(query)).scalars())
    for row in rows:
        row.status = OutboxStatus.SENDING.value
        row.claimed_at = now
        row.claimed_by = claimer
        row.attempts += 1
    await session.flush()
    return rows


async def release_all_claims(session: AsyncSession) -> int:
    """Make every claimed message pending again (a single process starting up: they are its
    own, left by a crash)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING.value)
        .values(status=OutboxStatus.PENDING.value, claimed_by=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def get(session: AsyncSession, *, outbox_id: int) -> OutboxMessage | None:
    """One outbox row."""
    return await session.get(OutboxMessage, outbox_id)


async def mark_many(session: AsyncSession, *, changes: Iterable[dict[str, Any]]) -> None:
    """Record what happened to several messages (each dict has the row's `id`), in one go."""
    rows = list(changes)
    if rows:
        await session.execute(update(OutboxMessage), rows)


async def chats_waiting(session: AsyncSession) -> set[int]:
    """Chats with a message waiting to be sent (for a retry, or behind one)."""
    result = await session.execute(
        select(OutboxMessage.chat_id)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value)
        .distinct()
    )
    return set(result.scalars())
