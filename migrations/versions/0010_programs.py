"""programs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:45:00

- programs: what administrators define (who may apply, eligibility questions, required
  documents as JSON), quota, deadline, open or closed.
- program_applications: one per client and program (unique), with her answers (encrypted),
  status, the reason told to her, the reviewer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ppks_categories", sa.JSON(), nullable=False),
        sa.Column("region_codes", sa.JSON(), nullable=False),
        sa.Column("business_statuses", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("name", name=op.f("uq_programs_name")),
    )
    op.create_table(
        "program_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer_staff_id", sa.Integer(), nullable=True),
        sa.Column("last_staff_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_program_applications_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_applications_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_staff_id"],
            ["staff.id"],
            name=op.f("fk_program_applications_reviewer_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_applications")),
        sa.UniqueConstraint(
            "program_id", "client_id", name=op.f("uq_program_applications_program_id")
        ),
    )
    op.create_index("ix_program_applications_client_id", "program_applications", ["client_id"])
    op.create_index(
        "ix_program_applications_program_status",
        "program_applications",
        ["program_id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_program_applications_program_status", table_name="program_applications")
    op.drop_index("ix_program_applications_client_id", table_name="program_applications")
    op.drop_table("program_applications")
    op.drop_table("programs")
