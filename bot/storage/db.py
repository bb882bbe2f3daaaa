"""The database handle: one engine, and one unit of work per update or job."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so concurrent writers queue instead of failing."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# PostgreSQL repeats the offending values in an error's DETAIL ("Key (nik)=(…) already exists",
# "Failing row contains (…)"), which hide_parameters cannot reach. Everything from DETAIL on goes.
_DETAIL = re.compile(r"\n(DETAIL|HINT):.*", re.DOTALL)


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _drop_values(context: ExceptionContext) -> None:
    """Cut the DETAIL out of a failed statement's error, its driver's errors included, so the
    message and a logged traceback say what failed but never with which name or NIK."""
    for error in (*_chain(context.sqlalchemy_exception), *_chain(context.original_exception)):
        if error.args and isinstance(error.args[0], str) and _DETAIL.search(error.args[0]):
            error.args = (_DETAIL.sub("", error.args[0]), *error.args[1:])
        if isinstance(getattr(error, "detail", None), str):  # asyncpg keeps it apart, prints it
            error.detail = None  # type: ignore[attr-defined]


class Database:
    """Owns the engine and hands out transactions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        # hide_parameters: a failed statement's error (and so any log line or traceback quoting
        # it) shows the SQL without its bound values, which can be a name, a NIK or a phone.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if not self.is_sqlite:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        event.listen(self.engine.sync_engine, "handle_error", _drop_values)
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls back on an exception."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        """Raise when the database cannot be reached."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    def safe_url(self) -> str:
        """The URL with any password masked, fit for a message or a log line."""
        return make_url(self.url).render_as_string(hide_password=True)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
