"""Staff administration: invitations with one-time codes, roles, areas, (de)activation, UPTs.

Only administrators act here; every function that changes a staff record checks it again, on
top of the router's role check. Changes are logged with ids only, never names. The buttons of
/staf (the list, a staff card and its actions) are defined here too, so that the handler and
the invitation flow share them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.domain.reference import region_by_code
from bot.services import audit, cases
from bot.services.audit import AuditAction, Subject
from bot.services.registration import hash_code, new_code, normalize_code
from bot.services.staff import StaffProfile, profile_of
from bot.storage import caseload as repo
from bot.storage import staff as staff_repo
from bot.storage.models import Staff, StaffInvitation, StaffRole, Upt

log = logging.getLogger(__name__)
INVITATION_VALIDITY = timedelta(days=7)
CODE_PREFIX = "staf_"  # deep-link payload: /start staf_<code>


# -- the buttons of /staf (administrators only; the router checks the role) --------------------


@dataclass(frozen=True)
class ListStaff(CallbackData, prefix="sfl"):
    """A page of the staff list: a new message, or the pressed one turned in place."""

    page: int
    in_place: bool


@dataclass(frozen=True)
class InviteStaff(CallbackData, prefix="sfi"):
    """Open the staff invitation."""


@dataclass(frozen=True)
class OpenStaffCard(CallbackData, prefix="sfc"):
    """A staff member's card."""

    staff_id: int


@dataclass(frozen=True)
class PickRole(CallbackData, prefix="sfr"):
    """The role buttons for one staff member."""

    staff_id: int


@dataclass(frozen=True)
class SetRole(CallbackData, prefix="sfs"):
    """Give a staff member this role."""

    staff_id: int
    role: StaffRole


@dataclass(frozen=True)
class EditAreas(CallbackData, prefix="sfa"):
    """Open the area picker for a staff member."""

    staff_id: int


@dataclass(frozen=True)
class SetActive(CallbackData, prefix="sfx"):
    """Deactivate (False) or reactivate (True) a staff member."""

    staff_id: int
    active: bool


@dataclass(frozen=True)
class RenewCode(CallbackData, prefix="sfk"):
    """A new invitation code for a record nobody has linked yet."""

    staff_id: int


@dataclass(frozen=True)
class NewStaffInvitation:
    """A fresh staff invitation; the code is shown once and only its hash is stored."""

    staff_id: int
    code: str
    expires_at: datetime


class StaffRedeemResult(StrEnum):
    """How a staff invitation code was received."""

    LINKED = "linked"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ALREADY_STAFF = "already_staff"  # this Telegram account belongs to a staff record already


@dataclass(frozen=True)
class StaffRedemption:
    """The result of redeeming a staff code."""

    result: StaffRedeemResult
    full_name: str | None = None
    role: StaffRole | None = None


class ChangeResult(StrEnum):
    """How a change to a staff record ended."""

    DONE = "done"
    NOT_FOUND = "not_found"
    SELF = "self"  # administrators do not demote or deactivate themselves (no lock-out)


@dataclass(frozen=True)
class StaffRow:
    """One line of the staff list."""

    id: int
    full_name: str
    role: StaffRole
    active: bool
    linked: bool


@dataclass(frozen=True)
class StaffCard:
    """A staff member as administrators see them."""

    id: int
    full_name: str
    role: StaffRole
    active: bool
    linked: bool
    region_codes: tuple[str, ...]
    upt_names: tuple[str, ...]
    upt_ids: tuple[int, ...]
    invitation_expires_at: datetime | None  # the open invitation of an unlinked record


def _require_admin(actor: StaffProfile) -> None:
    if not actor.is_admin:
        raise PermissionError("only administrators manage staff")


def _check_regions(region_codes: Iterable[str]) -> list[str]:
    codes = sorted(set(region_codes))
    unknown = [code for code in codes if region_by_code(code) is None]
    if unknown:
        raise ValueError(f"unknown kabupaten/kota code {unknown[0]}")
    return codes


async def _new_invitation(
    session: AsyncSession, *, staff_id: int, now: datetime
) -> NewStaffInvitation:
    code = new_code()
    expires_at = now + INVITATION_VALIDITY
    await repo.add_staff_invitation(
        session,
        invitation=StaffInvitation(
            staff_id=staff_id,
            code_hash=hash_code(session, code),
            created_at=now,
            expires_at=expires_at,
        ),
    )
    return NewStaffInvitation(staff_id=staff_id, code=code, expires_at=expires_at)


async def invite_staff(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    full_name: str,
    role: StaffRole,
    now: datetime,
    region_codes: Iterable[str] = (),
    upt_ids: Iterable[int] = (),
    agency_id: int | None = None,
) -> NewStaffInvitation:
    """Create a staff record (not yet linked to Telegram) with its areas (or, for a partner
    officer, her agency), and a 7-day code."""
    _require_admin(actor)
    codes = _check_regions(region_codes)
    staff = await staff_repo.add(
        session,
        staff=Staff(
            telegram_id=None,
            full_name=" ".join(full_name.split()),
            role=role.value,
            active=True,
            language="id",
            created_at=now,
            agency_id=agency_id if role is StaffRole.PARTNER else None,
        ),
    )
    await staff_repo.replace_areas(session, staff_id=staff.id, region_codes=codes, upt_ids=upt_ids)
    log.info("staff %d invited staff %d as %s", actor.id, staff.id, role.value)
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_INVITED,
        now=now,
        subject=Subject.STAFF,
        subject_id=staff.id,
        detail={"role": role.value},
    )
    return await _new_invitation(session, staff_id=staff.id, now=now)


async def renew_invitation(
    session: AsyncSession, *, actor: StaffProfile, staff_id: int, now: datetime
) -> NewStaffInvitation | None:
    """A new code for a staff record nobody has linked yet (None when linked or unknown)."""
    _require_admin(actor)
    staff = await staff_repo.get(session, staff_id=staff_id)
    if staff is None or staff.telegram_id is not None:
        return None
    log.info("staff %d renewed the invitation of staff %d", actor.id, staff.id)
    return await _new_invitation(session, staff_id=staff.id, now=now)


def is_staff_code(payload: str) -> bool:
    """True when a /start payload is a staff invitation."""
    return payload.lower().startswith(CODE_PREFIX)


async def redeem_staff_invitation(
    session: AsyncSession, *, telegram_id: int, payload: str, language: str, now: datetime
) -> StaffRedemption:
    """Link a Telegram account to the staff record behind a one-time code (`staf_<code>`)."""
    code = normalize_code(payload[len(CODE_PREFIX) :] if is_staff_code(payload) else payload)
    invitation = await repo.staff_invitation_by_hash(session, code_hash=hash_code(session, code))
    if invitation is None:
        return StaffRedemption(StaffRedeemResult.UNKNOWN)
    if invitation.used_at is not None:
        return StaffRedemption(StaffRedeemResult.USED)
    if invitation.expires_at <= now:
        return StaffRedemption(StaffRedeemResult.EXPIRED)
    if await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id) is not None:
        return StaffRedemption(StaffRedeemResult.ALREADY_STAFF)
    staff = await staff_repo.get(session, staff_id=invitation.staff_id)
    if staff is None or staff.telegram_id is not None:
        return StaffRedemption(StaffRedeemResult.USED)
    staff.telegram_id, staff.language = telegram_id, language
    staff.command_menu = None  # her chat gets her role's command menu
    invitation.used_at = now
    await session.flush()
    log.info("staff %d linked a Telegram account", staff.id)
    return StaffRedemption(StaffRedeemResult.LINKED, staff.full_name, StaffRole(staff.role))


async def list_staff(session: AsyncSession) -> list[StaffRow]:
    """Every staff record, active ones first, then by name (a province has a few hundred at
    most: the list is paged where it is shown)."""
    found = sorted(
        await staff_repo.all_staff(session), key=lambda s: (not s.active, s.full_name, s.id)
    )
    return [
        StaffRow(s.id, s.full_name, StaffRole(s.role), s.active, s.telegram_id is not None)
        for s in found
    ]


async def staff_card(session: AsyncSession, *, staff_id: int) -> StaffCard | None:
    """A staff record with its areas, or None."""
    staff = await staff_repo.get(session, staff_id=staff_id)
    if staff is None:
        return None
    profile = await profile_of(session, staff)
    upts = await repo.upts(session, ids=sorted(profile.upt_ids)) if profile.upt_ids else []
    invitation = None
    if staff.telegram_id is None:
        latest = await repo.latest_staff_invitation(session, staff_id=staff.id)
        invitation = latest.expires_at if latest and latest.used_at is None else None
    return StaffCard(
        id=staff.id,
        full_name=staff.full_name,
        role=profile.role,
        active=staff.active,
        linked=staff.telegram_id is not None,
        region_codes=tuple(sorted(profile.region_codes)),
        upt_names=tuple(u.name for u in upts),
        upt_ids=tuple(u.id for u in upts),
        invitation_expires_at=invitation,
    )


async def _target(
    session: AsyncSession, actor: StaffProfile, staff_id: int, *, self_allowed: bool
) -> Staff | ChangeResult:
    _require_admin(actor)
    staff = await staff_repo.get(session, staff_id=staff_id)
    if staff is None:
        return ChangeResult.NOT_FOUND
    if staff.id == actor.id and not self_allowed:
        return ChangeResult.SELF
    return staff


async def set_role(
    session: AsyncSession, *, actor: StaffProfile, staff_id: int, role: StaffRole, now: datetime
) -> ChangeResult:
    """Give a staff member another role (not one's own)."""
    staff = await _target(session, actor, staff_id, self_allowed=False)
    if isinstance(staff, ChangeResult):
        return staff
    staff.role = role.value
    staff.command_menu = None
    log.info("staff %d set the role of staff %d to %s", actor.id, staff.id, role.value)
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_ROLE_CHANGED,
        now=now,
        subject=Subject.STAFF,
        subject_id=staff.id,
        detail={"role": role.value},
    )
    return ChangeResult.DONE


async def set_areas(
    session: AsyncSession,
    *,
    actor: StaffProfile,
    staff_id: int,
    region_codes: Iterable[str],
    upt_ids: Iterable[int],
    now: datetime,
) -> ChangeResult:
    """Set exactly which kabupaten/kota and UPTs a staff member covers."""
    staff = await _target(session, actor, staff_id, self_allowed=True)
    if isinstance(staff, ChangeResult):
        return staff
    codes = _check_regions(region_codes)
    await staff_repo.replace_areas(session, staff_id=staff.id, region_codes=codes, upt_ids=upt_ids)
    log.info("staff %d changed the areas of staff %d", actor.id, staff.id)
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_AREAS_CHANGED,
        now=now,
        subject=Subject.STAFF,
        subject_id=staff.id,
    )
    return ChangeResult.DONE


async def set_active(
    session: AsyncSession, *, actor: StaffProfile, staff_id: int, active: bool, now: datetime
) -> ChangeResult:
    """Deactivate (no staff commands, no alerts; her open cases go back to unclaimed and to the
    others of her area) or reactivate a staff member."""
    staff = await _target(session, actor, staff_id, self_allowed=False)
    if isinstance(staff, ChangeResult):
        return staff
    staff.active = active
    staff.command_menu = None
    if not active:  # her cases go back to the others of her area
        await cases.release_cases_of(session, staff_id=staff.id, now=now)
    log.info("staff %d set staff %d active=%s", actor.id, staff.id, active)
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.STAFF_REACTIVATED if active else AuditAction.STAFF_DEACTIVATED,
        now=now,
        subject=Subject.STAFF,
        subject_id=staff.id,
    )
    return ChangeResult.DONE


async def list_upts(session: AsyncSession) -> list[tuple[int, str]]:
    """Every UPT as (id, name), by name."""
    return [(u.id, u.name) for u in await repo.upts(session)]


async def add_upt(session: AsyncSession, *, name: str) -> Upt:
    """Register a UPT; ValueError when the name is empty, too long or taken."""
    name = " ".join(name.split())
    if not 3 <= len(name) <= 160:
        raise ValueError("a UPT name has 3 to 160 characters")
    if await repo.upt_by_name(session, name=name) is not None:
        raise ValueError(f"UPT {name!r} exists already")
    return await repo.add_upt(session, upt=Upt(name=name))
