"""Data rights: erasures a person asked for, finished by the retention job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class Erasure(Base):
    """One /hapus: the personal fields are erased at once; `completed_at` is set when the
    retention job has also cleared what remained (drafts, queued messages, the inbox). The row
    itself keeps only dates, so that the erasure can be shown to have been done."""

    __tablename__ = "erasures"
    __table_args__ = (Index("ix_erasures_pending", "completed_at", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    # Her chat, until the leftovers are gone; then NULL.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    requested_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
