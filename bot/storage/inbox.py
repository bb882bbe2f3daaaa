"""The inbox: updates stored before they are confirmed, taken chat by chat; never commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import InboxChat, InboxStatus, InboxUpdate
from bot.storage.processes import alive

# A chat never served yet goes before any chat that has been.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)
# Telegram keeps an unconfirmed update for 24 hours; a handled id is remembered longer, so a
# redelivery (after a crash between the inbox commit and the next offset) is recognised.
REMEMBER_FOR = timedelta(days=2)
PENDING = InboxStatus.PENDING.value


@dataclass(frozen=True)
class Incoming:
    """An update as it arrived: its id, whose line it joins, and the raw JSON."""

    update_id: int
    chat_key: int
    payload: str
    media_group: str | None = None


@dataclass
class Stored:
    """What storing a batch did."""

    accepted: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    dropped: list[Incoming] = field(default_factory=list)
    # The first update dropped from each chat whose person has not been asked to slow down.
    slow_down: list[Incoming] = field(default_factory=list)


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def store(
    session: AsyncSession, items: Sequence[Incoming], *, now: datetime, backlog_cap: int
) -> Stored:
    """Write new updates (ids seen before are skipped); a chat's updates beyond its backlog cap
    are recorded as dropped, not queued."""
    result = Stored()
    if not items:
        return result
    ids = [item.update_id for item in items]
    seen = set(
        (await session.execute(select(InboxUpdate.update_id).where(InboxUpdate.update_id.in_(ids))))
        .scalars()
        .all()
    )
    fresh = [item for item in items if item.update_id not in seen]
    result.duplicates = [item.update_id for item in items if item.update_id in seen]
    if not fresh:
        return result
    keys = sorted({item.chat_key for item in fresh})
    await session.execute(
        _insert(session)(InboxChat).on_conflict_do_nothing(),
        [{"chat_key": key, "served_at": NEVER, "dropped": 0, "slowed": False} for key in keys],
    )
    counted = await session.execute(
        select(InboxUpdate.chat_key, func.count())
        .where(InboxUpdate.status == PENDING, InboxUpdate.chat_key.in_(keys))
        .group_by(InboxUpdate.chat_key)
    )
    backlog: dict[int, int] = {key: count for key, count in counted.all()}
    chats = {
        chat.chat_key: chat
        for chat in (
            await session.execute(select(InboxChat).where(InboxChat.chat_key.in_(keys)))
        ).scalars()
    }
    rows: list[dict[str, Any]] = []
    for item in fresh:
        waiting = backlog.get(item.chat_key, 0)
        over = waiting >= backlog_cap
        rows.append(
            {
                "update_id": item.update_id,
                "chat_key": item.chat_key,
                "payload": None if over else item.payload,
                "status": InboxStatus.DROPPED.value if over else PENDING,
                "media_group": item.media_group,
                "attempts": 0,
                "received_at": now,
                "handled_at": now if over else None,
            }
        )
        if not over:
            backlog[item.chat_key] = waiting + 1
            result.accepted.append(item.update_id)
            continue
        result.dropped.append(item)
        chat = chats[item.chat_key]
        chat.dropped += 1
        if not chat.slowed:
            chat.slowed = True
            result.slow_down.append(item)
    await session.execute(_insert(session)(InboxUpdate).on_conflict_do_nothing(), rows)
    return result


async def claim_chat(
    session: AsyncSession, *, me: str, busy: Collection[int], now: datetime
) -> int | None:
    """The least recently served chat with work that nobody alive is on; claimed for `me`."""
    waiting = select(InboxUpdate.chat_key).where(InboxUpdate.status == PENDING)
    query = (
        select(InboxChat)
        .where(
            InboxChat.chat_key.in_(waiting),
            or_(
                InboxChat.claimed_by.is_(None),
                InboxChat.claimed_by == me,
                InboxChat.claimed_by.not_in(alive(now)),
            ),
            or_(InboxChat.not_before.is_(None), InboxChat.not_before <= now),
        )
        .order_by(InboxChat.served_at)
        .limit(1)
    )
    if busy:
        query = query.where(InboxChat.chat_key.not_in(list(busy)))
    if session.get_bind().dialect.name == "postgresql":
        # Another process choosing at the same moment skips this row instead of waiting for it.
        query = query.with_for_update(skip_locked=True)
    chat = (await session.execute(query)).scalar_one_or_none()
    if chat is None:
        return None
    chat.claimed_by = me
    chat.served_at = now
    return chat.chat_key


async def next_update(session: AsyncSession, *, chat_key: int) -> InboxUpdate | None:
    """The chat's oldest update still to handle."""
    query = (
        select(InboxUpdate)
        .where(InboxUpdate.chat_key == chat_key, InboxUpdate.status == PENDING)
        .order_by(InboxUpdate.update_id)
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def album_parts(
    session: AsyncSession, *, chat_key: int, media_group: str
) -> list[InboxUpdate]:
    """The album's photos still to handle, in the order they were sent."""
    query = (
        select(InboxUpdate)
        .where(
            InboxUpdate.chat_key == chat_key,
            InboxUpdate.status == PENDING,
            InboxUpdate.media_group == media_group,
        )
        .order_by(InboxUpdate.update_id)
    )
    return list((await session.execute(query)).scalars())


async def mark_done(session: AsyncSession, *, update_ids: Sequence[int], now: datetime) -> None:
    """Handled: the payload (what the person sent) is not kept."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id.in_(list(update_ids)), InboxUpdate.status == PENDING)
        .values(status=InboxStatus.DONE.value, payload=None, handled_at=now)
    )


async def release(session: AsyncSession, *, chat_key: int, me: str) -> None:
    """Done with the chat for now; when its backlog is empty, a new one may be warned again."""
    waiting = await session.scalar(
        select(func.count())
        .select_from(InboxUpdate)
        .where(InboxUpdate.chat_key == chat_key, InboxUpdate.status == PENDING)
    )
    values: dict[str, Any] = {"claimed_by": None}
    if not waiting:
        values["slowed"] = False
    await session.execute(
        update(InboxChat)
        .where(InboxChat.chat_key == chat_key, InboxChat.claimed_by == me)
        .values(**values)
    )


async def record_failure(
    session: AsyncSession,
    *,
    update_id: int,
    chat_key: int,
    error: str,
    now: datetime,
    max_attempts: int,
    retry_in: timedelta,
) -> bool:
    """One more failed attempt; at `max_attempts` the update is set aside (True) and the chat
    goes on without it, otherwise the chat waits `retry_in` before trying it again."""
    row = await session.get(InboxUpdate, update_id)
    if row is None or row.status != PENDING:
        return False
    row.attempts += 1
    row.error = error[:120]
    if row.attempts >= max_attempts:
        row.status = InboxStatus.POISON.value
        row.payload = None
        row.handled_at = now
        return True
    await session.execute(
        update(InboxChat).where(InboxChat.chat_key == chat_key).values(not_before=now + retry_in)
    )
    return False


async def release_all(session: AsyncSession) -> int:
    """Every chat claim (one process per SQLite file: at its start, any claim is a dead one's)."""
    released = await session.execute(
        update(InboxChat).where(InboxChat.claimed_by.is_not(None)).values(claimed_by=None)
    )
    return int(released.rowcount)  # type: ignore[attr-defined]


async def purge(session: AsyncSession, *, now: datetime) -> None:
    """Forget handled ids past the redelivery window, and chats with nothing left."""
    cutoff = now - REMEMBER_FOR
    await session.execute(
        delete(InboxUpdate).where(InboxUpdate.status != PENDING, InboxUpdate.handled_at < cutoff)
    )
    waiting = select(InboxUpdate.chat_key).where(InboxUpdate.status == PENDING)
    await session.execute(
        delete(InboxChat).where(
            InboxChat.served_at < cutoff,
            InboxChat.claimed_by.is_(None),
            InboxChat.chat_key.not_in(waiting),
        )
    )
