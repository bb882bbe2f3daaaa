"""Marketing help (/pemasaran): requests, what happened to them, and referrals to partners.

The product's photos are `media_files` rows owned by the request (MediaOwner.MARKETING).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedText
from bot.storage.models.base import Base


class MarketingRequest(Base):
    """A client's request for help selling what she makes."""

    __tablename__ = "marketing_requests"
    __table_args__ = (Index("ix_marketing_requests_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(EncryptedText)
    description: Mapped[str] = mapped_column(EncryptedText)
    price_low: Mapped[int] = mapped_column(Integer)
    price_high: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)  # pieces a month
    help_wanted: Mapped[str] = mapped_column(String(200))  # HelpWanted values, comma-separated
    other_help: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The last time staff wrote or acted on it (NULL: nobody has answered yet).
    answered_at: Mapped[datetime | None]


class RequestEvent(Base):
    """One change of a request, with the words the client was told (her /status shows the last)."""

    __tablename__ = "marketing_request_events"
    __table_args__ = (Index("ix_marketing_request_events_request", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("marketing_requests.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))  # e.g. "claimed", "progress", "declined"
    status: Mapped[str] = mapped_column(String(16))  # the request's status after the event
    note: Mapped[str | None] = mapped_column(EncryptedText)  # staff's words to the client
    created_at: Mapped[datetime]


class ReferralStatus(StrEnum):
    """Where a referral stands."""

    AWAITING_CONSENT = "awaiting_consent"  # the client has not answered yet
    SENT = "sent"  # with the agency's officers
    ACCEPTED = "accepted"
    CLOSED = "closed"


class Referral(Base):
    """A request referred to a partner agency; its officers see only what is shared."""

    __tablename__ = "marketing_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("marketing_requests.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    referred_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20))
    share_name: Mapped[bool | None]  # her answer; None until she answers
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    accepted_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(EncryptedText)
