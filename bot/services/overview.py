"""What a client has asked for, across features: the shared shape of /status, the client's
card and the daily digest.

Each feature that takes requests (marketing help, program applications) provides a
`Provider`; `/status`, `/klien` and the digest only ever talk to providers, so a new kind of
request is one more provider in `PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator


@dataclass(frozen=True)
class StatusItem:
    """One request or application, as its client (or her caseworker) sees it."""

    kind_label: str  # already translated, e.g. "🛍️ Bantuan pemasaran"
    title: str  # e.g. the product's or the program's name (plain text; escape to show it)
    state_label: str  # already translated, e.g. "⏳ Diajukan"
    updated_at: datetime
    created_at: datetime
    last_staff_message: str | None = None  # plain text; escape to show it


@dataclass(frozen=True)
class DigestCounts:
    """For one caseworker's scope: new since `since`, and open ones unanswered for 3 days."""

    new: int
    unanswered: int


ItemsFn = Callable[[AsyncSession, Translator, int], Awaitable[Sequence[StatusItem]]]
DigestFn = Callable[
    [AsyncSession, Sequence[int], datetime, datetime], Awaitable[DigestCounts]
]  # (session, client ids in scope, since, now)


@dataclass(frozen=True)
class Provider:
    """One kind of request: its items for a client, and its digest counts."""

    name: str
    digest_label: str  # msgid, e.g. N_("Permintaan pemasaran")
    items: ItemsFn  # (session, translator, client id) -> items, any order
    digest: DigestFn
