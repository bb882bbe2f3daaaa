"""Repository: the durable state of multi-step flows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation

ACTIVE = "active"
PAUSED = "paused"


async def get(session: AsyncSession, *, telegram_id: int) -> Conversation | None:
    """The chat's flow state, active or paused."""
    return await session.get(Conversation, telegram_id)


async def save(
    session: AsyncSession,
    *,
    telegram_id: int,
    flow: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Create or replace the chat's active flow state."""
    row = await session.get(Conversation, telegram_id)
    if row is None:
        row = Conversation(telegram_id=telegram_id)
        session.add(row)
    row.flow, row.state, row.status, row.updated_at = flow, state, ACTIVE, now
    row.data = dict(data)  # a new dict, so SQLAlchemy sees the JSON change
    await session.flush()


async def remove(session: AsyncSession, *, telegram_id: int) -> None:
    """Forget the chat's flow state."""
    await session.execute(delete(Conversation).where(Conversation.telegram_id == telegram_id))


async def idle_active(session: AsyncSession, *, before: datetime, limit: int) -> list[Conversation]:
    """Active flows untouched since `before` (oldest first)."""
    result = await session.execute(
        select(Conversation)
        .where(Conversation.status == ACTIVE, Conversation.updated_at < before)
        .order_by(Conversation.updated_at)
        .limit(limit)
    )
    return list(result.scalars())


async def pause_if_idle(session: AsyncSession, *, telegram_id: int, before: datetime) -> bool:
    """Pause the flow only if it is still idle, so a reply racing the tick wins."""
    result = await session.execute(
        update(Conversation)
        .where(
            Conversation.telegram_id == telegram_id,
            Conversation.status == ACTIVE,
            Conversation.updated_at < before,
        )
        .values(status=PAUSED)
    )
    return bool(getattr(result, "rowcount", 0))
