"""What a user is told when a request fails: their own mistake in full, our outage in general.

A topic that cannot be used, a time zone that does not exist: the message says why, and the
user can fix it. A database or index that cannot be reached is ours to fix; its message names
servers and URLs, which is for the admins' logs and /status, not for every member of a group.
"""

from __future__ import annotations

import logging

from core.errors import NewsdeskError, SearchIndexError, StoreError

log = logging.getLogger(__name__)

UNREACHABLE = "I can't reach the news right now. Please try again in a moment."


def for_users(exc: NewsdeskError) -> str:
    """The text a user sees for ``exc`` (plain text, not yet escaped)."""
    if isinstance(exc, StoreError | SearchIndexError):
        log.warning("a user's request failed: %s", exc)
        return UNREACHABLE
    return str(exc)
