"""Repository: programs and their applications. Never commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Client, Program, ProgramApplication


async def add(session: AsyncSession, *, program: Program) -> Program:
    """Store a new program (its id assigned)."""
    session.add(program)
    await session.flush()
    return program


async def get(session: AsyncSession, *, program_id: int, lock: bool = False) -> Program | None:
    """One program; `lock` holds its row until the transaction ends (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)."""
    query = select(Program).where(Program.id == program_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def by_name(session: AsyncSession, *, name: str) -> Program | None:
    """The program of this exact name."""
    return (await session.execute(select(Program).where(Program.name == name))).scalar_one_or_none()


async def all_programs(session: AsyncSession) -> list[Program]:
    """Every program, open ones first, then by name."""
    rows = await session.scalars(select(Program).order_by(Program.is_open.desc(), Program.name))
    return list(rows)


async def open_programs(session: AsyncSession, *, now: datetime) -> list[Program]:
    """Open programs whose deadline has not passed, soonest deadline first."""
    rows = await session.scalars(
        select(Program)
        .where(Program.is_open.is_(True))
        .where((Program.deadline.is_(None)) | (Program.deadline > now))
        .order_by(Program.deadline.is_(None), Program.deadline, Program.name)
    )
    return list(rows)


async def count_with_status(
    session: AsyncSession, *, program_id: int, statuses: Collection[str]
) -> int:
    """How many applications to a program are in one of these states."""
    query = select(func.count(ProgramApplication.id)).where(
        ProgramApplication.program_id == program_id,
        ProgramApplication.status.in_(list(statuses)),
    )
    return int((await session.execute(query)).scalar_one())


async def add_application(
    session: AsyncSession, *, application: ProgramApplication
) -> ProgramApplication:
    """Store an application (raises IntegrityError when she has applied to it already)."""
    session.add(application)
    await session.flush()
    return application


async def application(
    session: AsyncSession, *, application_id: int, lock: bool = False
) -> tuple[ProgramApplication, Program, Client] | None:
    """An application with its program and client."""
    query = (
        select(ProgramApplication, Program, Client)
        .join(Program, Program.id == ProgramApplication.program_id)
        .join(Client, Client.id == ProgramApplication.client_id)
        .where(ProgramApplication.id == application_id)
    )
    if lock:
        query = query.with_for_update(of=ProgramApplication)
    row = (await session.execute(query)).one_or_none()
    return (row[0], row[1], row[2]) if row is not None else None


async def of_client(
    session: AsyncSession, *, client_id: int
) -> list[tuple[ProgramApplication, Program]]:
    """A client's applications, newest first."""
    rows = await session.execute(
        select(ProgramApplication, Program)
        .join(Program, Program.id == ProgramApplication.program_id)
        .where(ProgramApplication.client_id == client_id)
        .order_by(ProgramApplication.created_at.desc(), ProgramApplication.id.desc())
    )
    return [(a, p) for a, p in rows.tuples()]


async def applied_program_ids(session: AsyncSession, *, client_id: int) -> set[int]:
    """The programs she has applied to."""
    rows = await session.scalars(
        select(ProgramApplication.program_id).where(ProgramApplication.client_id == client_id)
    )
    return set(rows)


async def counts_in_scope(
    session: AsyncSession,
    *,
    client_ids: Any,
    since: datetime,
    until: datetime,
    unanswered_before: datetime,
    open_statuses: Collection[str],
) -> tuple[int, int]:
    """(new in [`since`, `until`), open and unreviewed since before `unanswered_before`) for the
    applications of the clients in scope (`client_ids`: ids or a SELECT of ids)."""
    in_scope = ProgramApplication.client_id.in_(client_ids)
    new = await session.execute(
        select(func.count(ProgramApplication.id)).where(
            in_scope,
            ProgramApplication.created_at >= since,
            ProgramApplication.created_at < until,
        )
    )
    unanswered = await session.execute(
        select(func.count(ProgramApplication.id)).where(
            in_scope,
            ProgramApplication.status.in_(list(open_statuses)),
            ProgramApplication.reviewed_at.is_(None),
            ProgramApplication.created_at < unanswered_before,
        )
    )
    return int(new.scalar_one()), int(unanswered.scalar_one())
