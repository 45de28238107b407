"""Search terms for every script: CJK text as character pairs, letters never folded into others.

The first tokenizer made one term of a whole Japanese sentence, split Hindi words at their
vowel signs and folded kana voicing marks away (が became か). Chunks whose headline or text
is not plain ASCII get their terms again (ASCII text tokenizes exactly as before), and the
articles they belong to take a new revision so that running processes reload them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.terms import tokenize
from storage.meta import bump_revision

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")
_PAGE = 2000


def upgrade() -> None:
    """Recompute the terms of every chunk that is not plain ASCII."""
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
            if f"{title}{text}".isascii():
                continue
            fresh = " ".join(tokenize(f"{title}\n{text}"))  # as storage.articles.chunk_terms
            if fresh != terms:
                values.append({"a": article_id, "i": index, "terms": fresh})
                changed.add(article_id)
        if values:
            bind.execute(update, values)
        after = {"a": rows[-1][0], "i": rows[-1][1], "n": _PAGE}
    if changed:
        log.info("new search terms for %d articles in other scripts", len(changed))
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
