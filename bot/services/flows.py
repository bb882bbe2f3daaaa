"""The durable state of multi-step flows (one per chat), and closing the idle ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import conversations, users


@dataclass
class FlowState:
    """Where a chat stands: which flow, which step, and the draft so far."""

    flow: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    paused: bool = False


@dataclass(frozen=True)
class ClosedFlow:
    """A flow that was closed for being idle, with what is needed to tell its user."""

    telegram_id: int
    flow: str
    language: str | None


async def load(session: AsyncSession, *, telegram_id: int) -> FlowState | None:
    """The chat's flow state, or None when it is in no flow."""
    row = await conversations.get(session, telegram_id=telegram_id)
    if row is None:
        return None
    return FlowState(
        flow=row.flow,
        state=row.state,
        data=dict(row.data),
        paused=row.status == conversations.PAUSED,
    )


async def save(session: AsyncSession, *, telegram_id: int, state: FlowState, now: datetime) -> None:
    """Write the chat's flow state through to the database (marks it active)."""
    await conversations.save(
        session,
        telegram_id=telegram_id,
        flow=state.flow,
        state=state.state,
        data=state.data,
        now=now,
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
            language = row.data.get("lang")
            if language is None:
                user = await users.get_by_telegram_id(session, telegram_id=row.telegram_id)
                language = user.language if user else None
            closed.append(ClosedFlow(row.telegram_id, row.flow, language))
    return closed
