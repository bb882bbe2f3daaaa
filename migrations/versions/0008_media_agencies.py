"""media files and partner agencies

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:40:00

- agencies: partner agencies that marketing requests can be referred to; staff.agency_id
  scopes a partner officer to hers.
- media_files: photos and documents people send, by Telegram file id, and the path in
  BERDAYA_MEDIA_DIR once downloaded.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("name", name=op.f("uq_agencies_name")),
    )
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
    )
    op.create_index("ix_media_files_owner", "media_files", ["owner_kind", "owner_id"])
    op.create_index("ix_media_files_pending", "media_files", ["stored_at", "attempts"])
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch.create_index("ix_staff_agency_id", ["agency_id"])
        batch.create_foreign_key(
            op.f("fk_staff_agency_id_agencies"),
            "agencies",
            ["agency_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint(op.f("fk_staff_agency_id_agencies"), type_="foreignkey")
        batch.drop_index("ix_staff_agency_id")
        batch.drop_column("agency_id")
    op.drop_index("ix_media_files_pending", table_name="media_files")
    op.drop_index("ix_media_files_owner", table_name="media_files")
    op.drop_table("media_files")
    op.drop_table("agencies")
