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

from alembic import op

from storage.term_rewrite import rewrite_chunk_terms

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("newsdesk.migrations")


def upgrade() -> None:
    """Recompute the terms of every chunk that is not plain ASCII."""
    bind = op.get_bind()
    # ASCII text tokenizes as before: only the rest is read again
    changed = rewrite_chunk_terms(bind, lambda text: not text.isascii())
    if changed:
        log.info("new search terms for %d articles in other scripts", changed)


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
