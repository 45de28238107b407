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
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.terms import tokenize
from storage.meta import bump_revision

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")
_PAGE = 2000


def upgrade() -> None:
    """Recompute the terms of every chunk whose terms the stemmer now writes otherwise."""
    bind = op.get_bind()
    select = sa.text(
        "SELECT c.article_id, c.idx, a.title, c.text, c.terms"
        " FROM chunks c JOIN articles a ON a.id = c.article_id"
        " WHERE c.article_id > :a OR (c.article_id = :a AND c.idx > :i)"
        " ORDER BY c.article_id, c.idx LIMIT :n"
    )
    update = sa.text("UPDATE chunks SET terms = :terms WHERE article_id = :a AND idx = :i")
    changed: set[str] = set()
    after: dict[str, Any] = {"a": "", "i": -1, "n": _PAGE}
    while rows := bind.execute(select, after).all():
        values = []
        for article_id, index, title, text, terms in rows:
            fresh = " ".join(tokenize(f"{title}\n{text}"))  # as storage.articles.chunk_terms
            if fresh != terms:
                values.append({"a": article_id, "i": index, "terms": fresh})
                changed.add(article_id)
        if values:
            bind.execute(update, values)
        after = {"a": rows[-1][0], "i": rows[-1][1], "n": _PAGE}
    bind.execute(sa.text("UPDATE stories SET terms = NULL WHERE terms IS NOT NULL"))
    if changed:
        log.info("new search terms for %d articles (plurals of words ending in e)",
                 len(changed))
        stamp = bump_revision(bind)
        ids = sorted(changed)
        for start in range(0, len(ids), 500):
            bind.execute(
                sa.text("UPDATE articles SET revision = :r WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)),
                {"r": stamp, "ids": ids[start : start + 500]},
            )


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
