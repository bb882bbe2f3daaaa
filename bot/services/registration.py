"""Linking a Telegram account to a client record: self-registration and invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.nik import validate_nik
from bot.domain.reference import region_by_code
from bot.services import alerts, checkins
from bot.storage import clients, users
from bot.storage.crypto import lookup_hash
from bot.storage.models import AlertKind, Client, ClientOrigin, ClientStatus, Invitation

INVITATION_VALIDITY = timedelta(days=14)
# No 0/O, 1/I/L: codes get read aloud and copied by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 10


@dataclass(frozen=True)
class RegistrationForm:
    """What a beneficiary tells us about herself when she registers on her own."""

    full_name: str
    nik: str
    region_code: str
    training: str
    business_type: str
    phone: str | None


class RegistrationResult(StrEnum):
    """How a self-registration ended."""

    REGISTERED = "registered"
    NIK_TAKEN = "nik_taken"  # the NIK belongs to a record already: she needs her caseworker
    ALREADY_LINKED = "already_linked"


class RedeemResult(StrEnum):
    """How an invitation code was received."""

    LINKED = "linked"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ALREADY_LINKED = "already_linked"  # this Telegram account has a client record already


@dataclass(frozen=True)
class Redemption:
    """The result of redeeming a code, with the linked client's name when it worked."""

    result: RedeemResult
    full_name: str | None = None


@dataclass(frozen=True)
class NewInvitation:
    """A freshly made invitation: the code is shown once and never stored in clear."""

    client_id: int
    code: str
    expires_at: datetime


def normalize_code(code: str) -> str:
    """Codes are case-insensitive and may be typed with spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(session: AsyncSession, code: str) -> str:
    """The stored form of an invitation code: a keyed hash (HMAC with BERDAYA_HMAC_KEY), so a
    leaked database cannot be searched for codes. It is taken over the code's SHA-256, which
    is what was stored before (migration 0006 turned those into keyed hashes)."""
    digest = hashlib.sha256(normalize_code(code).encode()).hexdigest()
    return lookup_hash(session, "invitation", digest)


def new_code() -> str:
    """A random invitation code (about 49 bits)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


async def nik_taken(session: AsyncSession, *, nik: str) -> bool:
    """True when a client record already has this NIK (she needs her caseworker's code)."""
    return await clients.get_by_nik(session, nik=nik) is not None


async def register_self(
    session: AsyncSession,
    *,
    telegram_id: int,
    form: RegistrationForm,
    now: datetime,
    settings: Settings | None = None,
) -> RegistrationResult:
    """Create a client record awaiting verification, link it to the user's account, schedule
    her check-ins and alert the caseworkers of her region that she waits for verification."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        raise LookupError("registration needs consent first")
    if user.client is not None:
        return RegistrationResult.ALREADY_LINKED
    if await clients.get_by_nik(session, nik=form.nik) is not None:
        return RegistrationResult.NIK_TAKEN
    client = await clients.add_unless_nik_taken(
        session,
        client=Client(
            user_id=user.id,
            full_name=form.full_name,
            nik=form.nik,
            region_code=form.region_code,
            ppks_category=None,  # the caseworker sets it at verification
            training=form.training,
            business_type=form.business_type,
            phone=form.phone,
            status=ClientStatus.PENDING.value,
            origin=ClientOrigin.SELF.value,
            created_at=now,
        ),
    )
    if client is None:  # registered by someone else between the check and the insert
        return RegistrationResult.NIK_TAKEN
    checkins.schedule_first(client, now=now, settings=settings)
    await alerts.raise_alert(
        session,
        client=client,
        kind=AlertKind.AWAITING_VERIFICATION,
        event_key=f"registration:{client.id}",
        detail=None,
        now=now,
    )
    return RegistrationResult.REGISTERED


async def redeem_invitation(
    session: AsyncSession,
    *,
    telegram_id: int,
    code: str,
    now: datetime,
    settings: Settings | None = None,
) -> Redemption:
    """Link the user's account to the client record behind a one-time invitation code, and
    schedule her check-ins."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        raise LookupError("linking needs consent first")
    if user.client is not None:
        return Redemption(RedeemResult.ALREADY_LINKED, user.client.full_name)
    invitation = await clients.invitation_by_hash(
        session, code_hash=hash_code(session, code), for_update=True
    )
    if invitation is None:
        return Redemption(RedeemResult.UNKNOWN)
    if invitation.used_at is not None:
        return Redemption(RedeemResult.USED)
    if invitation.expires_at <= now:
        return Redemption(RedeemResult.EXPIRED)
    client = await clients.get(session, client_id=invitation.client_id)
    if client is None or client.user_id is not None:
        return Redemption(RedeemResult.USED)
    client.user_id = user.id
    invitation.used_at = now
    checkins.schedule_first(client, now=now, settings=settings)
    await session.flush()
    return Redemption(RedeemResult.LINKED, client.full_name)


async def invite_client(
    session: AsyncSession,
    *,
    full_name: str,
    nik: str,
    region_code: str,
    now: datetime,
    today: date,
    training_ended_on: date | None = None,
) -> NewInvitation:
    """Create a verified client record (staff vouch for it) and a one-time invitation to it.

    Raises NikError for a malformed NIK and ValueError for an unknown region or a NIK in use.
    """
    info = validate_nik(nik, today=today)
    if region_by_code(region_code) is None:
        raise ValueError(f"unknown region code {region_code!r}")
    if await clients.get_by_nik(session, nik=info.nik) is not None:
        raise ValueError("a client with this NIK exists already")
    client = await clients.add_unless_nik_taken(
        session,
        client=Client(
            full_name=full_name.strip(),
            nik=info.nik,
            region_code=region_code,
            status=ClientStatus.VERIFIED.value,
            origin=ClientOrigin.INVITED.value,
            training_ended_on=training_ended_on,
            created_at=now,
            verified_at=now,
        ),
    )
    if client is None:
        raise ValueError("a client with this NIK exists already")
    code = new_code()
    expires_at = now + INVITATION_VALIDITY
    await clients.add_invitation(
        session,
        invitation=Invitation(
            client_id=client.id,
            code_hash=hash_code(session, code),
            created_at=now,
            expires_at=expires_at,
        ),
    )
    return NewInvitation(client_id=client.id, code=code, expires_at=expires_at)
