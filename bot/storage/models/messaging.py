"""The outbox: every message the bot sends, interactive replies included, with a status."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedJSON, EncryptedText
from bot.storage.models.base import Base


class OutboxStatus(StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender: the one message of its chat in flight
    # 403: the person has not opened the bot yet (or blocked it); sent when she next writes
    WAITING = "waiting_for_start"
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot (bulk messages are not kept for later)
    FAILED = "failed"  # a permanent error: retrying the same request cannot help
    EXPIRED = "expired"  # transient errors for longer than the retry window


class OutboxKind(StrEnum):
    """What the row asks the Bot API to do."""

    SEND = "send"  # a new message
    EDIT_BUTTONS = "edit_buttons"  # replace the buttons under a message already sent
    EDIT_TEXT = "edit_text"  # replace a sent message's text and its buttons


class Priority(IntEnum):
    """Who waits for it: replies first, then people waiting on a person, then bulk."""

    REPLY = 0
    PERSON = 1  # alerts, relays, decisions about a client
    BULK = 2  # check-ins, digests, follow-ups, summaries


class OutboxMessage(Base):
    """A message to send; written in the same transaction as the event (or turn) that causes it.

    `payload` holds the channel-neutral message (buttons as label and action); the Telegram
    markup is rendered only when it is sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_not_before", "status", "not_before"),
        Index("ix_outbox_chat_status", "chat_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default=OutboxKind.SEND.value)
    # Encrypted at rest: replies, alerts and relayed messages name people and quote them.
    text: Mapped[str] = mapped_column(EncryptedText)
    payload: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(SmallInteger, default=Priority.PERSON.value)
    # Makes enqueueing idempotent: the same key is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(24), default=OutboxStatus.PENDING.value)
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    # Since when the message has been held: failing (the 24 h retry window) or waiting for the
    # person to open the bot (30 days). None while nothing holds it.
    held_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(200))
