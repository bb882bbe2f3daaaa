"""The outbox: every message the bot sends on its own initiative, with a status."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class OutboxStatus(StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    FAILED = "failed"  # a permanent error, or too many attempts


class OutboxMessage(Base):
    """A message to send; written in the same transaction as the event that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_not_before", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    markup: Mapped[dict[str, Any] | None]
    purpose: Mapped[str] = mapped_column(String(32))
    # Makes enqueueing idempotent: the same key is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(200))
