"""Alerts: matching what was ingested against every subscription, and what to send when.

Matching follows the articles' revisions with a cursor kept in the database, so every ingest
is matched once, whichever process ran it; only the scheduler process matches and delivers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from alerts.kept import dumped_topic, kept_headline, kept_topic_vector, to_keep, topic_of
from alerts.learning import Tap, learned_threshold
from alerts.matching import (
    LEAD_CHARS,
    Interest,
    NewArticle,
    TopicMatcher,
    UpFront,
)
from alerts.quotes import why_quotes
from alerts.stories import StoryLead, assign_stories
from alerts.timing import digest_due, next_digest_time, quiet_until
from alerts.topics import Topic, archive_spelling, looks_like_name, parse_topic
from bot.services.subscriptions import TopicPreview
from core.errors import ArticleNotFound, SearchIndexError, SubscriptionError
from core.models import DIGEST, Subscription, chunk_id
from core.terms import tokenize
from retrieval.quoting import Quote, is_verbatim
from storage.alerts import (
    AlertRepository,
    ChangedArticle,
    CursorMoved,
    NewAlert,
    PendingAlert,
    PendingEdit,
    QuoteSpan,
    StoryRow,
)
from storage.articles import ArticleRepository
from storage.subscriptions import KeptTopic, SubscriptionRepository, Tapped, TapRow

if TYPE_CHECKING:
    from retrieval.search import HybridSearcher
    from retrieval.vector_store import VectorStore

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

MATCH_BATCH = 200  # articles matched per transaction
STORY_WINDOW = timedelta(days=7)  # how far back a repeated story is recognised
STUCK_AFTER = timedelta(minutes=30)  # an article never indexed stops holding matching up
GROUP_FROM = 3  # this many instant alerts at once go out as one message
MAX_PLANNED = 2000  # outbox rows looked at per delivery round
MAX_EDITS = 200  # alerts edited per delivery round
CLOSE_CALLS = 2  # stories just below the bar a /subscribe preview offers to tap
NEAR = 0.08  # how far below the bar a close call may score (alerts/learning.py says why)
GONE = "That topic is no longer followed here."


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a single alert, or several stories grouped (digest, quiet end)."""

    chat_id: int
    thread_id: int | None
    alerts: tuple[PendingAlert, ...]
    digest: bool = False
    quotes: tuple[Quote, ...] = ()  # a single alert's reasons, verbatim
    headline: str = ""  # a grouped message's title
    story_quotes: tuple[Quote | None, ...] = ()  # grouped: each alert's best reason

    @property
    def single(self) -> PendingAlert | None:
        """The alert, when this message carries just one story and is not a digest."""
        return self.alerts[0] if len(self.alerts) == 1 and not self.digest else None


@dataclass(frozen=True)
class Edit:
    """An alert to show again with the other outlets that reported its story."""

    pending: PendingEdit
    quotes: tuple[Quote, ...]  # the alert's reasons, as first sent


@dataclass
class MatchRun:
    """What one round of matching did."""

    articles: int = 0
    matches: int = 0
    queued: int = 0
    skipped_old: int = 0


class AlertService:
    """Matches new articles to subscriptions and plans the messages that carry them."""

    def __init__(
        self, alerts: AlertRepository, subscriptions: SubscriptionRepository,
        articles: ArticleRepository, *, matcher: Callable[[], TopicMatcher],
        vectors: Callable[[], VectorStore], searcher: Callable[[], HybridSearcher],
        max_age: timedelta, clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._alerts = alerts
        self._subscriptions = subscriptions
        self._articles = articles
        self._matcher = matcher
        self._vectors = vectors
        self._searcher = searcher
        self._max_age = max_age
        self._clock = clock
        self._reopened = False

    # --- matching ------------------------------------------------------------------------

    def match_new(self) -> MatchRun:
        """Match every article written since the last round; queue their alerts."""
        total = MatchRun()
        cursor = self._alerts.cursor()
        if cursor is None:
            self._alerts.start_cursor()  # no subscription yet: nothing written so far alerts
            return total
        audience: list[tuple[Subscription, Interest]] | None = None  # read once per round
        while True:
            changed = self._alerts.changed_since(cursor, MATCH_BATCH)
            ready = self._ready_prefix(changed)
            if not ready:
                return total
            new_cursor = ready[-1].revision
            if audience is None and any(a.indexed for a in ready):
                audience = self._audience()
            try:
                run = self._match_batch(cursor, new_cursor, ready, audience or [])
            except CursorMoved:
                log.info("another process matched these articles first")
                return total
            total.articles += run.articles
            total.matches += run.matches
            total.queued += run.queued
            total.skipped_old += run.skipped_old
            cursor = new_cursor
            if len(changed) < MATCH_BATCH:
                return total

    def _audience(self) -> list[tuple[Subscription, Interest]]:
        """Every reachable subscription as matching reads it: its topic and vector as kept
        when it was made; those kept by none (older rows, another model) computed now, in
        one call, and stored."""
        model = self._matcher().model
        followed = self._subscriptions.followed()
        stale = [f for f in followed if to_keep(f, model)]
        kept = dict(zip([f.subscription.id for f in stale],
                        self.kept([topic_of(f) for f in stale]), strict=True))
        if kept:
            self._subscriptions.keep_topics({f.subscription.id: (f.topic, kept[f.subscription.id])
                                             for f in stale})
        audience = []
        for f in followed:
            s = f.subscription
            vector = (kept[s.id].vector if s.id in kept else kept_topic_vector(f, model))
            audience.append((s, Interest(s.id, topic_of(f), s.created_at, s.threshold,
                                         vector)))
        return audience

    def kept(self, topics: Sequence[Topic]) -> list[KeptTopic]:
        """What a subscription keeps of each topic: its parse, and its meaning's vector."""
        matcher = self._matcher()
        meaning = [t for t in topics if t.meaning]
        vectors = iter(matcher.topic_vectors(meaning) if meaning else [])
        return [KeptTopic(dumped_topic(t), next(vectors) if t.meaning else None,
                          matcher.model) for t in topics]

    def _ready_prefix(self, changed: Sequence[ChangedArticle]) -> list[ChangedArticle]:
        """The articles up to the first one whose vectors are not written yet."""
        ready = []
        stuck_before = self._clock() - STUCK_AFTER
        for article in changed:
            if not article.indexed and article.fetched_at > stuck_before:
                break
            ready.append(article)
        return ready

    def _match_batch(self, cursor: int, new_cursor: int, changed: Sequence[ChangedArticle],
                     audience: Sequence[tuple[Subscription, Interest]]) -> MatchRun:
        now = self._clock()
        run = MatchRun(articles=len(changed))
        oldest = now - self._max_age
        fresh = [a for a in changed if a.indexed and a.dated >= oldest]
        run.skipped_old = sum(1 for a in changed if a.indexed) - len(fresh)
        if not fresh or not audience:
            self._alerts.record(cursor, new_cursor, [], [], now)
            return run
        matcher = self._matcher().for_round()
        candidates = self._with_vectors(fresh)
        if any(i.topic.meaning for _, i in audience):  # phrases alone need no headline vector
            candidates = matcher.with_headlines(candidates)  # embedded once, kept
        matches = matcher.match([i for _, i in audience], candidates)
        run.matches = len(matches)
        matched = {m.article_id for m in matches}
        leads = {c.article_id: StoryLead(c.article_id, c.title,
                                         c.vectors[0] if len(c.vectors) else None,
                                         terms=c.up_front.lead, when=a.dated)
                 for a, c in zip(fresh, candidates, strict=True) if c.article_id in matched}
        headline_of = {c.article_id: c.headline for c in candidates}
        known = self._alerts.stories_of(sorted(leads))
        recent = [StoryLead(r.article_id, r.title, r.vector, r.story_id,
                            UpFront.of(r.title, r.lead).lead if r.terms is None else r.terms,
                            r.when)
                  for r in self._alerts.recent_stories(now - STORY_WINDOW, LEAD_CHARS)]
        story_of = {**assign_stories([v for k, v in leads.items() if k not in known], recent,
                                     weights=matcher.weights),
                    **known}
        # a story stored already keeps its lead; its headline's vector is brought up to date
        new_stories = [StoryRow(k, v.title, story_of[k], v.vector, terms=v.terms,
                                headline_vector=headline_of[k], model=matcher.model)
                       for k, v in leads.items()]
        chat_of = {s.id: s.chat_id for s, _ in audience}
        topic_of = {i.subscription_id: i.topic for _, i in audience}
        text_of = {c.article_id: c.text for c in candidates}
        reasons: dict[tuple[str, str], tuple[QuoteSpan, ...]] = {}  # many chats, one topic
        alerts = []
        for m in sorted(matches, key=lambda m: -m.score):
            topic = topic_of[m.subscription_id]
            key = (m.article_id, topic.text)
            if key not in reasons:  # computed once, here, with the text at hand
                reasons[key] = tuple((q.snippet, q.start, q.end)
                                     for q in self._why(text_of[m.article_id], topic,
                                                        matcher))
            alerts.append(NewAlert(chat_of[m.subscription_id], m.subscription_id, m.article_id,
                                   story_of[m.article_id], reasons[key]))
        run.queued = self._alerts.record(cursor, new_cursor, new_stories, alerts, now)
        return run

    def _with_vectors(self, stored: Sequence[ChangedArticle]) -> list[NewArticle]:
        """Stored articles as matching reads them: with their chunks' vectors."""
        vectors = self._read_vectors(
            [chunk_id(a.article_id, i) for a in stored for i in range(a.chunk_count)])
        model = self._matcher().model
        return [NewArticle(
            a.article_id, a.title, a.text, a.terms,
            _stacked([vectors.get(chunk_id(a.article_id, i)) for i in range(a.chunk_count)]),
            a.fetched_at, kept_headline(a.headline_vector, a.headline, a.headline_model,
                                        a.title, model)) for a in stored]

    def _read_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """The chunks' stored vectors; on a failure the store is reopened and read once more."""
        store = self._vectors()
        try:
            return store.embeddings(chunk_ids)
        except SearchIndexError as exc:
            # an embedded Chroma client does not see what another process wrote since it
            # was opened ("Error finding id"): a fresh one does
            if not store.reopen():
                raise
            vectors = store.embeddings(chunk_ids)
            if not self._reopened:
                log.warning("alerts: the vector store was reopened to read vectors another "
                            "process wrote (%s); this is logged once", exc)
                self._reopened = True
            return vectors

    def preview(self, topic: Topic, limit: int) -> TopicPreview:
        """The newest stored stories the topic would have matched (for /subscribe's reply),
        and up to CLOSE_CALLS that scored just below its bar."""
        hits = self._searcher().search(topic.query, k=20)
        refs = {hit.ref.article_id: hit.ref for hit in hits}
        stored = [a for a in self._alerts.stored(list(refs))
                  if a.indexed and topic.admits(f"{a.title}\n{a.text}")]
        matcher = self._matcher()
        scores: Sequence[float] = [1.0] * len(stored)
        if topic.meaning and stored:
            articles = [a for a in self._with_vectors(stored) if len(a.vectors)]
            with_vectors = {a.article_id for a in articles}
            stored = [a for a in stored if a.article_id in with_vectors]
            scores = matcher.scores([topic], articles)[0].tolist()
        found, close = [], []
        for article, score in zip(stored, scores, strict=True):
            if score >= matcher.threshold:
                found.append(refs[article.article_id])
            elif score >= matcher.threshold - NEAR:
                close.append((score, refs[article.article_id]))
        far_past = datetime.min.replace(tzinfo=UTC)
        found.sort(key=lambda r: r.published or far_past, reverse=True)
        close.sort(key=lambda pair: -pair[0])
        return TopicPreview(tuple(found[:limit]), tuple(r for _, r in close[:CLOSE_CALLS]))

    def name_spelling(self, topic: Topic) -> str | None:
        """A topic typed in lower case that the stored news writes as a name, spelled so
        ("thierry henry" → "Thierry Henry"); None for anything else."""
        if topic.phrases or topic.excluded or looks_like_name(topic.meaning) \
                or len(topic.meaning.split()) < 2:
            return None
        hits = self._searcher().search(topic.query, k=20)
        return archive_spelling(topic.meaning, [hit.text for hit in hits])

    # --- learning from taps ------------------------------------------------------------

    def tap(self, chat_id: int, subscription_id: int, article_id: str,
            liked: bool | None) -> Tapped:
        """A reader's 👍 (``liked``) or 👎 on a story, or None to take it back: the
        subscription learns its bar from all its taps."""
        followed = self._subscriptions.followed_one(subscription_id)
        if followed is None or followed.subscription.chat_id != chat_id:
            raise SubscriptionError(GONE)
        topic = topic_of(followed)
        if not topic.meaning:
            raise SubscriptionError(f"“{topic.text}” alerts on every story naming it; taps "
                                    "teach topics matched by meaning.")
        score = 0.0 if liked is None else self.story_score(
            topic, article_id, kept_topic_vector(followed, self._matcher().model))
        if score is None:
            raise ArticleNotFound("That story is no longer in my archive.")
        base = self._matcher().threshold

        def learn(rows: Sequence[TapRow]) -> float | None:
            taps = [Tap(r.article_id, r.liked, r.score) for r in rows]
            return learned_threshold(base, taps) if taps else None

        tapped = self._subscriptions.tap(subscription_id, chat_id, article_id, liked, score,
                                         now=self._clock(), learn=learn)
        if tapped is None:
            raise SubscriptionError(GONE)
        return tapped

    def story_score(self, topic: Topic, article_id: str,
                    vector: np.ndarray | None = None) -> float | None:
        """A stored story's score for the topic (whose vector is ``vector`` when kept), as
        matching computes it; None when the story is gone or not indexed yet."""
        found = [a for a in self._alerts.stored([article_id]) if a.indexed]
        if not found or not topic.meaning:
            return None
        [article] = self._with_vectors(found)
        if not len(article.vectors):
            return None
        return float(self._matcher().scores(
            [topic], [article], None if vector is None else vector[np.newaxis, :])[0, 0])

    # --- delivery ------------------------------------------------------------------------

    def plan(self, now: datetime | None = None, chat_id: int | None = None,
             digest_now: bool = False) -> list[Outgoing]:
        """The messages that may go out now: instant alerts outside quiet hours (several at
        once grouped), and digests whose time has come."""
        now = now or self._clock()
        pending = self._alerts.due(now, MAX_PLANNED, chat_id, held_too=digest_now)
        by_chat: dict[int, list[PendingAlert]] = {}
        for alert in pending:
            by_chat.setdefault(alert.chat_id, []).append(alert)
        messages: list[Outgoing] = []
        all_prefs = self._subscriptions.prefs_of(list(by_chat))
        quotes: dict[tuple[str, str], tuple[Quote, ...]] = {}  # one story, many chats
        for chat, queued in by_chat.items():
            prefs = all_prefs[chat]
            instant = [a for a in queued if a.mode != DIGEST]
            digest = [a for a in queued if a.mode == DIGEST]
            quiet_end = None if digest_now else quiet_until(prefs, now)
            if instant and quiet_end is not None:
                self._alerts.hold(instant, quiet_end)  # out of the way until quiet hours end
            elif instant:
                messages += self._instant(instant, quotes)
            if digest and (digest_now or digest_due(prefs, now,
                                                    min(a.created_at for a in digest))):
                messages.append(Outgoing(chat, digest[0].thread_id, tuple(digest), digest=True,
                                         headline="Your daily digest",
                                         story_quotes=self._first_quotes(digest, quotes)))
            elif digest:
                self._alerts.hold(digest, next_digest_time(prefs, now))
        return messages

    def _instant(self, alerts: list[PendingAlert],
                 quotes: dict[tuple[str, str], tuple[Quote, ...]]) -> list[Outgoing]:
        first = alerts[0]
        if len(alerts) >= GROUP_FROM:
            return [Outgoing(first.chat_id, first.thread_id, tuple(alerts), digest=False,
                             headline=f"{len(alerts)} new stories on your topics",
                             story_quotes=self._first_quotes(alerts, quotes))]
        return [Outgoing(alert.chat_id, alert.thread_id, (alert,),
                         quotes=self._cached_quotes(alert, quotes)) for alert in alerts]

    def _cached_quotes(self, alert: PendingAlert,
                       quotes: dict[tuple[str, str], tuple[Quote, ...]]) -> tuple[Quote, ...]:
        """An alert's reasons, each (story, topic) read once per round."""
        if alert.quotes is not None:  # kept since it matched
            return tuple(Quote(*q) for q in alert.quotes)
        key = (alert.ref.article_id, alert.topic)
        if key not in quotes:
            quotes[key] = tuple(self.quotes(alert))
        return quotes[key]

    def _first_quotes(self, alerts: Sequence[PendingAlert],
                      quotes: dict[tuple[str, str], tuple[Quote, ...]],
                      ) -> tuple[Quote | None, ...]:
        """A grouped message's one quote per story (None where none could be verified)."""
        return tuple(next(iter(self._cached_quotes(a, quotes)), None) for a in alerts)

    def quotes(self, alert: PendingAlert) -> list[Quote]:
        """One or two verbatim sentences showing why the article matched the topic."""
        return self._quotes(alert.ref.article_id, alert.topic)

    def _quotes(self, article_id: str, topic_text: str) -> list[Quote]:
        """An alert's reasons read from its article: for alerts queued before they were kept."""
        article = self._articles.get(article_id)
        if article is None:
            return []
        return self._why(article.text, parse_topic(topic_text))

    def _why(self, text: str, topic: Topic, matcher: TopicMatcher | None = None) -> list[Quote]:
        """Up to two verified sentences of ``text`` showing why it matched ``topic``."""
        weights = (matcher or self._matcher()).weights(tokenize(topic.query))
        return [q for q in why_quotes(text, topic, weights) if is_verbatim(q, text)]

    def sent(self, message: Outgoing, message_id: int | None) -> None:
        """Telegram accepted the message: its stories are in the ledger, out of the outbox."""
        now = self._clock()
        self._alerts.mark_sent(message.alerts, message_id, now)
        if message.digest:
            self._alerts.digest_sent(message.chat_id, now)

    def retry_later(self, message: Outgoing, delay: timedelta) -> None:
        """A send failed for now: try again after ``delay``."""
        self._alerts.postpone(message.alerts, self._clock() + delay)

    def give_up(self, message: Outgoing) -> None:
        """Telegram refused the message for good (not the chat: the message)."""
        self._alerts.drop(message.alerts)

    def plan_edits(self) -> list[Edit]:
        """Alerts to show again with another outlet's report of their story."""
        return [Edit(p, tuple(Quote(*q) for q in p.quotes) if p.quotes is not None
                     else tuple(self._quotes(p.ref.article_id, p.topic)))
                for p in self._alerts.edits_due(self._clock(), MAX_EDITS)]

    def edited(self, edit: Edit) -> None:
        """Telegram accepted the edit."""
        self._alerts.edited(edit.pending, self._clock())

    def edit_later(self, edit: Edit, delay: timedelta) -> None:
        """An edit failed for now: try again after ``delay``."""
        self._alerts.postpone_edit(edit.pending, self._clock() + delay)

    def drop_edit(self, edit: Edit) -> None:
        """The alert cannot be edited any more (deleted, too old, refused for good)."""
        self._alerts.drop_edit(edit.pending)

    def chat_gone(self, chat_id: int, reason: str) -> None:
        """The chat blocked the bot or is gone: pause its subscriptions, drop its queue."""
        self._subscriptions.set_active(chat_id, False, reason)
        self._alerts.drop_chat(chat_id)

    def queued(self) -> int:
        """Alerts waiting in the outbox."""
        return self._alerts.queued()


def _stacked(vectors: list[np.ndarray | None]) -> np.ndarray:
    rows = [v for v in vectors if v is not None]
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 1), dtype=np.float32)
