"""Programs clients may apply for (UEP/KUBE, microcredit, NIB, halal certification, …) and
their applications.

A program's definition (who may apply, its eligibility questions, its required documents) is
kept as JSON on the program row: administrators change it as one unit, and it is not personal
data. An application's answers are hers, and encrypted at rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedJSON, EncryptedText
from bot.storage.models.base import Base


class Program(Base):
    """A program: what it is, who may apply, what she is asked and must send, quota, deadline."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Who may apply: empty lists mean "anyone" for that criterion.
    ppks_categories: Mapped[list[int]] = mapped_column(JSON, default=list)
    region_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    business_statuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"text", "kind", "options", "qualifying", "minimum", "maximum"}] (services/programs.py)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"name", "kind"}]: kind "photo" or "pdf"
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    quota: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    deadline: Mapped[datetime | None]
    is_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProgramApplication(Base):
    """One client's application to one program (she may apply once)."""

    __tablename__ = "program_applications"
    __table_args__ = (
        UniqueConstraint("program_id", "client_id"),
        Index("ix_program_applications_program_status", "program_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    # [{"question", "answer"}]: her answers, with the question as she saw it.
    answers: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON, default=list)
    reason: Mapped[str | None] = mapped_column(EncryptedText)  # why it was not accepted
    reviewer_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    # What staff last told her about it (the reason, or a note with the decision).
    last_staff_message: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]  # the first staff action on it
