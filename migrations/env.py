"""Alembic environment (async template): runs on a connection we are handed, or opens one."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from bot.config import Settings, SettingsError
from bot.storage.crypto import Keys
from bot.storage.db import Database, database_keys
from bot.storage.migrate import sqlite_pragma
from bot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _do_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _configured_keys(url: str) -> Keys | None:
    """BERDAYA_DATA_KEYS and BERDAYA_HMAC_KEY (or SQLite's key file), which migration 0006
    needs to encrypt existing rows; None when they are not set (fine for an empty database)."""
    try:
        return database_keys(Settings(database_url=url))
    except SettingsError:
        return None


async def _run_async() -> None:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", "sqlite+aiosqlite:///./berdaya.db"
    )
    db = Database(url, keys=_configured_keys(url))
    try:
        async with db.engine.connect() as connection:
            if db.is_sqlite:  # see upgrade_to_head: a table copy's DROP must not cascade
                await connection.run_sync(sqlite_pragma, "PRAGMA foreign_keys=OFF")
            await connection.run_sync(_do_run)
            await connection.commit()
    finally:
        await db.dispose()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _do_run(connection)
    else:
        asyncio.run(_run_async())
