"""Forgotten articles: removed by an admin, never ingested again, dropped from lexical indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the forgotten_articles table."""
    op.create_table(
        "forgotten_articles",
        sa.Column("article_id", sa.Text, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("forgotten_at", UTCDateTime, nullable=False),
    )
    op.create_index("forgotten_articles_revision", "forgotten_articles", ["revision"])


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
