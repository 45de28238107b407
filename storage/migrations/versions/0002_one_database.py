"""One database for all state: UTC timestamps on every backend, conversations beside articles.

- ``published`` and ``fetched_at`` become UTCDateTime (timestamptz on PostgreSQL; on SQLite a
  fixed-width UTC ISO string, rewritten here from whatever offset the first release stored).
- ``published_ts`` goes: ``published`` itself now sorts in time order.
- ``conversation_turns`` moves in from the first release's separate conversations file
  (its rows are copied by storage/migrate.py, which knows where that file is).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime, to_sortable_text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Normalise timestamps, drop published_ts, add conversation_turns."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for column in ("published", "fetched_at"):
            op.alter_column(
                "articles", column, type_=sa.DateTime(timezone=True),
                postgresql_using=f"{column}::timestamptz",
            )
    else:
        _rewrite_sqlite_timestamps(bind)
    op.drop_index("articles_published", table_name="articles")
    op.drop_column("articles", "published_ts")
    op.create_index("articles_published_at", "articles", ["published"])
    op.create_table(
        "conversation_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("article_ids", sa.Text, nullable=False),
    )
    op.create_index("conversation_turns_chat_at", "conversation_turns", ["chat_id", "at"])


def _rewrite_sqlite_timestamps(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text("SELECT id, published, fetched_at FROM articles")).all()
    update = sa.text("UPDATE articles SET published = :published, fetched_at = :fetched_at"
                     " WHERE id = :id")
    changes = [
        {"id": row.id, "published": _utc_text(row.published),
         "fetched_at": _utc_text(row.fetched_at) or row.fetched_at}
        for row in rows
    ]
    if changes:
        bind.execute(update, changes)


def _utc_text(value: str | None) -> str | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return to_sortable_text(parsed)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
