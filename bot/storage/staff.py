"""Repository: staff members and their areas."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Staff, StaffArea, StaffRole


async def get(session: AsyncSession, *, staff_id: int) -> Staff | None:
    """The staff member with this id."""
    return await session.get(Staff, staff_id)


async def get_by_telegram_id(session: AsyncSession, *, telegram_id: int) -> Staff | None:
    """The staff member linked to this Telegram account."""
    result = await session.execute(select(Staff).where(Staff.telegram_id == telegram_id))
    return result.scalar_one_or_none()


async def areas(session: AsyncSession, *, staff_id: int) -> list[StaffArea]:
    """The kabupaten/kota and UPTs a staff member covers."""
    result = await session.execute(select(StaffArea).where(StaffArea.staff_id == staff_id))
    return list(result.scalars())


async def replace_areas(
    session: AsyncSession, *, staff_id: int, region_codes: Iterable[str], upt_ids: Iterable[int]
) -> None:
    """Set a staff member's areas to exactly these."""
    for area in await areas(session, staff_id=staff_id):
        await session.delete(area)
    await session.flush()
    for code in sorted(set(region_codes)):
        session.add(StaffArea(staff_id=staff_id, region_code=code))
    for upt_id in sorted(set(upt_ids)):
        session.add(StaffArea(staff_id=staff_id, upt_id=upt_id))
    await session.flush()


async def caseworkers_covering(
    session: AsyncSession, *, region_code: str, upt_id: int | None
) -> list[Staff]:
    """Active caseworkers responsible for a client in this region or UPT."""
    condition = StaffArea.region_code == region_code
    if upt_id is not None:
        condition = or_(condition, StaffArea.upt_id == upt_id)
    result = await session.execute(
        select(Staff)
        .join(StaffArea, StaffArea.staff_id == Staff.id)
        .where(
            condition,
            Staff.active.is_(True),
            Staff.role == StaffRole.CASEWORKER.value,
            Staff.telegram_id.is_not(None),
        )
        .distinct()
        .order_by(Staff.id)
    )
    return list(result.scalars())


async def with_role(session: AsyncSession, *, role: StaffRole) -> list[Staff]:
    """Active, linked staff members with this role."""
    result = await session.execute(
        select(Staff)
        .where(Staff.role == role.value, Staff.active.is_(True), Staff.telegram_id.is_not(None))
        .order_by(Staff.id)
    )
    return list(result.scalars())


async def add(session: AsyncSession, *, staff: Staff) -> Staff:
    """Insert a staff member."""
    session.add(staff)
    await session.flush()
    return staff


async def all_staff(session: AsyncSession) -> list[Staff]:
    """Every staff record, active or not, by role and name (sorted here: names are encrypted)."""
    result = await session.execute(select(Staff))
    return sorted(result.scalars(), key=lambda s: (s.role, s.full_name, s.id))


async def with_unset_menu(session: AsyncSession, *, limit: int) -> list[Staff]:
    """Staff with a Telegram chat whose command menu is not set (indexed: command_menu)."""
    result = await session.execute(
        select(Staff)
        .where(Staff.command_menu.is_(None), Staff.telegram_id.is_not(None))
        .order_by(Staff.id)
        .limit(limit)
    )
    return list(result.scalars())
