"""Stop with Undo: a stopped subscription is kept (marked) so Undo restores it as it was; the
sent ledger names the subscription that alerted, so a respelled topic keeps its alert's buttons.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add subscriptions.stopped_at and sent_alerts.subscription_id (filled in by topic)."""
    op.add_column("subscriptions", sa.Column("stopped_at", UTCDateTime, nullable=True))
    op.add_column("sent_alerts", sa.Column("subscription_id", sa.Integer, nullable=True))
    subscriptions = sa.table("subscriptions", sa.column("id"), sa.column("chat_id"),
                             sa.column("topic"))
    sent = sa.table("sent_alerts", sa.column("chat_id"), sa.column("topic"),
                    sa.column("subscription_id"))
    op.execute(sa.update(sent).values(subscription_id=sa.select(subscriptions.c.id).where(
        subscriptions.c.chat_id == sent.c.chat_id, subscriptions.c.topic == sent.c.topic,
    ).limit(1).scalar_subquery()))


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
