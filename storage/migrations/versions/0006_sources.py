"""Sources live in the database: feeds, pages, folders and files with their schedule and health.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the sources table."""
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("location", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text, nullable=False, server_default=""),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("interval_minutes", sa.Integer, nullable=True),
        sa.Column("ttl_minutes", sa.Integer, nullable=True),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("paused_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("next_due_at", UTCDateTime, nullable=True),
        sa.Column("last_attempt_at", UTCDateTime, nullable=True),
        sa.Column("last_success_at", UTCDateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("failing_since", UTCDateTime, nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items_seen", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_new_item_at", UTCDateTime, nullable=True),
        sa.Column("etag", sa.Text, nullable=False, server_default=""),
        sa.Column("last_modified", sa.Text, nullable=False, server_default=""),
        sa.Column("body_hash", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
