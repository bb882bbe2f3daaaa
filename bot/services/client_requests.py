"""Every kind of request a client can make, over the features' providers (the contract is
`bot/services/overview.py`): /status, the client card, the digest and the data rights use
these functions and never a feature's own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import marketing, programs
from bot.services.overview import ClientIds, DigestCounts, Provider, StatusItem


def providers() -> tuple[Provider, ...]:
    """Every kind of request there is, in the order their sections are shown."""
    return (marketing.PROVIDER, programs.PROVIDER)


async def items_of(
    session: AsyncSession, translator: Translator, *, client_id: int
) -> list[StatusItem]:
    """Every request and application of one client, newest first."""
    found: list[StatusItem] = []
    for provider in providers():
        found.extend(await provider.items(session, translator, client_id))
    return sorted(found, key=lambda item: item.created_at, reverse=True)


async def digest_counts(
    session: AsyncSession, *, client_ids: ClientIds, since: datetime, now: datetime
) -> list[tuple[Provider, DigestCounts]]:
    """Per kind of request, its counts for the clients in scope."""
    return [
        (provider, await provider.digest(session, client_ids, since, now))
        for provider in providers()
    ]
