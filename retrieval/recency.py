"""What a question says about time: "latest", "this week", "since March 3"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingest.dates import parse_published

# "the new prime minister" is the latest one; "the New York Times" is not (lowercase only)
_LATEST = re.compile(
    r"\b(latest|newest|most recent|recent(ly)?|current(ly)?|now|breaking|(?-i:the new))\b", re.I
)
# A question in the present progressive, or about what remains, asks about now: "which virus
# is spreading…", "which product remains hard to find…" ("Who is Xi Jinping?" does not)
_ONGOING = re.compile(
    r"\b(?:is|are)\s+(?:\w+ly\s+)?(?!(?:every|any|some|no)?thing\b|king\b|morning\b"
    r"|evening\b|spring\b)(?-i:[a-z]\w*ing)\b|\b(?:remains?|still|ongoing)\b", re.IGNORECASE)
_WINDOWS = (
    (re.compile(r"\btoday\b|\bthis morning\b|\btonight\b", re.I), timedelta(days=1)),
    (re.compile(r"\byesterday\b", re.I), timedelta(days=2)),
    (re.compile(r"\b(this|past|last) week\b|\bthis weekend\b", re.I), timedelta(days=7)),
    (re.compile(r"\b(this|past|last) month\b", re.I), timedelta(days=31)),
    (re.compile(r"\b(this|past|last) year\b", re.I), timedelta(days=366)),
)
_SINCE = re.compile(
    r"\b(?:since|after)\s+([A-Za-z]{3,9}\.? \d{1,2}(?:,? \d{4})?|\d{4}-\d{2}-\d{2})", re.I
)


@dataclass(frozen=True)
class TimeIntent:
    """What the question says about time.

    ``since`` is a hard lower bound, from an explicit date ("since March 3"). ``window`` is a
    soft one ("this week"): stories inside it rank higher, older ones still count, because the
    newest story on a topic may be older than the user thinks.
    """

    since: datetime | None = None
    window: datetime | None = None
    prefer_recent: bool = False
    latest: bool = False  # asks for the latest in words ("latest", "current", "the new")


def time_intent(question: str, now: datetime) -> TimeIntent:
    """Read the time words of a question relative to ``now``."""
    window: datetime | None = None
    for pattern, span in _WINDOWS:
        if pattern.search(question):
            window = now - span
            break
    since: datetime | None = None
    match = _SINCE.search(question)
    if match:
        since = parse_published(match.group(1), allow_future=True)
        if since is not None and since.year < 1971:
            since = since.replace(year=now.year)
    latest = bool(_LATEST.search(question))
    prefer_recent = latest or window is not None or since is not None or bool(
        _ONGOING.search(question))
    return TimeIntent(since=since, window=window, prefer_recent=prefer_recent, latest=latest)
