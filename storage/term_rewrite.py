"""Migrations that change how text becomes terms rewrite the stored chunk terms through here.

The terms are written by ``core.terms.chunk_terms``, as every save writes them; the
engine's lexical index follows by its triggers, in the same transaction (on PostgreSQL its
counters are counted again once at the end instead: storage.lexical_search), and the changed
articles take a new revision so that every running process reloads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.terms import chunk_terms
from storage.lexical_search import counters_recounted_after
from storage.meta import bump_revision

_PAGE = 2000


def rewrite_chunk_terms(bind: Connection,
                        wanted: Callable[[str], bool] = lambda text: True) -> int:
    """Give every chunk whose headline and text pass ``wanted`` the terms ``tokenize`` writes
    now, where they differ; the number of articles that changed."""
    select = sa.text(
        "SELECT c.article_id, c.idx, a.title, c.text, c.terms"
        " FROM chunks c JOIN articles a ON a.id = c.article_id"
        " WHERE c.article_id > :a OR (c.article_id = :a AND c.idx > :i)"
        " ORDER BY c.article_id, c.idx LIMIT :n"
    )
    update = sa.text("UPDATE chunks SET terms = :terms WHERE article_id = :a AND idx = :i")
    changed: set[str] = set()
    after: dict[str, Any] = {"a": "", "i": -1, "n": _PAGE}
    with counters_recounted_after(bind):
        while rows := bind.execute(select, after).all():
            values = []
            for article_id, index, title, text, terms in rows:
                if not wanted(f"{title}{text}"):
                    continue
                fresh = chunk_terms(title, text)
                if fresh != terms:
                    values.append({"a": article_id, "i": index, "terms": fresh})
                    changed.add(article_id)
            if values:
                bind.execute(update, values)
            after = {"a": rows[-1][0], "i": rows[-1][1], "n": _PAGE}
    if changed:
        stamp = bump_revision(bind)
        ids = sorted(changed)
        for start in range(0, len(ids), 500):
            bind.execute(
                sa.text("UPDATE articles SET revision = :r WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)),
                {"r": stamp, "ids": ids[start : start + 500]},
            )
    return len(changed)
