"""data rights: erasure, consent withdrawal, draft expiry

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00

- erasures: one row per /hapus (dates only once finished); the retention job finds the
  unfinished ones by ix_erasures_pending.
- Consent withdrawal needs no new column: a `consents` row with granted = false and
  users.consent_active = false. An erased client has clients.status = 'erased'.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_erasures_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_client_id", "erasures", ["client_id"])
    op.create_index("ix_erasures_pending", "erasures", ["completed_at", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_erasures_pending", table_name="erasures")
    op.drop_index("ix_erasures_client_id", table_name="erasures")
    op.drop_table("erasures")
