"""Alerts computed once, second step: a subscription keeps its parsed topic and the topic's
vector, a story its headline's vector, each with the embedding model that made it.

Rows written before this have none (NULL): matching parses and embeds their topics once, on
first use, and stores them (a migration cannot load the model); a story's headline is embedded
when it is next matched.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add subscriptions.topic_parsed, topic_vector and topic_model, and stories.headline,
    headline_vector and model."""
    op.add_column("subscriptions", sa.Column("topic_parsed", sa.Text, nullable=True))
    op.add_column("subscriptions", sa.Column("topic_vector", sa.LargeBinary, nullable=True))
    op.add_column("subscriptions", sa.Column("topic_model", sa.Text, nullable=True))
    op.add_column("stories", sa.Column("headline", sa.Text, nullable=True))
    op.add_column("stories", sa.Column("headline_vector", sa.LargeBinary, nullable=True))
    op.add_column("stories", sa.Column("model", sa.Text, nullable=True))


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
