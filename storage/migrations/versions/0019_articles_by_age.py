"""An index on when each article was stored: retention finds the articles due (stored before
its cutoff, the longest stored first) and `stats` / `/status` read the archive's age through
it instead of reading every article.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index articles by the time they were stored."""
    op.create_index("articles_fetched_at", "articles", ["fetched_at"])


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
