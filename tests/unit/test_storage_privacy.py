"""A failed statement's error names the table and the constraint, never a value: no name, no
NIK (hide_parameters, and PostgreSQL's DETAIL cut out), even in a logged traceback."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database

NIK = "3578015512990007"  # made up
NAME = "Sulastri Wibowo"  # made up


@pytest.fixture
def scratch_url(backend: str, tmp_path: Path) -> str:
    """A database to make a throw-away table in (a temporary one on PostgreSQL)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
    return os.environ["TEST_DATABASE_URL"]


def _everything_said(error: BaseException) -> str:
    return str(error) + "".join(traceback.format_exception(error))


@pytest.mark.parametrize(
    ("second_row", "violated"),
    [
        ({"nik": NIK, "name": NAME, "region": "3522"}, "unique"),
        ({"nik": "3578015512990008", "name": NAME, "region": None}, "not null"),
    ],
)
async def test_a_failed_statement_never_shows_a_name_or_a_nik(
    scratch_url: str, second_row: dict[str, str | None], violated: str
) -> None:
    db = Database(scratch_url)
    try:
        async with db.engine.connect() as conn:
            await conn.execute(
                text(
                    "CREATE TEMPORARY TABLE privacy_probe ("
                    "nik VARCHAR(16) UNIQUE, name VARCHAR(100), region VARCHAR(4) NOT NULL)"
                )
            )
            insert = text("INSERT INTO privacy_probe VALUES (:nik, :name, :region)")
            await conn.execute(insert, {"nik": NIK, "name": NAME, "region": "3522"})
            with pytest.raises(IntegrityError) as caught:
                await conn.execute(insert, second_row)
            await conn.rollback()
    finally:
        await db.dispose()
    said = _everything_said(caught.value)
    assert "privacy_probe" in said.lower() or violated in said.lower()  # it still says what
    for secret in (NIK, second_row["nik"], NAME):
        assert str(secret) not in said, said
