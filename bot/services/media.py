"""Photos and documents people send: kept by Telegram file id at once, downloaded later.

`attach` is called in the turn that confirms a request or an application; the download into
`BERDAYA_MEDIA_DIR` happens in a background job (a slow or failing getFile never holds up a
person's turn). Staff are shown a file again by its file id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import media as repo
from bot.storage.models import MediaFile, MediaKind, MediaOwner


@dataclass(frozen=True)
class FileRef:
    """A file as it came in a message."""

    file_id: str
    kind: MediaKind = MediaKind.PHOTO
    file_name: str | None = None
    mime_type: str | None = None
    label: str | None = None  # what it answers, e.g. the required document's name


async def attach(
    session: AsyncSession,
    *,
    owner: MediaOwner,
    owner_id: int,
    files: Sequence[FileRef],
    now: datetime,
) -> list[MediaFile]:
    """Record the files of a request or an application, in order; the job downloads them."""
    rows = [
        MediaFile(
            owner_kind=owner.value,
            owner_id=owner_id,
            position=position,
            label=ref.label,
            kind=ref.kind.value,
            file_id=ref.file_id[:255],
            file_name=ref.file_name,
            mime_type=ref.mime_type,
            created_at=now,
            attempts=0,
        )
        for position, ref in enumerate(files)
    ]
    return await repo.add_all(session, files=rows)


async def files_of(session: AsyncSession, *, owner: MediaOwner, owner_id: int) -> list[MediaFile]:
    """The files of one request or application, in the order they were sent."""
    return await repo.of_owner(session, owner_kind=owner.value, owner_id=owner_id)
