"""Casework: staff and their areas, check-ins, alerts, follow-ups and schedules."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedText
from bot.storage.models.base import Base


class Staff(Base):
    """A Dinsos staff member or partner officer; linked to Telegram when they redeem a code."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(EncryptedText)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime]
    # The command menu last set for her chat; NULL after any change, so a tick sets it again.
    command_menu: Mapped[str | None] = mapped_column(String(64), index=True)
    # A partner officer's agency: she sees only what was referred to it.
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )


class Upt(Base):
    """A technical unit (UPT) of Dinsos Jatim where clients were trained."""

    __tablename__ = "upts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)


class StaffArea(Base):
    """One kabupaten/kota or one UPT a staff member is responsible for."""

    __tablename__ = "staff_areas"
    __table_args__ = (UniqueConstraint("staff_id", "region_code", "upt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str | None] = mapped_column(String(4), index=True)
    upt_id: Mapped[int | None] = mapped_column(
        ForeignKey("upts.id", ondelete="CASCADE"), index=True
    )


class StaffInvitation(Base):
    """A one-time code that links a Telegram account to a staff record."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class CheckInStatus(StrEnum):
    """Where one check-in stands."""

    SENT = "sent"
    REMINDED = "reminded"
    ANSWERED = "answered"
    SNOOZED = "snoozed"  # "Nanti saja": asked again later
    MISSED = "missed"


class CheckIn(Base):
    """One periodic question to a client about her business."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_status_last_sent", "status", "last_sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # 0, 1, 2 … (the offsets, then the cadence)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]  # the question or its reminder, whichever came last
    resolved_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(16))


class AlertKind(StrEnum):
    """Why a caseworker is alerted."""

    BUSINESS_STOPPED = "business_stopped"
    INCOME_DROP = "income_drop"
    HEALTH = "health"
    CHECKIN_MISSED = "checkin_missed"
    AWAITING_VERIFICATION = "awaiting_verification"
    MARKETING_REQUEST = "marketing_request"
    PROGRAM_APPLICATION = "program_application"


class Alert(Base):
    """An event about a client that needs a caseworker; a claimed alert is an open case."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_unclaimed", "claimed_by_staff_id", "escalated_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # One event makes one alert, across restarts: e.g. "report:41:business_stopped".
    event_key: Mapped[str] = mapped_column(String(80), unique=True)
    detail: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    claimed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    claimed_at: Mapped[datetime | None]
    relay_started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_note: Mapped[str | None] = mapped_column(EncryptedText)
    escalated_at: Mapped[datetime | None]


class AlertDelivery(Base):
    """The alert message one staff member got (so it can be edited when someone claims it)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class FollowUpAction(StrEnum):
    """What a caseworker did about a client who needed a follow-up."""

    CONTACTED = "contacted"
    VISITED = "visited"
    UNREACHABLE = "unreachable"
    NO_ACTION = "no_action"


class FollowUpRequest(Base):
    """A client on a caseworker's weekly follow-up list, and what she recorded for it."""

    __tablename__ = "followup_requests"
    __table_args__ = (UniqueConstraint("staff_id", "client_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[str] = mapped_column(String(10))  # ISO date of the Monday, WIB
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    action: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]


class ClientEvent(Base):
    """The client's history beyond reports: follow-ups, verification, case notes."""

    __tablename__ = "client_events"
    __table_args__ = (Index("ix_client_events_client_at", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]


class JobSchedule(Base):
    """When a periodic staff job runs (administrators can change it), and when it last ran."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday; None = every day
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    last_run_for: Mapped[datetime | None]  # the scheduled moment last run, so it runs once
