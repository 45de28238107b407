"""Lexical search in the database engine: SQLite FTS5 and PostgreSQL tsvector + GIN, fed with
the terms stored with each chunk, and the counts BM25 needs (each term's chunks, the totals);
see storage/lexical_search.py.

The index is built here from every stored chunk and kept from then on by the engine itself
(triggers, and on PostgreSQL a generated column) in the transaction that writes or removes the
chunk. NEWSDESK_LEXICAL_ENGINE chooses whether search reads it (``database``) or keeps its
in-memory index (``memory``); both are always in step.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from storage.lexical_search import create_engine_index

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")


def upgrade() -> None:
    """Create the engine's lexical index over the stored chunks."""
    bind = op.get_bind()
    chunks = int(bind.execute(sa.text("SELECT count(*) FROM chunks")).scalar() or 0)
    if chunks:
        log.info("building the database's lexical index over %d chunks", chunks)
    create_engine_index(bind, postings=False)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
