"""Repository: users and their consent records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.storage.models import Consent, User


async def get_by_telegram_id(session: AsyncSession, *, telegram_id: int) -> User | None:
    """The user with this Telegram id, with their client record loaded."""
    result = await session.execute(
        select(User).where(User.telegram_id == telegram_id).options(selectinload(User.client))
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, *, telegram_id: int, language: str, now: datetime) -> User:
    """Insert a new user."""
    user = User(telegram_id=telegram_id, language=language, created_at=now)
    session.add(user)
    await session.flush()
    return user


async def add_consent(
    session: AsyncSession, *, user: User, notice_version: str, granted: bool, now: datetime
) -> Consent:
    """Record one consent decision."""
    consent = Consent(
        user_id=user.id, notice_version=notice_version, granted=granted, recorded_at=now
    )
    session.add(consent)
    await session.flush()
    return consent


async def latest_consent(session: AsyncSession, *, user_id: int) -> Consent | None:
    """The user's most recent consent decision."""
    result = await session.execute(
        select(Consent)
        .where(Consent.user_id == user_id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()
