"""The lexical index moves into the database: chunk_terms, and each chunk's length in terms.

It replaces the per-machine bm25s folder (DATA_DIR/bm25), which every ingest rebuilt whole and
two writers could collide on. Existing chunks get their terms here, from the stored text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.terms import tokenize

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")
_BATCH = 500


def upgrade() -> None:
    """Add chunks.terms and chunk_terms, then fill them from the stored articles."""
    op.add_column("chunks", sa.Column("terms", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "chunk_terms",
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("tf", sa.Integer, nullable=False),
        sa.Column("length", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("term", "article_id", "idx"),
        sa.ForeignKeyConstraint(
            ["article_id", "idx"], ["chunks.article_id", "chunks.idx"], ondelete="CASCADE"
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("chunk_terms_chunk", "chunk_terms", ["article_id", "idx"])
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    select = sa.text(
        'SELECT c.article_id, c.idx, a.title, substr(a.text, c.start + 1, c."end" - c.start)'
        " FROM chunks c JOIN articles a ON a.id = c.article_id"
        " ORDER BY c.article_id, c.idx"
    )
    rows = bind.execute(select).all()
    if rows:
        log.info("indexing the terms of %d stored chunks", len(rows))
    for start in range(0, len(rows), _BATCH):
        lengths: list[dict[str, Any]] = []
        postings: list[dict[str, Any]] = []
        for article_id, index, title, text in rows[start : start + _BATCH]:
            counts = Counter(tokenize(f"{title}\n{text}"))  # as storage.postings indexes it
            length = sum(counts.values())
            lengths.append({"a": article_id, "i": index, "n": length})
            postings += [{"term": t, "article_id": article_id, "idx": index, "tf": n,
                          "length": length} for t, n in counts.items()]
        bind.execute(sa.text("UPDATE chunks SET terms = :n WHERE article_id = :a AND idx = :i"),
                     lengths)
        if postings:
            bind.execute(
                sa.text("INSERT INTO chunk_terms (term, article_id, idx, tf, length)"
                        " VALUES (:term, :article_id, :idx, :tf, :length)"),
                postings,
            )


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
