"""Repository: check-ins, and the set-based queries the scheduler tick runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.conversations import ACTIVE
from bot.storage.models import (
    CheckIn,
    CheckInStatus,
    Client,
    ClientStatus,
    Conversation,
    OutboxMessage,
    User,
)

OPEN = (CheckInStatus.SENT.value, CheckInStatus.REMINDED.value)


@dataclass(frozen=True)
class Recipient:
    """A client the tick writes to, with what the message needs."""

    client_id: int
    full_name: str
    telegram_id: int
    language: str
    sequence: int
    at: datetime  # a new check-in: its due time; a reminder: when the question was sent
    checkin_id: int | None  # an existing row: a snoozed check-in asked again


def reachable() -> ColumnElement[bool]:
    """SQL condition: the client's user may get check-ins now (and is in no flow)."""
    in_flow = exists().where(
        Conversation.telegram_id == User.telegram_id, Conversation.status == ACTIVE
    )
    return and_(
        User.consent_active.is_(True),
        User.opted_out_at.is_(None),
        User.blocked_at.is_(None),
        Client.status != ClientStatus.REJECTED.value,
        ~in_flow,  # a check-in never interrupts a flow; it stays due until the flow ends
    )


def _lock(query: Select[Any], of: Any) -> Select[Any]:
    """FOR UPDATE SKIP LOCKED on PostgreSQL (ignored by SQLite, whose writers queue anyway)."""
    return query.with_for_update(of=of, skip_locked=True)


async def due_recipients(session: AsyncSession, *, now: datetime, limit: int) -> list[Recipient]:
    """Clients whose next check-in is due, earliest first (uses ix_clients_next_checkin_at)."""
    snoozed = aliased(CheckIn)
    query = (
        select(
            Client.id,
            Client.full_name,
            User.telegram_id,
            User.language,
            Client.checkin_sequence,
            Client.next_checkin_at,
            snoozed.id,
        )
        .join(User, User.id == Client.user_id)
        .outerjoin(
            snoozed,
            and_(
                snoozed.client_id == Client.id,
                snoozed.sequence == Client.checkin_sequence,
                snoozed.status == CheckInStatus.SNOOZED.value,
            ),
        )
        .where(Client.next_checkin_at <= now, reachable())
        .order_by(Client.next_checkin_at, Client.id)
        .limit(limit)
    )
    rows = await session.execute(_lock(query, Client))
    return [Recipient(*row) for row in rows]


async def reminders_due(
    session: AsyncSession, *, sent_before: datetime, limit: int
) -> list[Recipient]:
    """Check-ins still unanswered since `sent_before` that have had no reminder yet."""
    query = (
        select(
            Client.id,
            Client.full_name,
            User.telegram_id,
            User.language,
            CheckIn.sequence,
            CheckIn.last_sent_at,
            CheckIn.id,
        )
        .join(Client, Client.id == CheckIn.client_id)
        .join(User, User.id == Client.user_id)
        .where(
            CheckIn.status == CheckInStatus.SENT.value,
            CheckIn.last_sent_at <= sent_before,
            reachable(),
        )
        .order_by(CheckIn.last_sent_at, CheckIn.id)
        .limit(limit)
    )
    rows = await session.execute(_lock(query, CheckIn))
    return [Recipient(*row) for row in rows]


async def missed_due(
    session: AsyncSession, *, reminded_before: datetime, limit: int
) -> list[tuple[CheckIn, Client]]:
    """Reminded check-ins still unanswered since `reminded_before`, with their clients."""
    query = (
        select(CheckIn, Client)
        .join(Client, Client.id == CheckIn.client_id)
        .where(
            CheckIn.status == CheckInStatus.REMINDED.value,
            CheckIn.last_sent_at <= reminded_before,
        )
        .order_by(CheckIn.last_sent_at, CheckIn.id)
        .limit(limit)
    )
    rows = await session.execute(_lock(query, CheckIn))
    return [(row[0], row[1]) for row in rows]


async def insert_checkins(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Bulk insert check-ins; returns {client_id: checkin_id}."""
    if not rows:
        return {}
    # A plain executemany, then one SELECT for the ids: RETURNING with a guaranteed order falls
    # back to one INSERT per row on SQLite (measured: 2.7 s instead of 0.1 s for 5,000 rows).
    await session.execute(insert(CheckIn), list(rows))
    result = await session.execute(
        select(CheckIn.id, CheckIn.client_id).where(
            CheckIn.client_id.in_([row["client_id"] for row in rows]),
            CheckIn.sent_at == rows[0]["sent_at"],
        )
    )
    return {client_id: checkin_id for checkin_id, client_id in result}


async def set_checkins(session: AsyncSession, ids: Sequence[int], **values: Any) -> None:
    """Bulk update check-ins by id."""
    if ids:
        await session.execute(update(CheckIn).where(CheckIn.id.in_(ids)).values(**values))


async def clear_next_checkin(session: AsyncSession, client_ids: Sequence[int]) -> None:
    """A check-in is open for these clients: nothing more is due until it is resolved."""
    if client_ids:
        await session.execute(
            update(Client).where(Client.id.in_(client_ids)).values(next_checkin_at=None)
        )


async def enqueue_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert outbox rows; a dedupe key queued before is skipped (idempotent)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(statement, list(rows))


async def get(session: AsyncSession, *, checkin_id: int, lock: bool = False) -> CheckIn | None:
    """One check-in, locked when it is about to change."""
    query = select(CheckIn).where(CheckIn.id == checkin_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def current(session: AsyncSession, *, client: Client) -> CheckIn | None:
    """The check-in of the client's current sequence, if one was sent."""
    result = await session.execute(
        select(CheckIn)
        .where(CheckIn.client_id == client.id, CheckIn.sequence == client.checkin_sequence)
        .order_by(CheckIn.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def open_id(session: AsyncSession, *, client_id: int) -> int | None:
    """The id of the client's open (sent or reminded) check-in, if any."""
    result = await session.execute(
        select(CheckIn.id)
        .where(CheckIn.client_id == client_id, CheckIn.status.in_(OPEN))
        .order_by(CheckIn.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def client_of_user(session: AsyncSession, *, telegram_id: int) -> tuple[User, Client] | None:
    """The user behind a Telegram id and her client record, if both exist."""
    result = await session.execute(
        select(User, Client)
        .join(Client, Client.user_id == User.id)
        .where(User.telegram_id == telegram_id)
    )
    row = result.first()
    return (row[0], row[1]) if row else None
