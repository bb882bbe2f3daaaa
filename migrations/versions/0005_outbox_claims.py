"""outbox claims per message, waiting_for_start, case release

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "waiting_for_start" is longer than the 16 characters a status had; held_since starts the
    # retry window (24 h of failures) or the wait for the person to open the bot (30 days).
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=16),
            type_=sa.String(length=24),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("held_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'pending' WHERE status = 'waiting_for_start'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("held_since")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=24),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
