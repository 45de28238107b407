"""Every table newsdesk keeps, in one place (SQLAlchemy Core).

Core rather than the ORM: the values are immutable dataclasses already, the writes are bulk
upserts and deletes, and repositories shared between threads hold no session state.
Migrations (``storage/migrations``) must keep the database equal to this.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.types import UTCDateTime

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("published", UTCDateTime, nullable=True),
    sa.Column("authors", sa.Text, nullable=False),  # a JSON list of names
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
    # which version the search indexes hold; differs from content_hash while pending
    sa.Column("indexed_hash", sa.Text, nullable=True),
    # the write that stored this version (meta "revision"): lexical indexes catch up from it
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Index("articles_hash", "content_hash"),
    sa.Index("articles_published_at", "published"),
    sa.Index("articles_revision", "revision"),
    sa.Index("articles_fetched_at", "fetched_at"),  # retention: the longest stored first
)
# Articles whose current version the search indexes do not hold yet (storage.articles.PENDING,
# the same expression: the engines use a partial index only for the condition it was made
# with). Every ingest lists them first; without it that was a read of every article.
PENDING_ARTICLES = sa.or_(articles.c.indexed_hash.is_(None),
                          articles.c.indexed_hash != articles.c.content_hash)
sa.Index("articles_pending", articles.c.id, sqlite_where=PENDING_ARTICLES,
         postgresql_where=PENDING_ARTICLES)

chunks = sa.Table(
    "chunks",
    metadata,
    sa.Column(
        "article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    # articles.text[start:end], kept beside the span so search reads a few small rows instead
    # of whole (on PostgreSQL: compressed, out-of-line) articles
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    # the chunk's terms (core.terms.tokenize of headline and text), space-separated: what
    # every process's lexical index is fed from, written in the same transaction as the chunk
    sa.Column("terms", sa.Text, nullable=False, server_default=""),
    sa.PrimaryKeyConstraint("article_id", "idx"),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

conversation_turns = sa.Table(
    "conversation_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("article_ids", sa.Text, nullable=False),  # a JSON list of article ids
    # a JSON list of [article id, start, end]: the quotes the turn's answer showed
    sa.Column("quoted", sa.Text, nullable=False, server_default="[]"),
    sa.Index("conversation_turns_chat_at", "chat_id", "at"),
)

# Who may write the search indexes right now: one ingest (or reindex) at a time, on any machine.
leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),  # "host:pid"
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

# What to ingest and how it is doing: declared in the sources file or added by an admin.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("location", sa.Text, nullable=False, unique=True),  # URL or absolute path
    sa.Column("kind", sa.Text, nullable=False),  # url | feed | page | folder | file
    sa.Column("outlet", sa.Text, nullable=False, server_default=""),  # "": the feed's title
    sa.Column("origin", sa.Text, nullable=False),  # config (the sources file) | added
    sa.Column("interval_minutes", sa.Integer, nullable=True),  # None: the default
    sa.Column("ttl_minutes", sa.Integer, nullable=True),  # the feed's own <ttl>
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("paused_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.Column("next_due_at", UTCDateTime, nullable=True),  # None: due now
    sa.Column("last_attempt_at", UTCDateTime, nullable=True),
    sa.Column("last_success_at", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, server_default=""),
    sa.Column("failing_since", UTCDateTime, nullable=True),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("items_seen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_new_item_at", UTCDateTime, nullable=True),
    sa.Column("etag", sa.Text, nullable=False, server_default=""),
    sa.Column("last_modified", sa.Text, nullable=False, server_default=""),
    sa.Column("body_hash", sa.Text, nullable=False, server_default=""),
    sa.Column("keep_days", sa.Integer, nullable=True),  # retention of its articles; None: global
)

# Which registered source brought each article (an article may come through several): per-source
# retention keeps an article as long as the longest-keeping of them.
article_sources = sa.Table(
    "article_sources",
    metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Index("article_sources_source", "source_id"),
)

# Articles an admin removed with /forget: kept out of every later ingest, and, by revision,
# removed from every process's in-memory lexical index.
forgotten_articles = sa.Table(
    "forgotten_articles",
    metadata,
    sa.Column("article_id", sa.Text, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("forgotten_at", UTCDateTime, nullable=False),
    sa.Index("forgotten_articles_revision", "revision"),
)

# Chats that subscribed to topics: where and when their alerts go.
chats = sa.Table(
    "chats",
    metadata,
    sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.Text, nullable=False, server_default="private"),  # private | group …
    sa.Column("timezone", sa.Text, nullable=False, server_default="UTC"),  # IANA name
    sa.Column("digest_time", sa.Text, nullable=False, server_default="08:00"),  # local HH:MM
    sa.Column("quiet_start", sa.Text, nullable=True),  # local HH:MM; None: no quiet hours
    sa.Column("quiet_end", sa.Text, nullable=True),
    # False once Telegram said the chat is gone (403, chat not found); its data is kept
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("inactive_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("last_digest_at", UTCDateTime, nullable=True),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("thread_id", sa.BigInteger, nullable=True),  # a forum topic's thread
    sa.Column("topic", sa.Text, nullable=False),  # alerts.topics.Topic.text
    sa.Column("topic_key", sa.Text, nullable=False),
    sa.Column("mode", sa.Text, nullable=False, server_default="instant"),  # instant | digest
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_alert_at", UTCDateTime, nullable=True),
    # "Stop this topic" under an alert: kept, not matched, until Undo or a new /subscribe
    sa.Column("stopped_at", UTCDateTime, nullable=True),
    # what its reader's 👍 / 👎 taught it (alerts.learning): None is the shipped bar
    sa.Column("threshold", sa.Float, nullable=True),
    sa.Column("taps", sa.Integer, nullable=False, server_default="0"),
    # its topic as matching reads it, kept when it was made (alerts.kept; NULL: computed and
    # kept on first use): the parsed topic as JSON, its vector (float32) and the model's name
    sa.Column("topic_parsed", sa.Text, nullable=True),
    sa.Column("topic_vector", sa.LargeBinary, nullable=True),
    sa.Column("topic_model", sa.Text, nullable=True),
    sa.UniqueConstraint("chat_id", "topic_key", name="subscriptions_chat_topic"),
)

# A reader's 👍 / 👎 on a story under an alert or a /subscribe preview, one per story. The
# story's score for the topic is kept, not a reference: a tap outlives its article.
subscription_taps = sa.Table(
    "subscription_taps",
    metadata,
    sa.Column("subscription_id", sa.Integer,
              sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("liked", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("tapped_at", UTCDateTime, nullable=False),
    sa.PrimaryKeyConstraint("subscription_id", "article_id"),
)

# Which story each matched article tells: two outlets' reports of one event share a story.
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("story_id", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),  # when the article was first matched
    sa.Column("vector", sa.LargeBinary, nullable=True),  # the article's lead, float32
    # its headline's and lead's terms, space-separated: later matches never re-read the lead
    sa.Column("terms", sa.Text, nullable=True),
    # the headline embedded, its vector (float32) and the model that made it: a later match
    # or a tap's score never embeds it again
    sa.Column("headline", sa.Text, nullable=True),
    sa.Column("headline_vector", sa.LargeBinary, nullable=True),
    sa.Column("model", sa.Text, nullable=True),
    sa.Index("stories_at", "at"),
)

# Alerts to send, written in the transaction that matched them; deleted when sent.
alert_outbox = sa.Table(
    "alert_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.BigInteger, sa.ForeignKey("chats.chat_id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("subscription_id", sa.Integer,
              sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("story_id", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("not_before", UTCDateTime, nullable=True),  # a retry's earliest time
    # why it matched, verified when matched: JSON [[snippet, start, end], ...]
    sa.Column("quotes", sa.Text, nullable=True),
    sa.UniqueConstraint("chat_id", "story_id", name="alert_outbox_chat_story"),
)

# Every story each chat was alerted to: never twice, and "also reported by" edits the first.
sent_alerts = sa.Table(
    "sent_alerts",
    metadata,
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("story_id", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("message_id", sa.BigInteger, nullable=True),
    sa.Column("sent_at", UTCDateTime, nullable=False),
    # the subscription that alerted (None before 0013 found none): its buttons, however the
    # topic is spelled since; no foreign key, the ledger outlives a removed subscription
    sa.Column("subscription_id", sa.Integer, nullable=True),
    sa.Column("quotes", sa.Text, nullable=True),  # the alert's quotes, as sent (JSON)
    sa.PrimaryKeyConstraint("chat_id", "story_id"),
    sa.Index("sent_alerts_sent_at", "sent_at"),
)

# Another outlet's report of a story a chat was alerted to: one line each under that alert.
alert_edits = sa.Table(
    "alert_edits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("story_id", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=True),  # the alert shows it since
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("not_before", UTCDateTime, nullable=True),
    sa.UniqueConstraint("chat_id", "story_id", "source", name="alert_edits_chat_story_source"),
)

# Questions an admin has yet to answer (/addsource, /forget): their buttons carry the token, so
# an answer works after a restart and on any worker, once, until it expires.
confirmations = sa.Table(
    "confirmations",
    metadata,
    sa.Column("token", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),  # addsource | forget | more (an answer's)
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=False),  # who asked
    sa.Column("payload", sa.Text, nullable=False),  # a JSON object: what to do once confirmed
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime, nullable=True),  # answered: pressing again does nothing
    sa.Index("confirmations_expires_at", "expires_at"),
)

# Linked pages of feed items that could not be fetched: tried again later and later, then left
# (the feed's own text stands), instead of waiting for the same failure at every ingest.
page_failures = sa.Table(
    "page_failures",
    metadata,
    sa.Column("page_id", sa.Text, primary_key=True),  # article_id(url) of the page
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),  # in a row
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Column("last_attempt_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=True),  # None: not tried again
)
