"""Topic alerts: chats, subscriptions, stories, the alert outbox and the sent ledger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the alert tables."""
    op.create_table(
        "chats",
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.Text, nullable=False, server_default="private"),
        sa.Column("timezone", sa.Text, nullable=False, server_default="UTC"),
        sa.Column("digest_time", sa.Text, nullable=False, server_default="08:00"),
        sa.Column("quiet_start", sa.Text, nullable=True),
        sa.Column("quiet_end", sa.Text, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("inactive_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("last_digest_at", UTCDateTime, nullable=True),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger,
                  sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), nullable=False),
        sa.Column("thread_id", sa.BigInteger, nullable=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("topic_key", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False, server_default="instant"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_alert_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint("chat_id", "topic_key", name="subscriptions_chat_topic"),
    )
    op.create_table(
        "stories",
        sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("story_id", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=True),
    )
    op.create_index("stories_at", "stories", ["at"])
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger,
                  sa.ForeignKey("chats.chat_id", ondelete="CASCADE"), nullable=False),
        sa.Column("subscription_id", sa.Integer,
                  sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("story_id", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("not_before", UTCDateTime, nullable=True),
        sa.UniqueConstraint("chat_id", "story_id", name="alert_outbox_chat_story"),
    )
    op.create_table(
        "sent_alerts",
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("story_id", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("sent_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "story_id"),
    )
    op.create_index("sent_alerts_sent_at", "sent_alerts", ["sent_at"])


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
