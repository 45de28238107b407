"""Readers teach their topics: each 👍 / 👎 on a story, and the bar a subscription learned.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add subscription_taps and subscriptions.threshold / taps."""
    op.add_column("subscriptions", sa.Column("threshold", sa.Float, nullable=True))
    op.add_column("subscriptions", sa.Column("taps", sa.Integer, nullable=False,
                                             server_default="0"))
    op.create_table(
        "subscription_taps",
        sa.Column("subscription_id", sa.Integer,
                  sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("liked", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("tapped_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("subscription_id", "article_id"),
    )


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
