"""Queueing messages: every message the bot sends goes through the outbox.

A message is queued in the same transaction as the event (or the turn) that causes it, so an
event is never lost and never announced twice; the sender delivers it after the commit. Messages
are channel-neutral (`bot.chat.messages.Message`): buttons are labels and actions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.messages import Buttons, Message
from bot.storage import outbox
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus, Priority

BULK_PURPOSES = frozenset({"checkin", "digest", "followup", "summary"})


def priority_of(purpose: str) -> Priority:
    """Bulk messages wait behind everything a person is waiting for."""
    if purpose == "reply":
        return Priority.REPLY
    return Priority.BULK if purpose in BULK_PURPOSES else Priority.PERSON


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    purpose: str,
    now: datetime,
    buttons: Buttons = (),
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message (HTML). With a dedupe key, queueing the same key again does nothing."""
    return await enqueue_message(
        session,
        chat_id=chat_id,
        message=Message(text, buttons),
        purpose=purpose,
        now=now,
        dedupe_key=dedupe_key,
        not_before=not_before,
    )


async def enqueue_message(
    session: AsyncSession,
    *,
    chat_id: int,
    message: Message,
    purpose: str,
    now: datetime,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue a neutral message; None when its dedupe key was queued before."""
    return await outbox.add(
        session,
        message=OutboxMessage(
            chat_id=chat_id,
            kind=OutboxKind.SEND.value,
            text=message.text,
            payload=message.to_json() or None,
            purpose=purpose,
            priority=priority_of(purpose).value,
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING.value,
            created_at=now,
            not_before=not_before or now,
            attempts=0,
        ),
    )
