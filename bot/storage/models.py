"""The database tables, as SQLAlchemy 2 typed models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite drops the offset; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model; carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class ClientStatus(StrEnum):
    """Where a client record stands with Dinsos."""

    PENDING = "pending"  # self-registered, waiting for a caseworker
    VERIFIED = "verified"
    REJECTED = "rejected"


class ClientOrigin(StrEnum):
    """How the record came to be."""

    SELF = "self"
    INVITED = "invited"


class BusinessStatus(StrEnum):
    """How the business is doing, as the client reports it."""

    RUNNING = "running"
    DECLINING = "declining"
    PAUSED = "paused"
    CLOSED = "closed"


class Obstacle(StrEnum):
    """The main obstacles a client can name in a report."""

    CAPITAL = "capital"
    MARKETING = "marketing"
    MATERIALS = "materials"
    EQUIPMENT = "equipment"
    HEALTH = "health"
    OTHER = "other"


class User(Base):
    """A Telegram account that has given consent."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime]

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
    full_name: Mapped[str] = mapped_column(String(120))
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)
    region_code: Mapped[str] = mapped_column(String(4), index=True)
    ppks_category: Mapped[int | None] = mapped_column(Integer)
    training: Mapped[str | None] = mapped_column(String(200))
    business_type: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default=ClientStatus.PENDING.value)
    origin: Mapped[str] = mapped_column(String(16))
    training_ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(back_populates="client")


class Invitation(Base):
    """A one-time, expiring code that links a Telegram account to a client record."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # Only a hash is kept: a leaked database must not leak usable codes.
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
    photo_file_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Conversation(Base):
    """Where a chat stands in a multi-step flow; written at every step, so restarts lose nothing."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_status_updated", "status", "updated_at"),)

    # The Telegram user id: the flow may start before any `users` row exists (before consent).
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | paused
    updated_at: Mapped[datetime]
