"""The one error hierarchy of newsdesk.

    NewsdeskError                 anything newsdesk reports to a user or admin
    ├── ConfigError               settings that cannot work (bad URL, missing model, no token)
    ├── SourceError               one source or item could not be ingested; the rest goes on
    │   ├── FetchError            a URL was unreachable, refused, too large or not text
    │   └── ExtractionError       the input held no usable article (empty, binary, no main text)
    ├── StoreError                the database failed or is inconsistent
    │   ├── DatabaseUnavailable   the database cannot be reached or opened
    │   └── SchemaError           the database is on a schema this code does not know
    └── SearchIndexError          the vector or lexical index failed (Chroma down, bad data)

Handlers catch ``NewsdeskError`` (or a subclass) to show its message; anything else is a bug
and is logged with a traceback.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: its message is meant for the user."""


class ConfigError(NewsdeskError):
    """The configuration cannot work."""


class SourceError(NewsdeskError):
    """A source or an item of it could not be ingested."""


class FetchError(SourceError):
    """A URL could not be fetched."""


class ExtractionError(SourceError):
    """The input held no usable article."""


class StoreError(NewsdeskError):
    """The database failed."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened."""


class SchemaError(StoreError):
    """The database's schema is newer than this code (or not newsdesk's)."""


class SearchIndexError(NewsdeskError):
    """The vector or lexical index failed."""


class SourceListError(NewsdeskError):
    """A sources command cannot be done: no such source, or the name or location is taken."""


class ArticleNotFound(NewsdeskError):
    """No stored article matches (an admin's /forget URL)."""


class SubscriptionError(NewsdeskError):
    """A topic, time or time zone the user gave cannot be used (the message says why)."""
