"""Lexical search in the database engine reads each query term's best postings only: a table
of postings keyed (term, impact, chunk), kept by the engine in the transaction that writes or
removes the chunk; see storage/lexical_search.py.

Built here from every stored chunk (on SQLite the chunk triggers of 0018 are made again with
the postings' statements; on PostgreSQL chunks are numbered in ``chunk_search_ids`` as on
SQLite, and a trigger of its own keeps both).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from storage.lexical_search import create_postings

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")


def upgrade() -> None:
    """Create the postings of every stored chunk, ordered by impact within each term."""
    bind = op.get_bind()
    chunks = int(bind.execute(sa.text("SELECT count(*) FROM chunks")).scalar() or 0)
    if chunks:
        log.info("building the database's postings by impact over %d chunks", chunks)
    create_postings(bind)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
