"""Retention per source: how long a source's articles are kept (``sources.keep_days``; NULL
follows NEWSDESK_RETENTION_DAYS), and which registered sources brought each article
(``article_sources``). Articles stored before this revision have no such row: the global
retention alone applies to them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the per-source retention column and the article–source links."""
    op.add_column("sources", sa.Column("keep_days", sa.Integer, nullable=True))
    op.create_table(
        "article_sources",
        sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("article_sources_source", "article_sources", ["source_id"])


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
