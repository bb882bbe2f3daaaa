"""Queueing messages: every message the bot sends goes through the outbox.

A message is queued in the same transaction as the event (or the turn) that causes it, so an
event is never lost and never announced twice; the sender delivers it after the commit. Messages
are channel-neutral (`bot.chat.messages.Message`): buttons are labels and actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.messages import Buttons, EditButtons, Message, buttons_to_json, media_messages
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
    media: Sequence[tuple[str, str]] = (),
) -> OutboxMessage | None:
    """Queue a message (HTML). With a dedupe key, queueing the same key again does nothing.

    With `media` ((kind, file_id) pairs, e.g. `media.as_outbox_media(files)`) the files are
    shown by file id with the text as their caption (see `media_messages`); the first of the
    queued messages is returned.
    """
    if media:
        first: OutboxMessage | None = None
        for index, message in enumerate(media_messages(text, buttons, media)):
            queued = await enqueue_message(
                session,
                chat_id=chat_id,
                message=message,
                purpose=purpose,
                now=now,
                dedupe_key=f"{dedupe_key}:{index}" if dedupe_key and index else dedupe_key,
                not_before=not_before,
            )
            if queued is None:  # queued before, all of it
                return None
            first = first or queued
        return first
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


async def queue_replies(
    session: AsyncSession,
    *,
    chat_id: int,
    messages: Sequence[Message],
    edit: EditButtons | None,
    now: datetime,
    claimer: str | None,
) -> list[OutboxMessage]:
    """A turn's replies (the pressed message's new buttons first), in the turn's transaction.

    With a `claimer` the first is claimed by that process, which sends it right after the
    commit, and each of the others when the one before it is done (a claim covers the one
    message in flight); without one (the chat has messages waiting) they queue behind those.
    """
    common: dict[str, Any] = {
        "chat_id": chat_id,
        "purpose": "reply",
        "priority": Priority.REPLY.value,
        "created_at": now,
        "not_before": now,
    }
    unclaimed: dict[str, Any] = {"status": OutboxStatus.PENDING.value, "attempts": 0}
    rows = []
    if edit is not None:
        rows.append(
            OutboxMessage(
                kind=(OutboxKind.EDIT_BUTTONS if edit.text is None else OutboxKind.EDIT_TEXT).value,
                text=edit.text or "",
                payload={"buttons": buttons_to_json(edit.buttons)},
                edit_message_id=edit.message_id,
                **common,
                **unclaimed,
            )
        )
    rows += [
        OutboxMessage(
            kind=OutboxKind.SEND.value,
            text=m.text,
            payload=m.to_json() or None,
            **common,
            **unclaimed,
        )
        for m in messages
    ]
    if rows and claimer is not None:
        first = rows[0]
        first.status, first.attempts = OutboxStatus.SENDING.value, 1
        first.claimed_at, first.claimed_by = now, claimer
    if rows:
        await outbox.add_claimed(session, messages=rows)
    return rows
