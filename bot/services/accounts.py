"""Who is talking to the bot: their account, language and consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import DEFAULT_LANGUAGE
from bot.storage import staff as staff_repo
from bot.storage import users
from bot.storage.models import ClientStatus

# Bump when the privacy notice's text changes in substance; each consent records it.
NOTICE_VERSION = "2026-11-v1"


@dataclass(frozen=True)
class Profile:
    """What the handlers need to know about a person, without Telegram or ORM types."""

    user_id: int
    telegram_id: int
    language: str
    client_id: int | None
    client_status: ClientStatus | None
    full_name: str | None
    consent_active: bool = True  # False once she withdrew consent (/privasi)

    @property
    def registered(self) -> bool:
        """True once the account is linked to a client record."""
        return self.client_id is not None


async def find_profile(session: AsyncSession, *, telegram_id: int) -> Profile | None:
    """The profile of a Telegram user who has given consent, or None."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        return None
    client = user.client
    return Profile(
        user_id=user.id,
        telegram_id=user.telegram_id,
        language=user.language,
        client_id=client.id if client else None,
        client_status=ClientStatus(client.status) if client else None,
        full_name=client.full_name if client else None,
        consent_active=user.consent_active,
    )


async def record_consent(
    session: AsyncSession, *, telegram_id: int, language: str, now: datetime
) -> Profile:
    """Store the user's explicit consent (creating the account) and return their profile."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is None:
        user = await users.add(session, telegram_id=telegram_id, language=language, now=now)
    else:
        user.language = language
    await users.add_consent(
        session, user=user, notice_version=NOTICE_VERSION, granted=True, now=now
    )
    user.consent_active = True
    profile = await find_profile(session, telegram_id=telegram_id)
    assert profile is not None
    return profile


async def language_of(session: AsyncSession, *, telegram_id: int) -> str:
    """The language to write to this chat in: the staff member's, else the account's, else
    Indonesian."""
    member = await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
    if member is not None:
        return member.language
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    return user.language if user is not None else DEFAULT_LANGUAGE


async def set_language(session: AsyncSession, *, telegram_id: int, language: str) -> None:
    """Remember the language of whoever this is: a client's account, a staff member, or both."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is not None:
        user.language = language
    member = await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
    if member is not None:
        member.language = language
        member.command_menu = None


async def mark_blocked(session: AsyncSession, *, telegram_id: int, now: datetime) -> None:
    """The person blocked the bot: nothing more is sent to them until they write again."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is not None and user.blocked_at is None:
        user.blocked_at = now


async def mark_reachable(session: AsyncSession, *, telegram_id: int) -> None:
    """The person wrote to the bot, so it is not blocked (any more)."""
    user = await users.get_by_telegram_id(session, telegram_id=telegram_id)
    if user is not None and user.blocked_at is not None:
        user.blocked_at = None
