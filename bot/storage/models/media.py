"""Partner agencies, and the photos and documents people send (kept in Berdaya's media folder).

A `MediaFile` belongs to one owner: a marketing request's photo or a program application's
document. The Telegram file id is stored at once (staff are shown the file by it); the file
itself is downloaded with getFile into `BERDAYA_MEDIA_DIR` by a background job, so a slow
download never holds up the person's turn.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.crypto import EncryptedText
from bot.storage.models.base import Base


class Agency(Base):
    """A partner agency (OPD, BUMN or CSR partner) that requests can be referred to."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class MediaOwner(StrEnum):
    """What a stored file belongs to."""

    MARKETING = "marketing"  # a marketing request's product photo
    APPLICATION = "application"  # a program application's document


class MediaKind(StrEnum):
    """How the file came and how it is shown again."""

    PHOTO = "photo"
    DOCUMENT = "document"


class MediaFile(Base):
    """One photo or document; `path` (relative to the media folder) once it is downloaded."""

    __tablename__ = "media_files"
    __table_args__ = (
        Index("ix_media_files_owner", "owner_kind", "owner_id"),
        Index("ix_media_files_pending", "stored_at", "attempts"),
        Index("ix_media_files_file_id", "file_id"),  # a refused file id's stored copy
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # What it answers, e.g. the name of the required document ("KTP", "Foto usaha").
    label: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(EncryptedText)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    path: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    stored_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The last failed download; with no `retry_at` the job has given up on the file.
    last_error: Mapped[str | None] = mapped_column(String(200))
    retry_at: Mapped[datetime | None]  # after a failure: when the job tries again
