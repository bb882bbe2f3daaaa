"""The inbox of incoming updates, the running processes and the leader lease.

An update is written here before Telegram is told it arrived (the next getUpdates offset, or
the webhook's HTTP 200); workers in every process take them chat by chat.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedText
from bot.storage.models.base import Base


class InboxStatus(StrEnum):
    """Where an incoming update stands."""

    PENDING = "pending"
    DONE = "done"  # handled; the payload is gone, the id stays a while against redelivery
    POISON = "poison"  # failed three times: set aside, the chat goes on without it
    DROPPED = "dropped"  # over the chat's backlog cap


class InboxUpdate(Base):
    """One update from Telegram, as it came (the payload is cleared once it is handled)."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_chat_status", "chat_key", "status"),
        Index("ix_inbox_status_chat", "status", "chat_key"),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The person (or chat) whose updates must run one by one, in order.
    chat_key: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str | None] = mapped_column(EncryptedText)  # what she typed: encrypted
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.PENDING.value)
    # An album's photos arrive as separate updates that share this id.
    media_group: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class InboxChat(Base):
    """Per chat: who is working on it, when it was last served (round robin), its backlog."""

    __tablename__ = "inbox_chats"
    __table_args__ = (Index("ix_inbox_chats_served_at", "served_at"),)

    chat_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    served_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(36))
    # After a failed attempt the chat waits until then (its later updates wait behind it).
    not_before: Mapped[datetime | None]
    # Updates dropped over the backlog cap; whether "pelan-pelan ya" was said for this backlog.
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    slowed: Mapped[bool] = mapped_column(default=False)


class ProcessRow(Base):
    """A running Berdaya process; alive while its heartbeat is fresh."""

    __tablename__ = "processes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    host: Mapped[str] = mapped_column(String(120))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class Lease(Base):
    """A named lease (the leader's): held by one process until it lapses."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(36))
    expires_at: Mapped[datetime]
