"""Composition root: builds every component from Settings, lazily, exactly once."""

from __future__ import annotations

from functools import cached_property

from langchain_core.language_models import BaseChatModel

from bot.conversations import ConversationStore
from bot.service import NewsService
from bot.settings import Settings
from ingest.chunking import Chunker
from ingest.errors import ConfigError
from ingest.fetch import HttpFetcher
from ingest.loaders import SourceLoader
from ingest.pipeline import IngestPipeline
from ingest.store import ArticleStore
from retrieval.answer.extractive import ExtractiveAnswerer
from retrieval.answer.llm import LLMAnswerer
from retrieval.embeddings import Embedder, model_identity, resolve_model_path
from retrieval.index import SearchIndex
from retrieval.lexical import LexicalIndex
from retrieval.search import HybridSearcher
from retrieval.vector_store import VectorStore, connect_chroma

EMBEDDING_MODEL_KEY = "embedding_model"


class Container:
    """Owns the components; the CLI and the bot each build one from their Settings."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        if embedder is not None:  # a model already loaded (tests share one across the session)
            self.embedder = embedder

    @cached_property
    def store(self) -> ArticleStore:
        """The SQLite article store."""
        return ArticleStore(self.settings.sqlite_path)

    @cached_property
    def embedder(self) -> Embedder:
        """The sentence-transformers model (loaded on first use: it takes seconds)."""
        path = resolve_model_path(self.settings.embedding_model)
        return Embedder(path, batch_size=self.settings.embed_batch_size)

    @cached_property
    def vectors(self) -> VectorStore:
        """The Chroma collection, embedded or on a server."""
        client = connect_chroma(self.settings.chroma_url, self.settings.data_dir / "chroma")
        return VectorStore(client)

    @cached_property
    def lexical(self) -> LexicalIndex:
        """The BM25 index beside the vectors."""
        return LexicalIndex(self.settings.data_dir / "bm25")

    @cached_property
    def index(self) -> SearchIndex:
        """The search index (embedder, vector store, lexical index)."""
        return SearchIndex(self.embedder, self.vectors, self.lexical, self.store)

    def verify_embedding_model(self) -> None:
        """Refuse to mix vectors of two models: the index must be rebuilt after a change."""
        recorded = self.store.get_meta(EMBEDDING_MODEL_KEY)
        current = model_identity(self.settings.embedding_model)
        if recorded is None:
            self.store.set_meta(EMBEDDING_MODEL_KEY, current)
        elif recorded != current and self.store.count():
            raise ConfigError(
                f"the index was built with the embedding model {recorded}, not {current}: "
                "run `newsdesk reindex` to rebuild it with the new model"
            )

    def record_embedding_model(self) -> None:
        """Remember which model the (just rebuilt) index was made with."""
        self.store.set_meta(EMBEDDING_MODEL_KEY, model_identity(self.settings.embedding_model))

    @cached_property
    def fetcher(self) -> HttpFetcher:
        """HTTP client for feeds and pages."""
        return HttpFetcher(self.settings.fetch_timeout_seconds, self.settings.max_file_bytes)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        """The ingest pipeline."""
        return IngestPipeline(
            store=self.store,
            index=self.index,
            loader=SourceLoader(self.fetcher, self.settings.max_file_bytes),
            chunker=Chunker(self.settings.chunk_size, self.settings.chunk_overlap),
        )

    @cached_property
    def searcher(self) -> HybridSearcher:
        """Hybrid dense + lexical search."""
        return HybridSearcher(self.embedder, self.vectors, self.lexical, self.store)

    @cached_property
    def answerer(self) -> ExtractiveAnswerer | LLMAnswerer:
        """Cited answers: verbatim snippets, or LLM prose over them when NEWSDESK_LLM is set."""
        extractive = ExtractiveAnswerer(self.searcher, self.lexical, self.store)
        if not self.settings.llm:
            return extractive
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
    def conversations(self) -> ConversationStore:
        """Recent turns per chat."""
        return ConversationStore(self.settings.data_dir / "conversations.sqlite3")

    @cached_property
    def service(self) -> NewsService:
        """The transport-independent service the bot and the console use."""
        return NewsService(self.answerer, self.conversations, self.store, self.searcher)

    def close(self) -> None:
        """Release what was opened."""
        if "fetcher" in self.__dict__:
            self.fetcher.close()
        if "store" in self.__dict__:
            self.store.close()
        if "conversations" in self.__dict__:
            self.conversations.close()
