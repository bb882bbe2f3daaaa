"""The database handle: one engine, and one unit of work per update or job."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import Settings, SettingsError
from bot.storage import crypto
from bot.storage.crypto import Keys


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
        # Deleted and overwritten content (a handled update, a cleared draft) is zeroed, not
        # left readable in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
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

    def __init__(
        self, url: str, *, keys: Keys | None = None, key_file: bool = True, echo: bool = False
    ) -> None:
        """`keys` encrypt the personal data; without them, a SQLite database uses the key file
        beside it (made when missing, unless `key_file` is False) and PostgreSQL refuses to
        read or write personal data."""
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        path = crypto.sqlite_path(url)
        if path is not None:
            _create_private(path)
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
        if keys is None and key_file:
            keys = crypto.default_keys(url)
        self.keys = keys

    @property
    def keys(self) -> Keys | None:
        """The keys the encrypted columns use (None: PostgreSQL without configured keys)."""
        return self._keys

    @keys.setter
    def keys(self, keys: Keys | None) -> None:
        self._keys = keys
        crypto.attach(self.engine.sync_engine.dialect, keys)

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


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (SQLite gives its -wal and -shm
    files the same mode); an existing file is left as it is."""
    # It may exist already, or its folder may not (SQLite will say so).
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def database_keys(settings: Settings) -> Keys:
    """The configured keys; unset, a SQLite database's key file (made once). PostgreSQL needs
    them configured: a SettingsError names the variables."""
    data = [key.get_secret_value() for key in settings.data_keys]
    lookup = settings.hmac_key.get_secret_value() if settings.hmac_key else None
    if data and lookup:
        return Keys.from_text(data, lookup)
    if data or lookup:
        missing = crypto.HMAC_KEY_VARIABLE if data else crypto.DATA_KEYS_VARIABLE
        raise SettingsError(f"{missing} is not set: the data keys and the HMAC key go together")
    keys = crypto.default_keys(settings.database_url)
    if keys is None:
        raise SettingsError(
            f"{crypto.DATA_KEYS_VARIABLE} and {crypto.HMAC_KEY_VARIABLE} are not set: PostgreSQL "
            "needs them (make each with `berdaya keys new`; see docs/PRIVACY.md)"
        )
    return keys


def open_database(settings: Settings) -> Database:
    """The configured database with its keys."""
    return Database(settings.database_url, keys=database_keys(settings))
