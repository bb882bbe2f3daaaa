"""neutral outbox for every message (replies too), staff command menus, report photos

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00

- outbox: `markup` (Bot API JSON) becomes `payload` (channel-neutral: buttons as label and
  action); `kind` (send, edit_buttons), `edit_message_id`, `priority` and `claimed_by` are new;
  an index on (chat_id, status) keeps each chat's messages in order.
- staff.command_menu: the command menu last set for her chat (NULL: set it again).
- business_reports.photos: a list of file ids (a report may carry an album).
- conversations: drafts are typed now; rows in the old format are dropped (a person in the
  middle of a flow starts it again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="send")
        )
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("edit_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("claimed_by", sa.String(length=36), nullable=True))
        batch.create_index("ix_outbox_chat_status", ["chat_id", "status"], unique=False)
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer),
        sa.column("markup", sa.JSON),
        sa.column("payload", sa.JSON),
    )
    connection = op.get_bind()
    for row_id, markup in connection.execute(sa.select(outbox.c.id, outbox.c.markup)).all():
        if markup and markup.get("inline_keyboard"):
            rows = [
                [[b["text"], b.get("callback_data", "")] for b in row]
                for row in markup["inline_keyboard"]
            ]
            connection.execute(
                outbox.update().where(outbox.c.id == row_id).values(payload={"buttons": rows})
            )
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("markup")
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("command_menu", sa.String(length=64), nullable=True))
        batch.create_index("ix_staff_command_menu", ["command_menu"], unique=False)
    with op.batch_alter_table("business_reports") as batch:
        batch.add_column(sa.Column("photos", sa.JSON(), nullable=True))
    reports = sa.table(
        "business_reports",
        sa.column("id", sa.Integer),
        sa.column("photo_file_id", sa.Text),
        sa.column("photos", sa.JSON),
    )
    for row_id, file_id in connection.execute(
        sa.select(reports.c.id, reports.c.photo_file_id)
    ).all():
        connection.execute(
            reports.update()
            .where(reports.c.id == row_id)
            .values(photos=[file_id] if file_id else [])
        )
    with op.batch_alter_table("business_reports") as batch:
        batch.alter_column("photos", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("photo_file_id")
    op.execute(sa.text("DELETE FROM conversations"))


def downgrade() -> None:
    with op.batch_alter_table("business_reports") as batch:
        batch.add_column(sa.Column("photo_file_id", sa.Text(), nullable=True))
        batch.drop_column("photos")
    with op.batch_alter_table("staff") as batch:
        batch.drop_index("ix_staff_command_menu")
        batch.drop_column("command_menu")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("markup", sa.JSON(), nullable=True))
        batch.drop_index("ix_outbox_chat_status")
        batch.drop_column("claimed_by")
        batch.drop_column("priority")
        batch.drop_column("edit_message_id")
        batch.drop_column("payload")
        batch.drop_column("kind")
