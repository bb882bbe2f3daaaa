"""Repository: client records and their invitations."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Client, Invitation


async def get(session: AsyncSession, *, client_id: int) -> Client | None:
    """The client with this id."""
    return await session.get(Client, client_id)


async def get_by_nik(session: AsyncSession, *, nik: str) -> Client | None:
    """The client with this NIK."""
    result = await session.execute(select(Client).where(Client.nik == nik))
    return result.scalar_one_or_none()


async def add(session: AsyncSession, *, client: Client) -> Client:
    """Insert a new client record."""
    session.add(client)
    await session.flush()
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
