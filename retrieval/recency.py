"""What a question says about time: "latest", "this week", "since March 3"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingest.dates import parse_published

_LATEST = re.compile(
    r"\b(latest|newest|most recent|recent(ly)?|current(ly)?|now|breaking)\b", re.I
)
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
    """A lower bound on publication time, and whether newer should rank higher."""

    since: datetime | None = None
    prefer_recent: bool = False


def time_intent(question: str, now: datetime) -> TimeIntent:
    """Read the time words of a question relative to ``now``."""
    since: datetime | None = None
    for pattern, window in _WINDOWS:
        if pattern.search(question):
            since = now - window
            break
    match = _SINCE.search(question)
    if match:
        parsed = parse_published(match.group(1))
        if parsed is not None and parsed.year < 1971:
            parsed = parsed.replace(year=now.year)
        since = parsed or since
    prefer_recent = bool(_LATEST.search(question)) or since is not None
    return TimeIntent(since=since, prefer_recent=prefer_recent)
