"""The durable state of multi-step flows (one per chat), and closing the idle ones.

Stored as JSON: `{"draft": {...}, "meta": {...}}`. The flow engine validates the draft against
the flow's typed model when it loads it (`conversations.engine.Flow.restore`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import conversations, users


@dataclass(frozen=True)
class StoredFlow:
    """A chat's flow as stored: which flow, which step, its JSON, and whether it is paused."""

    flow: str
    state: str
    data: dict[str, Any]
    paused: bool


@dataclass(frozen=True)
class ClosedFlow:
    """A flow that was closed for being idle, with what is needed to tell its user."""

    telegram_id: int
    flow: str
    language: str | None


async def load(session: AsyncSession, *, telegram_id: int) -> StoredFlow | None:
    """The chat's flow state, or None when it is in no flow."""
    row = await conversations.get(session, telegram_id=telegram_id)
    if row is None:
        return None
    return StoredFlow(row.flow, row.state, dict(row.data), row.status == conversations.PAUSED)


async def save(
    session: AsyncSession,
    *,
    telegram_id: int,
    flow: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Write the chat's flow state through to the database (marks it active)."""
    await conversations.save(
        session, telegram_id=telegram_id, flow=flow, state=state, data=data, now=now
    )


async def end(session: AsyncSession, *, telegram_id: int) -> None:
    """Forget the chat's flow state."""
    await conversations.remove(session, telegram_id=telegram_id)


async def pause_idle(
    session: AsyncSession, *, now: datetime, idle: timedelta, limit: int = 200
) -> list[ClosedFlow]:
    """Pause flows idle for longer than `idle`, keeping their drafts; return whom to tell."""
    cutoff = now - idle
    closed: list[ClosedFlow] = []
    for row in await conversations.idle_active(session, before=cutoff, limit=limit):
        if await conversations.pause_if_idle(session, telegram_id=row.telegram_id, before=cutoff):
            language = (row.data.get("meta") or {}).get("lang")
            if language is None:
                user = await users.get_by_telegram_id(session, telegram_id=row.telegram_id)
                language = user.language if user else None
            closed.append(ClosedFlow(row.telegram_id, row.flow, language))
    return closed
