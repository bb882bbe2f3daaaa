"""Shared fixtures: a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import Base
from tests.keys import TEST_KEYS

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use a database run once per backend that is available (no skips)."""
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] + (["postgresql"] if PG_URL else [])
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite+aiosqlite:///{path}")

    async def _migrate() -> None:
        await upgrade_to_head(db)
        await db.dispose()

    asyncio.run(_migrate())
    with sqlite3.connect(path) as conn:  # fold the WAL into the file, so one copy is enough
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated, dropped at the end."""
    admin = make_url(PG_URL)
    name = f"berdaya_test_{uuid.uuid4().hex[:8]}"

    async def _admin(sql: str) -> None:
        db = Database(admin.render_as_string(hide_password=False))
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
        await db.dispose()

    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)

    async def _migrate() -> None:
        db = Database(url)
        await upgrade_to_head(db)
        await db.dispose()

    asyncio.run(_migrate())
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for one test."""
    if backend == "sqlite":
        target = tmp_path / "berdaya.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite+aiosqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))

    async def _truncate() -> None:
        db = Database(url)
        async with db.transaction() as session:
            await session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db.dispose()

    asyncio.run(_truncate())
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The test's database handle (with the keys the harness's bot has)."""
    database = Database(database_url, keys=TEST_KEYS)
    yield database
    await database.dispose()
