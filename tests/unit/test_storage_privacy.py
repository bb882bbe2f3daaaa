"""A failed statement's error names the table and the constraint, never a value: no name, no
NIK (hide_parameters, and PostgreSQL's DETAIL cut out), even in a logged traceback."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import stat
import traceback
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.config import Settings, SettingsError, load_settings
from bot.storage.crypto import Keys, KeysError
from bot.storage.db import Database, database_keys

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


# --- encryption at rest: the keys, the key file, the database file --------------------------

KEY_A = base64.b64encode(b"A" * 32).decode()  # fake keys
KEY_B = base64.b64encode(b"B" * 32).decode()
KEY_H = base64.b64encode(b"H" * 32).decode()


def test_a_value_is_encrypted_under_the_first_key_and_any_configured_key_opens_it() -> None:
    old = Keys.from_text([KEY_A], KEY_H)
    both = Keys.from_text([KEY_B, KEY_A], KEY_H)
    sealed = old.encrypt(NAME)
    assert NAME not in sealed and sealed.startswith(old.current_id + ":")
    assert old.encrypt(NAME) != sealed  # a fresh nonce each time
    assert both.decrypt(sealed) == NAME  # the old key still decrypts after rotation
    assert (
        both.encrypt(NAME).startswith(both.current_id + ":") and both.current_id != old.current_id
    )
    with pytest.raises(KeysError) as caught:
        Keys.from_text([KEY_B], KEY_H).decrypt(sealed)
    assert NAME not in str(caught.value) and "BERDAYA_DATA_KEYS" in str(caught.value)
    with pytest.raises(KeysError, match="not encrypted") as caught:
        old.decrypt("Sulastri: Wibowo")  # plaintext, as before migration 0006
    assert "Sulastri" not in str(caught.value)
    kid, _, token = sealed.partition(":")
    tampered = f"{kid}:{'A' if token[0] != 'A' else 'B'}{token[1:]}"
    with pytest.raises(KeysError):
        old.decrypt(tampered)


def test_a_lookup_hash_is_keyed_and_kept_apart_per_purpose() -> None:
    keys = Keys.from_text([KEY_A], KEY_H)
    other = Keys.from_text([KEY_A], KEY_B)
    assert keys.lookup_hash("nik", NIK) == keys.lookup_hash("nik", NIK)
    assert keys.lookup_hash("nik", NIK) != other.lookup_hash("nik", NIK)
    assert keys.lookup_hash("nik", NIK) != keys.lookup_hash("invitation", NIK)
    assert keys.lookup_hash("nik", NIK) != hashlib.sha256(NIK.encode()).hexdigest()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BERDAYA_DATA_KEYS": "not base64!"}, "BERDAYA_DATA_KEYS"),
        ({"BERDAYA_DATA_KEYS": base64.b64encode(b"short").decode()}, "BERDAYA_DATA_KEYS"),
        ({"BERDAYA_HMAC_KEY": "c2VjcmV0"}, "BERDAYA_HMAC_KEY"),
    ],
)
def test_a_malformed_key_is_named_and_never_repeated(
    env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(named)
    assert all(value not in str(caught.value) for value in env.values())


def test_postgresql_needs_configured_keys_and_says_which() -> None:
    url = "postgresql+asyncpg://berdaya@127.0.0.1/berdaya"
    with pytest.raises(SettingsError, match="BERDAYA_DATA_KEYS and BERDAYA_HMAC_KEY"):
        database_keys(Settings(database_url=url))
    with pytest.raises(SettingsError, match=r"^BERDAYA_HMAC_KEY is not set"):
        database_keys(Settings(database_url=url, data_keys=(SecretStr(KEY_A),)))
    with pytest.raises(SettingsError, match=r"^BERDAYA_DATA_KEYS is not set"):
        database_keys(Settings(database_url=url, hmac_key=SecretStr(KEY_H)))
    keys = database_keys(
        Settings(database_url=url, data_keys=(SecretStr(KEY_B), SecretStr(KEY_A)), hmac_key=KEY_H)
    )
    assert keys == Keys.from_text([KEY_B, KEY_A], KEY_H)


def test_sqlite_without_keys_gets_a_private_key_file_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'berdaya.db'}")
    with caplog.at_level(logging.WARNING):
        first = database_keys(settings)
        again = database_keys(settings)
    key_file = tmp_path / "berdaya.db.keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first == again
    assert [r.name for r in caplog.records] == ["bot.storage.crypto"]  # logged once
    assert "BERDAYA_DATA_KEYS=" in key_file.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["berdaya.db.keys"]  # no temporary left
    # An in-memory database gets keys that live as long as it does.
    assert database_keys(Settings(database_url="sqlite+aiosqlite://")) is not None


async def test_a_new_sqlite_file_and_its_wal_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh.db"
    db = Database(f"sqlite+aiosqlite:///{path}", keys=Keys.from_text([KEY_A], KEY_H))
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE probe (x TEXT)"))
            await session.execute(text("INSERT INTO probe VALUES ('x')"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name("fresh.db-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        await db.dispose()
