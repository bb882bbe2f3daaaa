"""personal data encrypted at rest, keyed-hash lookups

Names, NIKs, phone numbers, what clients typed about themselves, notes, drafts and message texts are encrypted with the database's
data keys; the NIK gets a keyed hash (`nik_hash`, unique) for lookups; invitation code hashes
become keyed (HMAC over the SHA-256 stored before, so codes already handed out still work).

The keys come from the connection's dialect (`Database(keys=...)`: `berdaya db upgrade`,
`berdaya run` and the admin commands pass the configured ones, or SQLite's key file).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot.storage import crypto

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, primary key, text columns, JSON columns)
_ENCRYPTED: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "clients",
        "id",
        ("full_name", "nik", "phone", "training", "business_type", "rejection_reason"),
        (),
    ),
    ("staff", "id", ("full_name",), ()),
    ("alerts", "id", ("close_note",), ()),
    ("client_events", "id", ("note",), ()),
    ("outbox", "id", ("text",), ("payload",)),
    ("conversations", "telegram_id", (), ("data",)),
    ("inbox", "update_id", ("payload",), ()),
)
_WIDENED = (  # (table, column, old type, nullable): ciphertexts are longer than the values
    ("clients", "full_name", sa.String(length=120), False),
    ("clients", "nik", sa.String(length=16), True),
    ("clients", "phone", sa.String(length=20), True),
    ("clients", "training", sa.String(length=200), True),
    ("clients", "business_type", sa.String(length=200), True),
    ("clients", "rejection_reason", sa.String(length=300), True),
    ("staff", "full_name", sa.String(length=120), False),
)
_INVITATIONS = ("invitations", "staff_invitations")


def _keys() -> crypto.Keys:
    return crypto.keys_of(op.get_bind().dialect)


def _transform(
    table: str,
    key: str,
    texts: Sequence[str],
    documents: Sequence[str],
    text_change: Callable[[str], str],
    json_change: Callable[[Any], Any],
) -> list[dict[str, Any]]:
    """Rewrite every non-null value of the columns; returns the rows as they were read."""
    bind = op.get_bind()
    columns = [sa.column(name, sa.Text) for name in texts]
    columns += [sa.column(name, sa.JSON) for name in documents]
    lightweight = sa.table(table, sa.column(key), *columns)
    rows = [dict(row) for row in bind.execute(sa.select(lightweight)).mappings()]
    changes = []
    for row in rows:
        change: dict[str, Any] = {}
        for name in texts:
            if row[name] is not None:
                change[name] = text_change(row[name])
        for name in documents:
            if row[name] is not None:
                change[name] = json_change(row[name])
        if change:
            changes.append({"_key": row[key], **change})
    for change in changes:  # few enough at a deployment's size; one statement per row
        values = {name: value for name, value in change.items() if name != "_key"}
        bind.execute(
            sa.update(lightweight).where(lightweight.c[key] == change["_key"]).values(**values)
        )
    return rows


def upgrade() -> None:
    for table in ("clients", "staff"):  # one batch per table: SQLite copies it once
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, old, nullable in _WIDENED:
                if name == table:
                    batch_op.alter_column(
                        column, existing_type=old, type_=sa.Text(), existing_nullable=nullable
                    )
            if table == "clients":
                batch_op.add_column(sa.Column("nik_hash", sa.String(length=64), nullable=True))
                batch_op.drop_constraint(batch_op.f("uq_clients_nik"), type_="unique")

    keys: crypto.Keys | None = None

    def needed() -> crypto.Keys:  # asked only when there is something to encrypt
        nonlocal keys
        keys = keys or _keys()
        return keys

    for table, key, texts, documents in _ENCRYPTED:
        rows = _transform(
            table,
            key,
            texts,
            documents,
            lambda value: needed().encrypt(value),
            lambda value: needed().encrypt(json.dumps(value, ensure_ascii=False)),
        )
        if table == "clients":
            hashed = sa.table("clients", sa.column("id"), sa.column("nik_hash", sa.String))
            for row in rows:
                if row["nik"] is not None:
                    op.get_bind().execute(
                        sa.update(hashed)
                        .where(hashed.c.id == row["id"])
                        .values(nik_hash=needed().lookup_hash("nik", row["nik"]))
                    )
    for table in _INVITATIONS:
        _transform(
            table,
            "id",
            ("code_hash",),
            (),
            lambda digest: needed().lookup_hash("invitation", digest),
            lambda value: value,
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_nik_hash"), ["nik_hash"], unique=True)


def downgrade() -> None:
    """Back to plaintext. Invitation codes handed out before cannot be hashed back (a keyed
    hash is one-way): they stop working, and staff make new ones."""
    keys: crypto.Keys | None = None

    def needed() -> crypto.Keys:
        nonlocal keys
        keys = keys or _keys()
        return keys

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_nik_hash"))
    for table, key, texts, documents in _ENCRYPTED:
        _transform(
            table,
            key,
            texts,
            documents,
            lambda value: needed().decrypt(value),
            lambda value: json.loads(needed().decrypt(value)),
        )
    for table in ("clients", "staff"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, old, nullable in _WIDENED:
                if name == table:
                    batch_op.alter_column(
                        column, existing_type=sa.Text(), type_=old, existing_nullable=nullable
                    )
            if table == "clients":
                batch_op.create_unique_constraint(batch_op.f("uq_clients_nik"), ["nik"])
                batch_op.drop_column("nik_hash")
