"""Repository: client records and their invitations."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.crypto import lookup_hash
from bot.storage.models import Client, Invitation


async def get(session: AsyncSession, *, client_id: int) -> Client | None:
    """The client with this id."""
    return await session.get(Client, client_id)


async def get_by_nik(session: AsyncSession, *, nik: str) -> Client | None:
    """The client with this NIK (found by its keyed hash: the NIK itself is encrypted)."""
    result = await session.execute(
        select(Client).where(Client.nik_hash == lookup_hash(session, "nik", nik))
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, *, client: Client) -> Client:
    """Insert a new client record."""
    session.add(client)
    await session.flush()
    return client


async def add_unless_nik_taken(session: AsyncSession, *, client: Client) -> Client | None:
    """Insert a new client record; None when another one took the NIK meanwhile (two people
    registering the same NIK at once: the unique index on `nik_hash` decides, and only this
    insert is undone, in a savepoint, so the caller's transaction goes on)."""
    try:
        async with session.begin_nested():
            session.add(client)
            await session.flush()
    except IntegrityError as error:
        if "nik_hash" not in str(error.orig):
            raise
        return None
    return client


async def add_invitation(session: AsyncSession, *, invitation: Invitation) -> Invitation:
    """Insert a new invitation."""
    session.add(invitation)
    await session.flush()
    return invitation


async def invitation_by_hash(
    session: AsyncSession, *, code_hash: str, for_update: bool = False
) -> Invitation | None:
    """The invitation whose code hashes to `code_hash`, locked when it is about to be used."""
    query = select(Invitation).where(Invitation.code_hash == code_hash)
    if for_update:
        query = query.with_for_update()
    result = await session.execute(query)
    return result.scalar_one_or_none()


def in_areas(region_codes: Collection[str], upt_ids: Collection[int]) -> ColumnElement[bool]:
    """SQL condition: the client lives in one of these regions or trained at one of these UPTs."""
    conditions: list[ColumnElement[bool]] = []
    if region_codes:
        conditions.append(Client.region_code.in_(sorted(region_codes)))
    if upt_ids:
        conditions.append(Client.upt_id.in_(sorted(upt_ids)))
    return or_(*conditions) if conditions else false()
