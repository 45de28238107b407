"""One story, one alert, and when another outlet's report edits it: the rules, read off rows.

A chat is alerted to a story once: a new match of a story it was alerted to, or has queued,
queues nothing. Another outlet's report of a story already alerted is added to that alert (an
edit) when the alert is a message of its own (not a digest or a group of stories), its article
is still stored, and the report comes from another outlet. The repository (storage/alerts.py)
loads the rows these rules read and persists what they decide, in one transaction: so the rules
live in core, which storage may import, not in alerts/, which imports storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Sent:
    """A chat's ledger row for a story, as the rules read it."""

    message_id: int | None  # None: sent, but Telegram's message is not known
    source: str | None  # the alerted article's outlet (None: the article is gone)
    stories_in_message: int  # how many stories that message carried


class Decision(Enum):
    """What a new match of a story does for a chat."""

    QUEUE = "queue"  # alert it
    EDIT = "edit"  # add the report to the alert sent
    NOTHING = "nothing"


def on_match(sent: Sent | None, queued: bool, source: str) -> Decision:
    """A match of a story for a chat: queued when the chat was neither alerted to it nor has
    it queued; an edit of the alert sent when that alert is ``editable`` by this report."""
    if sent is None:
        return Decision.NOTHING if queued else Decision.QUEUE
    return Decision.EDIT if editable(sent, source) else Decision.NOTHING


def editable(sent: Sent, source: str) -> bool:
    """Whether a report from ``source`` can be added to the alert: a message of its own, whose
    article is still stored, from another outlet."""
    return (sent.message_id is not None and sent.stories_in_message == 1 and bool(source)
            and sent.source is not None and source != sent.source)


def edit_buttons(subscription_id: int | None,
                 stopped: bool) -> tuple[int | None, int | None]:
    """An edited alert's topic buttons: (the subscription to act on, the stopped one to
    restore with Undo); neither when the subscription is gone."""
    if subscription_id is None:
        return None, None
    return (None, subscription_id) if stopped else (subscription_id, None)
