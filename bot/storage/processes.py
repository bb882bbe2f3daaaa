"""Running processes (heartbeats) and named leases; repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Lease, ProcessRow

# A process whose heartbeat is older than this is dead: its claims may be taken over.
ALIVE_FOR = timedelta(seconds=6)


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def beat(
    session: AsyncSession, *, process_id: str, host: str, pid: int, now: datetime
) -> None:
    """Say this process is alive (the first beat registers it)."""
    changed = await session.execute(
        update(ProcessRow).where(ProcessRow.id == process_id).values(heartbeat_at=now)
    )
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        await session.execute(
            _insert(session)(ProcessRow)
            .values(id=process_id, host=host[:120], pid=pid, started_at=now, heartbeat_at=now)
            .on_conflict_do_nothing()
        )


def alive(now: datetime) -> Select[tuple[str]]:
    """The ids of the processes alive at `now` (a subquery)."""
    return select(ProcessRow.id).where(ProcessRow.heartbeat_at > now - ALIVE_FOR)


async def forget(session: AsyncSession, *, process_ids: Sequence[str]) -> None:
    """Processes that stopped (or died long ago)."""
    if process_ids:
        await session.execute(delete(ProcessRow).where(ProcessRow.id.in_(process_ids)))


async def forget_dead(session: AsyncSession, *, now: datetime) -> None:
    """Rows of processes dead for a day are no longer needed to release anything."""
    await session.execute(
        delete(ProcessRow).where(ProcessRow.heartbeat_at < now - timedelta(days=1))
    )


async def hold_lease(
    session: AsyncSession, *, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease, or renew it, unless another holder's has not lapsed; True if held."""
    renewed = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
        .values(holder=holder, expires_at=now + ttl)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]
        return True
    taken = await session.execute(
        _insert(session)(Lease)
        .values(name=name, holder=holder, expires_at=now + ttl)
        .on_conflict_do_nothing()
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


async def drop_lease(session: AsyncSession, *, name: str, holder: str) -> None:
    """Give the lease up at once (a clean stop): another process need not wait for it to lapse."""
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


async def drop_all_leases(session: AsyncSession) -> None:
    """Every lease (one process per SQLite file: at its start, any holder is dead)."""
    await session.execute(delete(Lease))
