"""media files by file id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 21:30:00

- ix_media_files_file_id: when Telegram refuses a file id, the outbox looks up the stored
  copy of that file by it (bot.outbox_sender).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_media_files_file_id", "media_files", ["file_id"])


def downgrade() -> None:
    op.drop_index("ix_media_files_file_id", table_name="media_files")
