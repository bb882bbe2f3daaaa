"""What a client has asked for, across features: the shared shape of /status, the client's
card, the daily digest and the data rights (/dataku, /hapus).

Each feature that takes requests (marketing help, program applications) provides a
`Provider`; `/status`, `/klien`, the digest and the data rights only ever talk to providers
(`bot.services.client_requests.providers()`), so a new kind of request is one more provider
there. This module is only the contract: the features import it, and the list of providers
(which imports the features) lives in `client_requests`, so there is no import cycle.

Notes for providers (B: `marketing.PROVIDER`, C: `programs.PROVIDER`), refined by D:
- `items` returns every request of hers of this kind, any order; `/status` sorts them
  (newest `created_at` first) and pages them. `last_staff_message` is the latest text staff
  (caseworker or partner officer) wrote *to her* about it, plain text, or None.
- `digest` gets `client_ids`: the clients in the caseworker's area, either a list of ids or a
  SQL SELECT of client ids. Use it only as `YourModel.client_id.in_(client_ids)` (never
  `len()`, `bool()` or iteration). `new`: created in [since, now); `unanswered`: still open
  (not done/declined/accepted/rejected…) with no staff answer, created before `now - 3 days`
  (`UNANSWERED_AFTER`).
- `export` (optional, default None): JSON-ready dicts, one per request, of everything stored
  about her requests of this kind (her free text, choices, states and dates, messages staff
  sent her, how many files); no staff-internal notes. Used by /dataku.
- `erase` (optional, default None): blank her free text in this kind's rows (keep states and
  dates for statistics) and erase their stored files with `media.erase_owned(...)`; return
  the file paths `erase_owned` gave back, which /hapus unlinks after the commit. Never commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator

UNANSWERED_AFTER = timedelta(days=3)  # an open request without a staff answer this long


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


ClientIds = Sequence[int] | Select[Any]  # ids, or a SELECT of ids: use only with `.in_()`
ItemsFn = Callable[[AsyncSession, Translator, int], Awaitable[Sequence[StatusItem]]]
DigestFn = Callable[
    [AsyncSession, ClientIds, datetime, datetime], Awaitable[DigestCounts]
]  # (session, client ids in scope, since, now)
ExportFn = Callable[[AsyncSession, int], Awaitable[Sequence[dict[str, Any]]]]  # client id
EraseFn = Callable[[AsyncSession, int], Awaitable[Sequence[str]]]  # client id -> file paths


@dataclass(frozen=True)
class Provider:
    """One kind of request: its items for a client, and its digest counts."""

    name: str
    digest_label: str  # msgid, e.g. N_("Permintaan pemasaran")
    items: ItemsFn  # (session, translator, client id) -> items, any order
    digest: DigestFn
    export: ExportFn | None = None  # (session, client id) -> JSON-ready records, for /dataku
    erase: EraseFn | None = None  # (session, client id) -> stored file paths, for /hapus
