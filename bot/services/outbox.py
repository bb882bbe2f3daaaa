"""Queueing messages the bot sends on its own initiative (check-ins, alerts, digests, relays).

A message is queued in the same transaction as the event that causes it, so an event is never
lost and never announced twice; the sender delivers it after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import outbox
from bot.storage.models import OutboxMessage, OutboxStatus

Buttons = Sequence[Sequence[tuple[str, str]]]


def inline_keyboard(rows: Buttons) -> dict[str, Any]:
    """Buttons as the Bot API's reply_markup JSON: rows of (label, callback data)."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    purpose: str,
    now: datetime,
    buttons: Buttons | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message (HTML). With a dedupe key, queueing the same key again does nothing."""
    return await outbox.add(
        session,
        message=OutboxMessage(
            chat_id=chat_id,
            text=text,
            markup=inline_keyboard(buttons) if buttons else None,
            purpose=purpose,
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING.value,
            created_at=now,
            not_before=not_before or now,
            attempts=0,
        ),
    )
