"""Repository: stored photos and documents (media_files)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy import update as _update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import MediaFile


async def add_all(session: AsyncSession, *, files: Sequence[MediaFile]) -> list[MediaFile]:
    """Store the rows (ids assigned)."""
    session.add_all(files)
    await session.flush()
    return list(files)


async def of_owner(session: AsyncSession, *, owner_kind: str, owner_id: int) -> list[MediaFile]:
    """An owner's files, in the order they were sent."""
    rows = await session.scalars(
        select(MediaFile)
        .where(MediaFile.owner_kind == owner_kind, MediaFile.owner_id == owner_id)
        .order_by(MediaFile.position, MediaFile.id)
    )
    return list(rows)


async def stored_with_file_ids(
    session: AsyncSession, *, file_ids: Sequence[str]
) -> dict[str, MediaFile]:
    """The downloaded files behind these file ids (one each; any owner: it is the same file)."""
    rows = await session.scalars(
        select(MediaFile)
        .where(MediaFile.file_id.in_(set(file_ids)), MediaFile.path.is_not(None))
        .order_by(MediaFile.id)
    )
    return {row.file_id: row for row in rows}


async def due(session: AsyncSession, *, now: datetime, limit: int) -> list[MediaFile]:
    """Files not downloaded yet, never tried or due to be tried again, oldest first."""
    rows = await session.scalars(
        select(MediaFile)
        .where(
            MediaFile.stored_at.is_(None),
            or_(MediaFile.last_error.is_(None), MediaFile.retry_at <= now),
        )
        .order_by(MediaFile.id)
        .limit(limit)
    )
    return list(rows)


async def update(session: AsyncSession, *, media_id: int, values: dict[str, Any]) -> bool:
    """Change one file's row; False when it is gone (erased meanwhile)."""
    result = await session.execute(
        _update(MediaFile).where(MediaFile.id == media_id).values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


async def delete_of_owners(
    session: AsyncSession, *, owner_kind: str, owner_ids: Sequence[int]
) -> list[str]:
    """Delete the owners' rows; the paths of the files that had been downloaded."""
    if not owner_ids:
        return []
    where = (MediaFile.owner_kind == owner_kind, MediaFile.owner_id.in_(owner_ids))
    paths = await session.scalars(select(MediaFile.path).where(*where, MediaFile.path.is_not(None)))
    found = [p for p in paths if p is not None]
    await session.execute(delete(MediaFile).where(*where))
    return found
