"""Ingest pipeline: load → clean → identify/dedup → store → chunk → index, in batches."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from core.models import Article, Chunk, Validators
from ingest.chunking import chunk_metadata
from ingest.clean import headline_for, normalise_text, unbranded
from ingest.furniture import strip_furniture
from ingest.identity import article_id, content_hash
from ingest.loaders.base import (
    ItemFailure,
    KnownItem,
    KnownPages,
    LoadEvent,
    LoadWarning,
    SourceFailure,
    SourceState,
)
from ingest.models import RawArticle
from ingest.report import IngestReport, SourceResult
from ingest.schedule import page_retry_at
from ingest.writer import WriterLock
from storage.articles import ArticleRepository
from storage.page_failures import PageFailure, PageFailureRepository

if TYPE_CHECKING:
    from ingest.chunking import Chunker
    from ingest.loaders.dispatch import SourceLoader

log = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 300_000
# Feeds are not trusted to keep fields short: a 50,000-character title once filled 14 messages.
MAX_TITLE_CHARS = 300
MAX_OUTLET_CHARS = 100  # outlet names and each author
MAX_AUTHORS = 20

Progress = Callable[[int, int | None, str], None]  # (done, total or None, what)


class ChunkIndex(Protocol):
    """Where chunks go to be searchable (implemented in retrieval)."""

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Make ``chunks`` the only indexed chunks of ``article_ids``."""

    def clear(self) -> None:
        """Empty the index."""


@dataclass(frozen=True)
class SourceSpec:
    """A location to ingest (URL, file, folder) and the outlet name to give its articles."""

    location: str
    name: str = ""
    validators: Validators | None = None  # from the last fetch: a conditional GET
    source_id: int | None = None  # the registered source: its articles are linked to it


@dataclass
class _Batch:
    articles: list[Article] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


class IngestPipeline:
    """Ingests sources idempotently; one article is stored whole or not at all."""

    def __init__(
        self,
        store: ArticleRepository,
        index: ChunkIndex,
        loader: SourceLoader,
        chunker: Chunker,
        *,
        batch_chunks: int = 256,
        writer: WriterLock | None = None,
        pages: PageFailureRepository | None = None,
    ) -> None:
        self._writer = writer
        self._pages = pages
        self._failing_pages: set[str] = set()  # ids seen with a failure record
        self._store = store
        self._index = index
        self._loader = loader
        self._chunker = chunker
        self._batch_chunks = batch_chunks

    def run(self, sources: Sequence[SourceSpec], progress: Progress | None = None) -> IngestReport:
        """Ingest ``sources``; first completes any article a previous run left unindexed."""
        with self._exclusive():
            return self._run(sources, progress)

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Rebuild the whole index from the article store."""
        with self._exclusive():
            return self._reindex(progress)

    def _exclusive(self) -> AbstractContextManager[None]:
        return self._writer.held() if self._writer is not None else nullcontext()

    def _run(self, sources: Sequence[SourceSpec], progress: Progress | None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self._resume(report)
        seen: set[str] = set()  # ids and hashes met in this run
        done, total = 0, 0
        for source in sources:
            counts_before = report.counts()
            result = SourceResult(source.location)
            events = self._load_events(source, progress)
            total += sum(isinstance(e, RawArticle) for e in events)
            batch = _Batch()
            for event in events:
                if isinstance(event, SourceState):
                    result.state = event
                elif isinstance(event, KnownItem):
                    report.unchanged += 1
                elif isinstance(event, ItemFailure):
                    report.failed.append(event)
                    if isinstance(event, SourceFailure):
                        result.error = event.reason
                elif isinstance(event, LoadWarning):
                    report.warnings.append(event.message)
                else:
                    report.warnings.extend(event.warnings)
                    self._prepare(event, batch, report, seen)
                    done += 1
                    if progress:
                        progress(done, total, event.title)
                    if len(batch.chunks) >= self._batch_chunks:
                        self._flush(batch, report, source_id=source.source_id)
                        batch = _Batch()
            self._flush(batch, report, source_id=source.source_id)
            result.take_counts(counts_before, report.counts())
            report.sources.append(result)
        report.seconds = time.perf_counter() - started
        return report

    def _load_events(self, source: SourceSpec, progress: Progress | None) -> list[LoadEvent]:
        """Every event of ``source``; an unexpected error ends this source alone.

        Loaders turn what they expect into failures; this bulkhead is for what they did not
        foresee, so one hostile source never costs the other sources of the run. Reading a
        feed's linked pages can take minutes: ``progress`` hears of each item read, with no
        total (the storing that follows reports with one).
        """
        events: list[LoadEvent] = []
        read = 0
        try:
            for event in self._loader.load(source.location, source.name, source.validators,
                                           self._known_pages()):
                events.append(event)
                if progress and (what := _item_read(event)) is not None:
                    read += 1
                    progress(read, None, what)
        except Exception as exc:
            log.exception("loading %s failed", source.location)
            events.append(SourceFailure(
                source.location, f"could not be read ({type(exc).__name__}: {exc})"[:300]))
        return events

    def _known_pages(self) -> KnownPages:
        if self._pages is None:
            return KnownPages(self._stored_length)
        return KnownPages(self._stored_length, self._page_due, self._page_tried)

    def _page_due(self, url: str) -> bool:
        """False while the linked page at ``url`` waits out its last failure (or for good)."""
        assert self._pages is not None
        page_id = article_id(url, "")
        failure = self._pages.get(page_id)
        if failure is None:
            return True
        self._failing_pages.add(page_id)
        at = failure.next_attempt_at
        return at is not None and at <= datetime.now(UTC)

    def _page_tried(self, url: str, error: str) -> None:
        """Record how fetching the linked page at ``url`` went (called from loader threads)."""
        assert self._pages is not None
        page_id = article_id(url, "")
        if not error:
            if page_id in self._failing_pages:
                self._pages.clear(page_id)
                self._failing_pages.discard(page_id)
            return
        now = datetime.now(UTC)
        before = self._pages.get(page_id)
        failures = (before.failures if before else 0) + 1
        self._pages.save(PageFailure(page_id, url, failures, error, now,
                                     page_retry_at(failures, now)))

    def _stored_length(self, url: str) -> int | None:
        """Length of the stored text of the article at ``url`` (None: not stored).

        A forgotten article counts as stored in full: its page is not fetched again.
        """
        identity = article_id(url, "")
        if self._store.is_forgotten(identity):
            return sys.maxsize
        return self._store.text_length(identity)

    def _reindex(self, progress: Progress | None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self._index.clear()
        self._store.mark_all_unindexed()
        total = self._store.count()
        batch = _Batch()
        recleaned = 0
        for done, stored in enumerate(self._store.iter_articles(), start=1):
            # articles stored before a cleaning rule existed get it here: no migration needed
            article = _recleaned(stored)
            chunks = self._chunker.split(article)
            self._store.save(article, chunks)  # text, hash and chunks in one transaction
            batch.articles.append(article)
            batch.chunks.extend(chunks)
            report.unchanged += 1  # "reindexed" to the CLI, cleaned or not
            recleaned += article is not stored
            if progress:
                progress(done, total, article.title)
            if len(batch.chunks) >= self._batch_chunks:
                self._flush(batch, report, save=False)
                batch = _Batch()
        self._flush(batch, report, save=False)
        log.info("reindex: %d of %d stored articles cleaned of page furniture", recleaned, total)
        report.seconds = time.perf_counter() - started
        return report

    def _resume(self, report: IngestReport) -> None:
        """Index what a crashed run stored but did not index: exactly the stored spans.

        Groups are as big as a normal batch, so a crash here too costs at most one batch.
        """
        batch = _Batch()
        for pending_id in self._store.pending_ids():
            article = self._store.get(pending_id)
            if article is None:
                continue  # removed since the listing
            batch.articles.append(article)
            batch.chunks.extend(
                replace(chunk, metadata=chunk_metadata(article))
                for chunk in self._store.chunks_of(pending_id)
            )
            if len(batch.chunks) >= self._batch_chunks:
                self._flush_resumed(batch, report)
                batch = _Batch()
        self._flush_resumed(batch, report)

    def _flush_resumed(self, batch: _Batch, report: IngestReport) -> None:
        self._flush(batch, report, save=False)
        report.resumed += len(batch.articles)
        report.chunks_resumed += len(batch.chunks)

    def _prepare(
        self, raw: RawArticle, batch: _Batch, report: IngestReport, seen: set[str]
    ) -> None:
        title, text = _cleaned(raw.title, raw.text, raw.source)
        where = raw.origin or raw.url or title
        if not text:
            report.failed.append(ItemFailure(where, "no article text"))
            return
        if len(text) > MAX_ARTICLE_CHARS:
            report.failed.append(
                ItemFailure(
                    where, f"article too long ({len(text)} chars; limit {MAX_ARTICLE_CHARS})"
                )
            )
            return
        digest = content_hash(title, text)
        identity = article_id(raw.url, digest)
        if identity in seen or digest in seen:
            # one link listed twice, or the same story via two URLs or feeds: first one wins
            report.duplicates += 1
            return
        seen.update((identity, digest))
        if self._store.is_forgotten(identity):
            report.forgotten += 1  # an admin removed it for good
            return
        stored_hash = self._store.hash_of(identity)
        if stored_hash == digest:
            report.unchanged += 1
            return
        if stored_hash is None and self._store.id_with_hash(digest) is not None:
            report.duplicates += 1  # already stored under another URL
            return
        article = Article(
            id=identity,
            url=raw.url,
            title=title,
            source=_capped(" ".join(raw.source.split()), MAX_OUTLET_CHARS) or "unknown",
            published=raw.published,
            authors=tuple(_capped(" ".join(a.split()), MAX_OUTLET_CHARS)
                          for a in raw.authors[:MAX_AUTHORS]),
            text=text,
            content_hash=digest,
            fetched_at=datetime.now(UTC),
        )
        if stored_hash is None:
            report.added += 1
        else:
            report.updated += 1
        batch.articles.append(article)
        batch.chunks.extend(self._chunker.split(article))

    def _flush(self, batch: _Batch, report: IngestReport, save: bool = True,
               source_id: int | None = None) -> None:
        """Store each article (its own transaction, linked to ``source_id``), then index the
        batch, then mark it done."""
        if not batch.articles:
            return
        if save:
            by_article: dict[str, list[Chunk]] = {}
            for chunk in batch.chunks:
                by_article.setdefault(chunk.article_id, []).append(chunk)
            for article in batch.articles:
                self._store.save(article, by_article.get(article.id, []), source_id=source_id)
        ids = [a.id for a in batch.articles]
        self._index.index_chunks(ids, batch.chunks)
        self._store.mark_indexed(ids)
        report.chunks_indexed += len(batch.chunks)


def _item_read(event: LoadEvent) -> str | None:
    """What to call ``event`` in progress when it is one item of its source (else None)."""
    if isinstance(event, RawArticle):
        return event.title
    if isinstance(event, KnownItem):
        return event.url
    if isinstance(event, ItemFailure) and not isinstance(event, SourceFailure):
        return event.origin
    return None


def _cleaned(title: str, text: str, source: str) -> tuple[str, str]:
    """(title, text) as stored: normalised, furniture out, a real headline for the title, the
    outlet's own name off its end."""
    text = strip_furniture(normalise_text(text))
    title = unbranded(normalise_text(title).replace("\n", " "), source)
    return headline_for(_capped(title, MAX_TITLE_CHARS), text), text


def _recleaned(article: Article) -> Article:
    """``article`` cleaned as an ingest cleans today; itself when that changes nothing."""
    title, text = _cleaned(article.title, article.text, article.source)
    if not text or (title, text) == (article.title, article.text):
        return article  # an article is never emptied by a rule added after it was stored
    return replace(article, title=title, text=text, content_hash=content_hash(title, text))


def _capped(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"
