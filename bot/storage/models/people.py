"""People and what they report: users, consent, clients, invitations, reports, flow state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.vocabulary import ClientStatus
from bot.storage.crypto import EncryptedJSON, EncryptedText, keep_lookup_hash
from bot.storage.models.base import Base


class User(Base):
    """A Telegram account that has given consent."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime]
    # Denormalised from `consents`, so schedulers can filter with one indexed query.
    consent_active: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]  # /berhenti: no check-ins until /mulai
    blocked_at: Mapped[datetime | None]  # the person blocked the bot

    client: Mapped[Client | None] = relationship(back_populates="user")


class Consent(Base):
    """One consent decision, with the version of the notice the user saw."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    notice_version: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool]
    recorded_at: Mapped[datetime]


class Client(Base):
    """A former client (eks klien) of a UPT or a Dinsos program."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    # Encrypted at rest (bot/storage/crypto.py); the NIK is looked up by its keyed hash.
    full_name: Mapped[str] = mapped_column(EncryptedText)
    nik: Mapped[str | None] = mapped_column(EncryptedText)
    nik_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    region_code: Mapped[str] = mapped_column(String(4), index=True)
    ppks_category: Mapped[int | None] = mapped_column(Integer)
    training: Mapped[str | None] = mapped_column(EncryptedText)  # typed by her: may say anything
    business_type: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default=ClientStatus.PENDING.value)
    origin: Mapped[str] = mapped_column(String(16))
    training_ended_on: Mapped[date | None] = mapped_column(Date)
    upt_id: Mapped[int | None] = mapped_column(ForeignKey("upts.id", ondelete="SET NULL"))
    # The next check-in's due time; NULL while one is open. The scheduler's only index.
    next_checkin_at: Mapped[datetime | None] = mapped_column(index=True)
    checkin_sequence: Mapped[int] = mapped_column(Integer, default=0)
    checkin_cadence_days: Mapped[int] = mapped_column(Integer, default=30)
    rejection_reason: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(back_populates="client")


keep_lookup_hash(Client, "nik", "nik_hash", purpose="nik")


class Invitation(Base):
    """A one-time, expiring code that links a Telegram account to a client record."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # Only a keyed hash is kept (HMAC): a leaked database must not leak usable codes.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class BusinessReport(Base):
    """One business report filed by a client."""

    __tablename__ = "business_reports"
    __table_args__ = (Index("ix_business_reports_client_created", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    business_status: Mapped[str] = mapped_column(String(16))
    monthly_income: Mapped[int] = mapped_column(BigInteger)
    employees: Mapped[int] = mapped_column(Integer)
    obstacles: Mapped[str] = mapped_column(
        String(200), default=""
    )  # comma-separated Obstacle values
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)  # Telegram file ids
    created_at: Mapped[datetime]


class Conversation(Base):
    """Where a chat stands in a multi-step flow; written at every step, so restarts lose nothing."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_status_updated", "status", "updated_at"),)

    # The Telegram user id: the flow may start before any `users` row exists (before consent).
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # drafts: NIKs…
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | paused
    updated_at: Mapped[datetime]
