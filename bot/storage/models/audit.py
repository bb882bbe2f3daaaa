"""The audit log: which staff member did what, to whom, and when.

A row names people by id only (the staff member, the client, the application …) and its
`detail` holds codes, never free text a person typed: the log itself holds no personal data,
and names are looked up when an administrator reads it (`/audit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class AuditEvent(Base):
    """One staff action (`bot.services.audit.AuditAction`)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # The staff member (staff.id; no foreign key: staff are deactivated, never deleted); None
    # for the command line on the server.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    subject_kind: Mapped[str | None] = mapped_column(String(16))  # client, staff, application …
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
