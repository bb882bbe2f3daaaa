"""Repository: stored photos and documents (media_files)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
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
