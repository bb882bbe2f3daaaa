"""marketing requests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:45:00

- marketing_requests: a client's request for marketing help (/pemasaran); the product's
  name, description and other help are encrypted like other personal fields.
- marketing_request_events: each change of a request and the words the client was told.
- marketing_referrals: a request referred to a partner agency, with the client's answer on
  sharing her name, and the officer's outcome.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "marketing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price_low", sa.Integer(), nullable=False),
        sa.Column("price_high", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("help_wanted", sa.String(length=200), nullable=False),
        sa.Column("other_help", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_marketing_requests_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_marketing_requests_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_requests")),
    )
    op.create_index(op.f("ix_marketing_requests_client_id"), "marketing_requests", ["client_id"])
    op.create_index(
        "ix_marketing_requests_status_updated", "marketing_requests", ["status", "updated_at"]
    )
    op.create_table(
        "marketing_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["marketing_requests.id"],
            name=op.f("fk_marketing_request_events_request_id_marketing_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_marketing_request_events_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_request_events")),
    )
    op.create_index(
        "ix_marketing_request_events_request",
        "marketing_request_events",
        ["request_id", "created_at"],
    )
    op.create_table(
        "marketing_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("referred_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("share_name", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["marketing_requests.id"],
            name=op.f("fk_marketing_referrals_request_id_marketing_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_marketing_referrals_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_marketing_referrals_referred_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_marketing_referrals_accepted_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_referrals")),
    )
    op.create_index(
        op.f("ix_marketing_referrals_request_id"), "marketing_referrals", ["request_id"]
    )
    op.create_index(op.f("ix_marketing_referrals_agency_id"), "marketing_referrals", ["agency_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_marketing_referrals_agency_id"), table_name="marketing_referrals")
    op.drop_index(op.f("ix_marketing_referrals_request_id"), table_name="marketing_referrals")
    op.drop_table("marketing_referrals")
    op.drop_index("ix_marketing_request_events_request", table_name="marketing_request_events")
    op.drop_table("marketing_request_events")
    op.drop_index("ix_marketing_requests_status_updated", table_name="marketing_requests")
    op.drop_index(op.f("ix_marketing_requests_client_id"), table_name="marketing_requests")
    op.drop_table("marketing_requests")
