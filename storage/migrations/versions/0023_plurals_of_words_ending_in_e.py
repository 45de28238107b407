"""Plurals of words ending in e: "prices" is now the term "price", as "price" is, not "pric".

The light stemmer cut "es" from every plural, so "hurricanes", "prices" and "cases" never met
"hurricane", "price" and "case" in search or alert matching (a subscription to "hurricanes"
scored every hurricane story under 0.30). It now cuts "es" only after a hiss ("boxes",
"churches", "wishes") and otherwise only the "s" (core.terms.stem). Every chunk whose stored
terms change gets them again, in pages; the lexical index's triggers follow in the same
transaction (FTS5, postings and counters on SQLite, the tsvector and postings on PostgreSQL),
and the articles take a new revision so that running processes reload them. Stored story
terms (alert matching's headlines and leads) are cleared and computed again on first use, as
0016 did. Minutes on a large archive: every chunk is read and most English ones rewritten.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from storage.term_rewrite import rewrite_chunk_terms

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")


def upgrade() -> None:
    """Recompute the terms of every chunk whose terms the stemmer now writes otherwise."""
    bind = op.get_bind()
    changed = rewrite_chunk_terms(bind)
    bind.execute(sa.text("UPDATE stories SET terms = NULL WHERE terms IS NOT NULL"))
    if changed:
        log.info("new search terms for %d articles (plurals of words ending in e)", changed)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
