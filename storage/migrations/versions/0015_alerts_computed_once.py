"""Alerts computed once: an alert's quotes are kept from its match to its edits, a story's lead
terms with its lead vector.

Rows written before this have none (NULL): they are computed from the article as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add alert_outbox.quotes, sent_alerts.quotes and stories.terms."""
    op.add_column("alert_outbox", sa.Column("quotes", sa.Text, nullable=True))
    op.add_column("sent_alerts", sa.Column("quotes", sa.Text, nullable=True))
    op.add_column("stories", sa.Column("terms", sa.Text, nullable=True))


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
