"""The quotes each conversation turn showed, so a follow-up moves on instead of repeating them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add conversation_turns.quoted: a JSON list of [article id, start, end]."""
    op.add_column("conversation_turns",
                  sa.Column("quoted", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
