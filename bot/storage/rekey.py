"""Key rotation: every encrypted value re-encrypted with the first data key, every lookup hash
made again with the HMAC key (`berdaya keys rotate`; docs/PRIVACY.md); and the startup check
that the keys open the database at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.config import SettingsError
from bot.storage import crypto
from bot.storage.crypto import EncryptedJSON, EncryptedText, Keys
from bot.storage.db import Database
from bot.storage.models import Base

BATCH = 500  # rows per transaction: a long rotation holds no long lock, and may be run again


@dataclass
class Rotation:
    """What a rotation changed, per table."""

    reencrypted: dict[str, int] = field(default_factory=dict)  # rows with an older key's values
    rehashed: dict[str, int] = field(default_factory=dict)  # lookup hashes that changed

    def lines(self) -> list[str]:
        """A summary for the terminal."""
        tables = sorted(set(self.reencrypted) | set(self.rehashed))
        if not tables:
            return ["Every value was already under the current key."]
        return [
            f"{table}: {self.reencrypted.get(table, 0)} rows re-encrypted, "
            f"{self.rehashed.get(table, 0)} lookup hashes renewed"
            for table in tables
        ]


def _encrypted_tables() -> list[tuple[sa.Table, list[sa.Column[Any]], list[tuple[str, str, str]]]]:
    """Tables with encrypted columns, those columns, and their lookup hashes (source, target,
    purpose)."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)]
        lookups = [
            (source, target, purpose)
            for model, source, target, purpose in crypto.lookups()
            if getattr(model, "__table__", None) is table
        ]
        if columns:
            found.append((table, columns, lookups))
    return found


def _rotate_batch(
    connection: Connection,
    keys: Keys,
    table: sa.Table,
    columns: list[sa.Column[Any]],
    lookups: list[tuple[str, str, str]],
    after: Any,
    rotation: Rotation,
) -> Any:
    """Rotate one batch of rows after primary key `after`; returns the last key seen."""
    (key,) = table.primary_key.columns
    stored = [
        sa.column(c.name, sa.Text if isinstance(c.type, EncryptedText) else sa.JSON)
        for c in columns
    ]
    hashes = [sa.column(target, sa.String) for _source, target, _purpose in lookups]
    raw = sa.table(table.name, sa.column(key.name), *stored, *hashes)
    # Locked (PostgreSQL) so a turn that changes a row meanwhile is not overwritten.
    query = sa.select(raw).order_by(raw.c[key.name]).limit(BATCH).with_for_update()
    if after is not None:
        query = query.where(raw.c[key.name] > after)
    rows = connection.execute(query).mappings().all()
    for row in rows:
        change: dict[str, Any] = {}
        plain: dict[str, str] = {}
        for column in columns:
            value = row[column.name]
            if value is None:
                continue
            plain[column.name] = keys.decrypt(value)
            if value.partition(":")[0] != keys.current_id:
                change[column.name] = keys.encrypt(plain[column.name])
        for source, target, purpose in lookups:
            wanted = None if source not in plain else keys.lookup_hash(purpose, plain[source])
            if row[target] != wanted:
                change[target] = wanted
                rotation.rehashed[table.name] = rotation.rehashed.get(table.name, 0) + 1
        if any(name not in {t for _s, t, _p in lookups} for name in change):
            rotation.reencrypted[table.name] = rotation.reencrypted.get(table.name, 0) + 1
        if change:
            connection.execute(
                sa.update(raw).where(raw.c[key.name] == row[key.name]).values(**change)
            )
    return rows[-1][key.name] if rows else None


async def rotate(db: Database) -> Rotation:
    """Re-encrypt what is under an older data key and renew lookup hashes, batch by batch.

    Safe to run while the bot runs and to run again: every configured key still decrypts.
    """
    keys = crypto.keys_of(db.engine.sync_engine.dialect)
    rotation = Rotation()
    for table, columns, lookups in _encrypted_tables():
        after: Any = None
        while True:
            async with db.engine.begin() as connection:
                after = await connection.run_sync(
                    _rotate_batch, keys, table, columns, lookups, after, rotation
                )
            if after is None:
                break
    return rotation


async def check_keys(db: Database) -> None:
    """A SettingsError unless the keys open a stored value of every encrypted column (its
    newest one): a lost key file or a wrong key is found at startup, not in the middle of a
    turn. The message names the variables and quotes nothing stored."""
    keys = crypto.keys_of(db.engine.sync_engine.dialect)
    async with db.engine.connect() as connection:
        for table, columns, _lookups in _encrypted_tables():
            (key,) = table.primary_key.columns
            for column in columns:
                stored_as = sa.JSON if isinstance(column.type, EncryptedJSON) else sa.Text
                raw = sa.table(table.name, sa.column(key.name), sa.column(column.name, stored_as))
                newest = await connection.execute(
                    sa.select(raw.c[column.name])
                    .where(raw.c[column.name].is_not(None))
                    .order_by(raw.c[key.name].desc())
                    .limit(1)
                )
                stored = newest.scalar()
                if not isinstance(stored, str):  # nothing stored, or a JSON null
                    continue
                try:
                    keys.decrypt(stored)
                except crypto.KeysError as error:
                    raise SettingsError(
                        f"{crypto.DATA_KEYS_VARIABLE}: cannot read {table.name}.{column.name}: "
                        f"{error}"
                    ) from None
