"""Throw-away PostgreSQL databases for the bench scripts (created, then dropped)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.db import Database


async def _admin(admin_url: str, sql: str) -> None:
    admin = Database(admin_url)
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await admin.dispose()


async def fresh_postgres(admin_url: str, prefix: str = "berdaya_bench") -> str:
    """A new, empty database on the server of `admin_url`; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(admin_url: str, url: str) -> None:
    """Drop the database of `url` (connections to it are closed)."""
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
