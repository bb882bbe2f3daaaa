"""Staff members, their roles and areas, and who is responsible for which client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import staff as staff_repo
from bot.storage.models import Client, Staff, StaffRole


@dataclass(frozen=True)
class StaffProfile:
    """A staff member as handlers and services see them."""

    id: int
    telegram_id: int | None
    full_name: str
    role: StaffRole
    language: str
    region_codes: frozenset[str]
    upt_ids: frozenset[int]
    active: bool = True
    command_menu: str | None = None  # the command menu last set for her chat

    @property
    def is_admin(self) -> bool:
        """Administrators see and manage everything."""
        return self.role is StaffRole.ADMIN

    def covers(self, *, region_code: str, upt_id: int | None) -> bool:
        """True when a client in this region or UPT is this staff member's responsibility."""
        if self.is_admin:
            return True
        if self.role is not StaffRole.CASEWORKER:
            return False
        return region_code in self.region_codes or (upt_id is not None and upt_id in self.upt_ids)

    def covers_client(self, client: Client) -> bool:
        """True when this client is this staff member's responsibility."""
        return self.covers(region_code=client.region_code, upt_id=client.upt_id)


async def profile_of(session: AsyncSession, staff: Staff) -> StaffProfile:
    """Load a staff member's areas into a profile."""
    areas = await staff_repo.areas(session, staff_id=staff.id)
    return StaffProfile(
        id=staff.id,
        telegram_id=staff.telegram_id,
        full_name=staff.full_name,
        role=StaffRole(staff.role),
        language=staff.language,
        region_codes=frozenset(a.region_code for a in areas if a.region_code),
        upt_ids=frozenset(a.upt_id for a in areas if a.upt_id is not None),
        active=staff.active,
        command_menu=staff.command_menu,
    )


async def find_staff(
    session: AsyncSession, *, telegram_id: int, include_inactive: bool = False
) -> StaffProfile | None:
    """The active staff member behind a Telegram account (or an inactive one, if asked), or None."""
    staff = await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
    if staff is None or not (staff.active or include_inactive):
        return None
    return await profile_of(session, staff)


async def record_command_menu(session: AsyncSession, *, staff_id: int, menu: str) -> None:
    """Remember which command menu her chat now shows."""
    member = await staff_repo.get(session, staff_id=staff_id)
    if member is not None:
        member.command_menu = menu


async def menus_to_set(session: AsyncSession, *, limit: int = 100) -> list[StaffProfile]:
    """Staff with a chat whose command menu must be set again (NULL after a change)."""
    found = await staff_repo.with_unset_menu(session, limit=limit)
    return [await profile_of(session, member) for member in found]


async def all_linked(session: AsyncSession) -> list[StaffProfile]:
    """Every staff member with a Telegram account, active or not."""
    found = [m for m in await staff_repo.all_staff(session) if m.telegram_id is not None]
    return [await profile_of(session, member) for member in found]


async def responsible_for(session: AsyncSession, *, client: Client) -> list[StaffProfile]:
    """The active caseworkers responsible for a client (by region or UPT)."""
    found = await staff_repo.caseworkers_covering(
        session, region_code=client.region_code, upt_id=client.upt_id
    )
    return [await profile_of(session, s) for s in found]


async def administrators(session: AsyncSession) -> list[StaffProfile]:
    """The active administrators."""
    found = await staff_repo.with_role(session, role=StaffRole.ADMIN)
    return [await profile_of(session, s) for s in found]


async def add_staff(
    session: AsyncSession,
    *,
    telegram_id: int | None,
    role: StaffRole,
    full_name: str,
    now: datetime,
    region_codes: Iterable[str] = (),
    upt_ids: Iterable[int] = (),
) -> Staff:
    """Create (or update, for a known Telegram id) a staff member with these areas."""
    existing = (
        await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
        if telegram_id is not None
        else None
    )
    if existing is None:
        existing = await staff_repo.add(
            session,
            staff=Staff(
                telegram_id=telegram_id,
                full_name=full_name,
                role=role.value,
                active=True,
                language="id",
                created_at=now,
            ),
        )
    else:
        existing.role, existing.active, existing.full_name = role.value, True, full_name
        existing.command_menu = None  # her command menu changes with the role
    await staff_repo.replace_areas(
        session, staff_id=existing.id, region_codes=region_codes, upt_ids=upt_ids
    )
    return existing


async def ensure_admins(
    session: AsyncSession, *, telegram_ids: Iterable[int], now: datetime
) -> None:
    """Make sure every id in BERDAYA_ADMIN_IDS is an active administrator."""
    for telegram_id in telegram_ids:
        staff = await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
        if staff is None:
            await staff_repo.add(
                session,
                staff=Staff(
                    telegram_id=telegram_id,
                    full_name=f"Admin {telegram_id}",
                    role=StaffRole.ADMIN.value,
                    active=True,
                    language="id",
                    created_at=now,
                ),
            )
        elif staff.role != StaffRole.ADMIN.value or not staff.active:
            staff.role, staff.active = StaffRole.ADMIN.value, True
            staff.command_menu = None


async def linked_staff(session: AsyncSession) -> list[StaffProfile]:
    """Every active staff member who has linked a Telegram account."""
    found = [
        member
        for member in await staff_repo.all_staff(session)
        if member.active and member.telegram_id is not None
    ]
    return [await profile_of(session, member) for member in found]
