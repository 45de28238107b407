"""Lexical search is fed from the database: each chunk's terms and text, each article's revision.

It replaces the per-machine bm25s folder (DATA_DIR/bm25), which every ingest rebuilt whole and
two writers could collide on. Every process now keeps its own BM25 index in memory, loads it
from ``chunks.terms`` once and then follows the articles whose ``revision`` is newer than what
it has seen. Chunks also keep their own text, so search need not read whole articles.
Existing chunks get their terms and text here, from the stored articles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.terms import tokenize

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")
_BATCH = 2000


def upgrade() -> None:
    """Add chunks.text, chunks.terms and articles.revision; fill them from the articles."""
    op.add_column("chunks", sa.Column("text", sa.Text, nullable=False, server_default=""))
    op.add_column("chunks", sa.Column("terms", sa.Text, nullable=False, server_default=""))
    op.add_column("articles", sa.Column("revision", sa.Integer, nullable=False,
                                        server_default="0"))
    op.create_index("articles_revision", "articles", ["revision"])
    bind = op.get_bind()
    # every stored article counts as written at the current revision
    bind.execute(sa.text(
        "UPDATE articles SET revision = COALESCE("
        "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'), 0)"
    ))
    _fill_terms(bind)


def _fill_terms(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text(
        'SELECT c.article_id, c.idx, a.title, substr(a.text, c.start + 1, c."end" - c.start)'
        " FROM chunks c JOIN articles a ON a.id = c.article_id"
    )).all()
    if rows:
        log.info("storing the text and terms of %d chunks", len(rows))
    update = sa.text("UPDATE chunks SET text = :text, terms = :terms"
                     " WHERE article_id = :a AND idx = :i")
    for start in range(0, len(rows), _BATCH):
        values: list[dict[str, Any]] = [
            # as core.terms.chunk_terms (then storage.articles) writes them
            {"a": article_id, "i": index, "text": text,
             "terms": " ".join(tokenize(f"{title}\n{text}"))}
            for article_id, index, title, text in rows[start : start + _BATCH]
        ]
        bind.execute(update, values)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
