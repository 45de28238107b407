"""Matching and planning alerts with the real model, store and index (no Telegram)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from alerts.matching import TopicMatcher
from bot.container import Container
from bot.services.alerts import AlertService
from bot.settings import Settings
from core.errors import SubscriptionError
from core.models import Article
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import Embedder
from storage.alerts import AlertRepository
from storage.articles import ArticleRepository
from storage.database import Database
from storage.subscriptions import SubscriptionRepository

CHAT = 501
NARA_DEAL = """President Lee Jae-myung and Prime Minister Sanae Takaichi met in Nara on Tuesday \
and agreed to keep up shuttle diplomacy between Seoul and Tokyo.

The two leaders also discussed supply chains and a joint response to regional security threats. \
Officials said the summit ended with a joint statement."""
NARA_DEAL_ELSEWHERE = """Meeting in Nara on Tuesday, South Korea's President Lee Jae-myung and \
Japan's Prime Minister Sanae Takaichi agreed to continue shuttle diplomacy between their capitals.

They discussed supply chains and regional security, officials said after the summit."""
BIKES = """The city council approved forty kilometres of new bicycle lanes on Monday, after a \
long debate about parking spaces and bus routes in the old town."""


def write(folder: Path, name: str, title: str, text: str, published: datetime,
          source: str = "Other Wire") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    host = source.split(maxsplit=1)[0].lower()
    path.write_text(f"---\ntitle: {title}\nsource: {source}\npublished: "
                    f"{published.isoformat()}\nurl: https://{host}.example/{name}\n---\n"
                    f"{text}\n", encoding="utf-8")
    return path


@pytest.fixture
def app(tmp_path: Path, database_url: str, embedder: Embedder) -> Iterator[Container]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, chunk_size=400)
    built = Container(settings, embedder=embedder)
    built.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    built.alerts.match_new()  # the first round starts the cursor: the archive never alerts
    yield built
    built.close()


def ingest(app: Container, path: Path) -> None:
    report = app.pipeline.run([SourceSpec(str(path))])
    assert report.ok and report.ingested


def test_subscribing_shows_the_newest_matching_stories(app: Container) -> None:
    done = app.subscriptions.subscribe(CHAT, "private", None, "Nara summit")
    assert done.subscription.topic == "Nara summit"
    assert [r.title for r in done.recent] == [
        "Lee heads to Nara for fifth summit with a Japanese leader"]
    assert done.quotable_name is None  # not a name
    nothing = app.subscriptions.subscribe(CHAT, "private", None, '"Sanae Takaichi" -Nara')
    assert nothing.recent == () and nothing.quotable_name is None  # quoted already
    name = app.subscriptions.subscribe(CHAT, "private", None, "Lee Jae-myung")
    assert name.quotable_name == "Lee Jae-myung"  # offered in quotes
    quoted = app.subscriptions.quote(CHAT, name.subscription.id)
    assert quoted.topic == '"Lee Jae-myung"' and quoted.id == name.subscription.id
    with pytest.raises(SubscriptionError, match="not a name"):
        app.subscriptions.quote(CHAT, name.subscription.id)  # quoted already


def test_one_alert_per_story_with_verified_quotes(app: Container, tmp_path: Path) -> None:
    app.subscriptions.subscribe(CHAT, "private", None, "Nara summit")
    now = datetime.now(UTC)
    ingest(app, write(tmp_path / "in", "deal", "Lee and Takaichi agree to keep talking at Nara "
                      "summit", NARA_DEAL, now))
    ingest(app, write(tmp_path / "in", "bikes", "Council approves bicycle lanes", BIKES, now))
    ingest(app, write(tmp_path / "in", "old", "Nara summit planned for next year", NARA_DEAL,
                      now - timedelta(days=30), source="Archive Wire"))
    run = app.alerts.match_new()
    assert (run.articles, run.matches, run.queued, run.skipped_old) == (3, 1, 1, 1)
    [message] = app.alerts.plan()
    alert = message.single
    assert alert is not None and alert.ref.title.startswith("Lee and Takaichi agree")
    article = app.articles.get(alert.ref.article_id)
    assert article is not None and 1 <= len(message.quotes) <= 2
    assert all(article.text[q.start:q.end] == q.snippet for q in message.quotes)
    assert "Nara" in message.quotes[0].snippet
    app.alerts.sent(message, 77)
    # the same story from another outlet, and an update of the first article: no new alert
    ingest(app, write(tmp_path / "in2", "deal-elsewhere", "Lee, Takaichi agree to continue "
                      "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now, source="Second Wire"))
    # (an update with news in it: a note that only says "updated" is cut at ingest)
    update = NARA_DEAL + "\n\nOfficials said the next round of talks would follow in the spring."
    ingest(app, write(tmp_path / "in", "deal", "Lee and Takaichi agree to keep talking at Nara "
                      "summit", update, now))
    again = app.alerts.match_new()
    assert again.matches == 2 and again.queued == 0
    assert app.alerts.plan() == []


class CountingArticles(ArticleRepository):
    """The article repository, counting the articles read back."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.read: list[str] = []

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        self.read += article_ids
        return super().get_many(article_ids)


class CountingModel:
    """The real model, counting the texts it embeds."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self._embedder.encode(texts)


def test_after_an_ingest_the_alert_path_reads_no_article_back(app: Container,
                                                              tmp_path: Path) -> None:
    articles = CountingArticles(app.database)
    model = CountingModel(app.embedder)
    matcher = TopicMatcher(model.encode, app.lexical.current_idf_weights,
                           app.matcher.threshold, model=app.embedder.identity)
    alerts = AlertService(AlertRepository(app.database), SubscriptionRepository(app.database),
                          articles, matcher=lambda: matcher, vectors=lambda: app.vectors,
                          searcher=lambda: app.searcher, max_age=timedelta(hours=48))
    nara = app.subscriptions.subscribe(CHAT, "private", None, "Nara summit")  # embedded, kept
    now = datetime.now(UTC)
    # a subscription made before topics were kept: its topic is embedded once, then kept
    SubscriptionRepository(app.database).add(CHAT + 1, "private", None, "bicycle lanes",
                                             "bicycle lanes", now=now, limit=20)
    title = "Lee and Takaichi agree to keep talking at Nara summit"
    ingest(app, write(tmp_path / "in", "deal", title, NARA_DEAL, now))
    assert alerts.match_new().queued == 1
    assert model.texts == ["bicycle lanes", title]  # the old topic, the new headline
    [message] = alerts.plan()
    assert message.quotes and "Nara" in message.quotes[0].snippet  # verified when matched
    alerts.sent(message, 77)
    ingest(app, write(tmp_path / "in2", "deal-elsewhere", "Lee, Takaichi agree to continue "
                      "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now, source="Second Wire"))
    assert alerts.match_new().queued == 0  # the same story: the alert is edited instead
    [edit] = alerts.plan_edits()
    assert edit.quotes == message.quotes  # as sent, kept in the ledger
    # an update of the first article: its headline's vector was kept with its story
    ingest(app, write(tmp_path / "in", "deal", title, NARA_DEAL + "\n\nUpdated.", now))
    assert alerts.match_new().matches == 1
    # and a 👍 under the alert scores the story with the kept topic and headline vectors
    tapped = alerts.tap(CHAT, nara.subscription.id, message.alerts[0].ref.article_id, True)
    assert tapped.subscription.taps == 1
    assert model.texts == ["bicycle lanes", title, "Lee, Takaichi agree to continue shuttle "
                           "diplomacy in Nara"]  # no topic, no headline embedded twice
    assert articles.read == []
    # the story's lead terms were kept with it: later rounds read no lead text either
    [story] = AlertRepository(app.database).recent_stories(now - timedelta(days=1), 400)[:1]
    assert story.lead == "" and story.terms and "nara" in story.terms


def test_a_name_typed_in_lower_case_is_followed_as_the_news_spells_it(
    app: Container, tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    ingest(app, write(tmp_path / "in", "deal", "Lee and Takaichi agree to keep talking at Nara "
                      "summit", NARA_DEAL, now))
    ingest(app, write(tmp_path / "in2", "deal-elsewhere", "Lee, Takaichi agree to continue "
                      "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now, source="Second Wire"))
    name = app.subscriptions.subscribe(CHAT, "private", None, "sanae takaichi")
    assert name.subscription.topic == "Sanae Takaichi"
    assert name.quotable_name == "Sanae Takaichi"  # so the quoted form is offered too
    words = app.subscriptions.subscribe(CHAT, "private", None, "shuttle diplomacy")
    assert words.subscription.topic == "shuttle diplomacy"  # written as words: as typed


def test_a_matching_round_asks_the_archive_for_term_rarity_once_not_per_alert(
    app: Container, tmp_path: Path,
) -> None:
    asked: list[set[str]] = []

    def rarity(terms: Iterable[str]) -> dict[str, float]:
        asked.append(set(terms))
        return app.lexical.current_idf_weights(asked[-1])

    matcher = TopicMatcher(app.embedder.encode, rarity, app.matcher.threshold,
                           model=app.embedder.identity)
    alerts = AlertService(AlertRepository(app.database), SubscriptionRepository(app.database),
                          app.articles, matcher=lambda: matcher, vectors=lambda: app.vectors,
                          searcher=lambda: app.searcher, max_age=timedelta(hours=48))
    for chat, topic in enumerate(("Nara summit", "shuttle diplomacy", "Takaichi", "Lee Jae-myung"),
                                 CHAT):
        app.subscriptions.subscribe(chat, "private", None, topic)
    now = datetime.now(UTC)
    ingest(app, write(tmp_path / "in", "deal", "Lee and Takaichi agree to keep talking at Nara "
                      "summit", NARA_DEAL, now))
    asked.clear()
    assert alerts.match_new().queued >= 3
    assert len(asked) == 1  # the topics' terms, for the scores and every alert's quotes
    ingest(app, write(tmp_path / "in2", "deal-elsewhere", "Lee, Takaichi agree to continue "
                      "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now, source="Second Wire"))
    asked.clear()
    assert alerts.match_new().matches >= 3
    # each round reads the archive again, each term once: the topics' terms and the alerts'
    # quotes together, then (where the rewrite is compared with the first report, as it is
    # with some CPUs' vectors) the two leads' other terms
    read = [term for terms in asked for term in terms]
    assert asked and len(read) == len(set(read))
    assert {"nara", "shuttle", "diplomacy", "takaichi"} <= asked[0]
