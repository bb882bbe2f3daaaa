"""inbox of incoming updates, process heartbeats and the leader lease

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:00:00

- inbox: every update, written before Telegram is told it arrived; handled exactly once.
- inbox_chats: per chat, the worker on it, when it was last served (round robin), its backlog.
- processes: each running process and its heartbeat.
- leases: the leader lease (only the leader polls Telegram and runs the scheduler ticks).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_key", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("media_group", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=120), nullable=True),
        _when("received_at"),
        _when("handled_at", nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbox")),
    )
    op.create_index("ix_inbox_chat_status", "inbox", ["chat_key", "status"])
    op.create_index("ix_inbox_status_chat", "inbox", ["status", "chat_key"])
    op.create_table(
        "inbox_chats",
        sa.Column("chat_key", sa.BigInteger(), autoincrement=False, nullable=False),
        _when("served_at"),
        sa.Column("claimed_by", sa.String(length=36), nullable=True),
        _when("not_before", nullable=True),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.Column("slowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("chat_key", name=op.f("pk_inbox_chats")),
    )
    op.create_index("ix_inbox_chats_served_at", "inbox_chats", ["served_at"])
    op.create_table(
        "processes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("host", sa.String(length=120), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        _when("started_at"),
        _when("heartbeat_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processes")),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=36), nullable=False),
        _when("expires_at"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("processes")
    op.drop_index("ix_inbox_chats_served_at", table_name="inbox_chats")
    op.drop_table("inbox_chats")
    op.drop_index("ix_inbox_status_chat", table_name="inbox")
    op.drop_index("ix_inbox_chat_status", table_name="inbox")
    op.drop_table("inbox")
