"""Repository: the outbox of messages to send."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.models import OutboxMessage, OutboxStatus, Priority, ProcessRow

# A chat's message in one of these states holds back the ones queued after it.
UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value, OutboxStatus.WAITING.value)
# A process whose heartbeat is older than this is dead (as bot.storage.processes.ALIVE_FOR).
DEAD_AFTER = timedelta(seconds=6)


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


async def release_dead_claims(
    session: AsyncSession, *, now: datetime, wall_now: datetime, stale_after: timedelta
) -> int:
    """Make pending again each message whose claim has lapsed (a claim is one message in flight).

    A claim lapses as soon as its claimer's heartbeat in `processes` is stale (`wall_now`, the
    machines' clock, as heartbeats are written), and in any case once it is older than
    `stale_after` (`now`, the outbox's clock): longer than one send may take, so a claim that
    old was left by a claimer without heartbeats, or by a write that failed after the send.
    """
    dead = select(ProcessRow.id).where(ProcessRow.heartbeat_at <= wall_now - DEAD_AFTER)
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            or_(
                OutboxMessage.claimed_by.in_(dead),
                OutboxMessage.claimed_at < now - stale_after,
            ),
        )
        .values(status=OutboxStatus.PENDING.value, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int,
    claimer: str,
    chat_id: int | None = None,
) -> list[OutboxMessage]:
    """Claim due messages: only each chat's oldest unsent one, so one per chat (or the next one
    of `chat_id`). Each claim covers that one message, sent at once.

    SKIP LOCKED on PostgreSQL, so senders never collide.
    """
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
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
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


async def hold_chat(session: AsyncSession, *, chat_id: int, now: datetime) -> None:
    """The person has not opened the bot (or blocked it): her pending messages wait for her,
    except bulk ones (a month-old check-in or digest is no use), which are dropped."""
    pending = (OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING.value)
    bulk = OutboxMessage.priority >= Priority.BULK.value
    await session.execute(
        update(OutboxMessage)
        .where(*pending, bulk)
        .values(status=OutboxStatus.BLOCKED.value, last_error="forbidden")
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(OutboxMessage)
        .where(*pending, ~bulk)
        .values(status=OutboxStatus.WAITING.value, held_since=now, claimed_by=None)
        .execution_options(synchronize_session=False)
    )


async def wake_chat(session: AsyncSession, *, chat_id: int) -> int:
    """The person wrote to the bot: what waited for her is due again (in its order)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.status == OutboxStatus.WAITING.value,
        )
        .values(status=OutboxStatus.PENDING.value, held_since=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def expire_waiting(session: AsyncSession, *, before: datetime) -> int:
    """Messages that waited since before `before` for a person who never came: expired."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.WAITING.value,
            OutboxMessage.held_since < before,
        )
        .values(status=OutboxStatus.EXPIRED.value, last_error="waited for the person too long")
        .execution_options(synchronize_session=False)
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


async def chats_waiting(session: AsyncSession) -> tuple[set[int], set[int]]:
    """Chats with a message waiting to be sent (for a retry, or behind one), and chats with
    messages waiting for the person to open the bot."""
    result = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.status)
        .where(OutboxMessage.status.in_((OutboxStatus.PENDING.value, OutboxStatus.WAITING.value)))
        .distinct()
    )
    pending: set[int] = set()
    waiting: set[int] = set()
    for chat_id, status in result:
        (waiting if status == OutboxStatus.WAITING.value else pending).add(chat_id)
    return pending, waiting
