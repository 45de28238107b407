"""Composition root: builds every component from Settings, lazily, exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from bot.settings import Settings
from core.errors import ConfigError
from storage import migrate
from storage.alerts import AlertRepository
from storage.articles import ArticleRepository
from storage.browse import BrowseRepository
from storage.chunk_terms import ChunkTermsRepository
from storage.confirmations import ConfirmationRepository
from storage.conversations import ConversationRepository
from storage.database import Database
from storage.leases import LeaseRepository
from storage.meta import MetaRepository
from storage.passages import PassageRepository
from storage.sources import SourceRepository
from storage.subscriptions import SubscriptionRepository

# The components below import torch, Chroma, LangChain, feedparser or trafilatura. Each is
# imported where it is built, so a command pays only for what it uses: `newsdesk stats` and
# `sources list` read the database and import none of them.
if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from alerts.matching import TopicMatcher
    from bot.services.admin import AdminService
    from bot.services.alerts import AlertService
    from bot.services.browsing import BrowseService
    from bot.services.ingest_runner import IngestRunner
    from bot.services.questions import QuestionService
    from bot.services.retention import RetentionService
    from bot.services.sources import SourceService
    from bot.services.subscriptions import SubscriptionService
    from ingest.chunking import Chunker
    from ingest.fetch import HttpFetcher
    from ingest.loaders import SourceLoader
    from ingest.pipeline import IngestPipeline
    from retrieval.answer.extractive import ExtractiveAnswerer
    from retrieval.answer.llm import LLMAnswerer
    from retrieval.embeddings import Embedder
    from retrieval.index import SearchIndex
    from retrieval.lexical import LexicalIndex
    from retrieval.search import HybridSearcher
    from retrieval.vector_store import VectorStore

EMBEDDING_MODEL_KEY = "embedding_model"


class Container:
    """Owns the components; the CLI and the bot each build one from their Settings.

    The database is migrated to the newest schema when first opened, unless
    ``migrate_on_open`` is False (``newsdesk db current`` looks without touching).
    """

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, migrate_on_open: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.clock = clock  # alerts' notion of now (tests move it instead of waiting)
        self._migrate_on_open = migrate_on_open
        if embedder is not None:  # a model already loaded (tests share one across the session)
            self.embedder = embedder

    @cached_property
    def database(self) -> Database:
        """The database named by NEWSDESK_DATABASE_URL (SQLite in the data dir by default)."""
        database = Database(self.settings.database_address)
        if self._migrate_on_open:
            migrate.upgrade(database, legacy_dir=self.settings.data_dir)
        return database

    @cached_property
    def articles(self) -> ArticleRepository:
        """Articles and chunk spans."""
        return ArticleRepository(self.database)

    @cached_property
    def passages(self) -> PassageRepository:
        """Chunks with their articles' references, for search and citation checks."""
        return PassageRepository(self.database)

    @cached_property
    def browse(self) -> BrowseRepository:
        """Newest articles, outlets, counts."""
        return BrowseRepository(self.database)

    @cached_property
    def meta(self) -> MetaRepository:
        """Named values the database keeps about itself."""
        return MetaRepository(self.database)

    @cached_property
    def conversations(self) -> ConversationRepository:
        """Recent turns per chat."""
        return ConversationRepository(self.database)

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model on its backend (loaded on first use)."""
        from retrieval.embeddings import choose_backend, load_embedder

        backend = choose_backend(self.settings.embedding_backend, self.settings.embedding_model,
                                 self.meta.get(EMBEDDING_MODEL_KEY))
        return load_embedder(self.settings.embedding_model, backend,
                             self.settings.model_cache, self.settings.embed_batch_size)

    @cached_property
    def vectors(self) -> VectorStore:
        """The Chroma collection, embedded or on a server."""
        from retrieval.vector_store import VectorStore, connect_chroma, reopen_chroma

        folder = self.settings.data_dir / "chroma"
        client = connect_chroma(self.settings.chroma_url, folder)
        ef_search = self.settings.vector_ef_search
        if self.settings.chroma_url:
            return VectorStore(client, ef_search=ef_search)
        return VectorStore(client, ef_search=ef_search, reconnect=lambda: reopen_chroma(folder))

    @cached_property
    def lexical(self) -> LexicalIndex:
        """BM25 in memory fed from the chunk terms, or asked of the database engine's index."""
        from retrieval.lexical import LexicalIndex
        from storage.lexical_search import LexicalSearchRepository

        engine = LexicalSearchRepository(self.database)
        if self.settings.lexical_engine == "database":
            return LexicalIndex.in_database(engine)
        return LexicalIndex(ChunkTermsRepository(self.database), engine)

    @cached_property
    def index(self) -> SearchIndex:
        """The vector side of the search index (the lexical side is written with the chunks)."""
        from retrieval.index import SearchIndex

        return SearchIndex(self.embedder, self.vectors)

    def verify_embedding_model(self) -> None:
        """Refuse to mix vectors of two kinds: the index must be rebuilt after a change."""
        recorded = self.meta.get(EMBEDDING_MODEL_KEY)
        current = self.embedder.identity
        if recorded is None:
            self.meta.set(EMBEDDING_MODEL_KEY, current)
        elif recorded != current and self.articles.count():
            raise ConfigError(
                f"the index was built with the embedding model {recorded}, not {current}: run "
                "`newsdesk reindex` to rebuild it, or set NEWSDESK_EMBEDDING_MODEL and "
                "NEWSDESK_EMBEDDING_BACKEND back to what it was built with"
            )

    def record_embedding_model(self) -> None:
        """Remember which model the (just rebuilt) index was made with."""
        self.meta.set(EMBEDDING_MODEL_KEY, self.embedder.identity)

    @cached_property
    def fetcher(self) -> HttpFetcher:
        """HTTP client for feeds and pages."""
        from ingest.fetch import HttpFetcher

        return HttpFetcher(self.settings.fetch_timeout_seconds, self.settings.max_file_bytes,
                           allow_private=self.settings.allow_private_urls,
                           per_host=self.settings.fetch_per_host)

    @cached_property
    def loader(self) -> SourceLoader:
        """Reads feeds, pages, files and folders into raw articles."""
        from ingest.loaders import SourceLoader

        return SourceLoader(self.fetcher, self.settings.max_file_bytes)

    @cached_property
    def chunker(self) -> Chunker:
        """Splits articles into chunk spans."""
        from ingest.chunking import Chunker

        return Chunker(self.settings.chunk_size, self.settings.chunk_overlap)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        """The ingest pipeline."""
        from ingest.pipeline import IngestPipeline
        from ingest.writer import WriterLock
        from storage.page_failures import PageFailureRepository

        return IngestPipeline(
            store=self.articles, index=self.index, loader=self.loader, chunker=self.chunker,
            writer=WriterLock(LeaseRepository(self.database)),
            pages=PageFailureRepository(self.database),
        )

    @cached_property
    def sources(self) -> SourceService:
        """The sources table and scheduled ingest; the sources file is imported on first use."""
        from bot.services.sources import SourceService

        service = SourceService(
            SourceRepository(self.database), lambda: self.pipeline,
            default_interval_minutes=self.settings.ingest_interval_minutes,
            max_failures=self.settings.max_source_failures,
        )
        service.sync_sources_file(self.settings.sources_file)
        return service

    @cached_property
    def ingest_runner(self) -> IngestRunner:
        """One ingest of the sources at a time in this process; the scheduler election."""
        from bot.services.ingest_runner import IngestRunner

        tick = timedelta(seconds=self.settings.scheduler_tick_seconds)
        return IngestRunner(self.sources, LeaseRepository(self.database),
                            scheduler_ttl=max(3 * tick, timedelta(seconds=3)))

    @cached_property
    def searcher(self) -> HybridSearcher:
        """Hybrid dense + lexical search."""
        from retrieval.search import HybridSearcher

        return HybridSearcher(self.embedder, self.vectors, self.lexical, self.passages)

    @cached_property
    def answerer(self) -> ExtractiveAnswerer | LLMAnswerer:
        """Cited answers: verbatim snippets, or LLM prose over them when NEWSDESK_LLM is set."""
        from retrieval.answer.extractive import ExtractiveAnswerer

        extractive = ExtractiveAnswerer(self.searcher, self.lexical, self.passages)
        if not self.settings.llm:
            return extractive
        from retrieval.answer.llm import LLMAnswerer  # imports LangChain's chat models

        return LLMAnswerer(extractive, self.chat_model)

    @cached_property
    def chat_model(self) -> BaseChatModel:
        """The LangChain chat model named by NEWSDESK_LLM."""
        from langchain.chat_models import init_chat_model

        try:
            return init_chat_model(self.settings.llm)
        except (ImportError, ValueError) as exc:
            raise ConfigError(f"NEWSDESK_LLM={self.settings.llm!r} cannot be used: {exc}") from exc

    @cached_property
    def questions(self) -> QuestionService:
        """Answers, one-shot or in a conversation."""
        from bot.services.questions import QuestionService

        return QuestionService(self.answerer, self.conversations, self.searcher, self.articles,
                               confirmations=ConfirmationRepository(self.database, self.clock))

    @cached_property
    def browsing(self) -> BrowseService:
        """Headlines, outlets, counts."""
        from bot.services.browsing import BrowseService

        return BrowseService(self.browse, lambda: self.searcher)

    @cached_property
    def matcher(self) -> TopicMatcher:
        """Scores new articles against topics (the embedding model, the archive's term rarity)."""
        from alerts.matching import TopicMatcher

        return TopicMatcher(self.embedder.encode, self.lexical.current_idf_weights,
                            self.settings.alert_threshold, model=self.embedder.identity)

    @cached_property
    def alerts(self) -> AlertService:
        """Matching new articles to subscriptions; what to send when."""
        from bot.services.alerts import AlertService

        return AlertService(
            AlertRepository(self.database), SubscriptionRepository(self.database),
            self.articles, matcher=lambda: self.matcher, vectors=lambda: self.vectors,
            searcher=lambda: self.searcher,
            max_age=timedelta(hours=self.settings.alert_max_age_hours), clock=self.clock,
        )

    @cached_property
    def subscriptions(self) -> SubscriptionService:
        """A chat's topics and when its alerts go out."""
        from bot.services.subscriptions import SubscriptionService

        return SubscriptionService(
            SubscriptionRepository(self.database),
            lambda topic, limit: self.alerts.preview(topic, limit),  # noqa: PLW0108 (lazy)
            max_per_chat=self.settings.max_topics_per_chat, clock=self.clock,
            articles=self.articles,
            spelling=lambda topic: self.alerts.name_spelling(topic),  # noqa: PLW0108 (lazy)
            keep=lambda topic: self.alerts.kept([topic])[0],
        )

    @cached_property
    def admin(self) -> AdminService:
        """Admin operations."""
        from bot.services.admin import AdminService
        from ingest.preview import preview_source

        return AdminService(
            self.database, self.browse, self.sources, self.ingest_runner,
            lambda url: preview_source(self.fetcher, self.settings.max_file_bytes, url),
            scheduling=self.settings.ingest_interval_minutes > 0,
            articles=self.articles, vectors=lambda: self.vectors,
            subscriptions=SubscriptionRepository(self.database),
            alerts=AlertRepository(self.database),
            confirmations=ConfirmationRepository(self.database, self.clock),
        )

    @cached_property
    def retention(self) -> RetentionService:
        """Prunes articles stored more than N days ago, taking turns with ingests."""
        from bot.services.retention import BATCH, POSTGRES_BATCH, RetentionService
        from ingest.writer import WriterLock
        from storage.retention import RetentionRepository

        return RetentionService(
            RetentionRepository(self.database), self.articles, lambda: self.vectors,
            keeps=SourceRepository(self.database).keeps,
            exclusive=WriterLock(LeaseRepository(self.database)).held, clock=self.clock,
            batch=POSTGRES_BATCH if self.database.dialect == "postgresql" else BATCH,
        )

    def close(self) -> None:
        """Release what was opened."""
        if "fetcher" in self.__dict__:
            self.fetcher.close()
        if "searcher" in self.__dict__:
            self.searcher.close()
        if "answerer" in self.__dict__:
            self.answerer.close()
        if "database" in self.__dict__:
            self.database.dispose()
