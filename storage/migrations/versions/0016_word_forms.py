"""Word forms in alert matching: a story's headline and lead terms now also hold the places
their adjectives and demonyms name ("a Japanese leader" holds "japan"; core.terms.with_places).

The stored copies of those terms (``stories.terms``) are cleared: each is computed from its
article again, as for rows older than the column, so that old and new stories are compared
alike. Chunk terms, and so every process's lexical index, are unchanged: search reads text as
before (docs/benchmarks.md, "Word forms").

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Clear every story's stored headline and lead terms."""
    op.get_bind().execute(sa.text("UPDATE stories SET terms = NULL WHERE terms IS NOT NULL"))


def downgrade() -> None:
    """Not supported: restore a backup instead."""
    raise NotImplementedError("newsdesk migrations go forward only")
