"""Route a source location (URL, file, folder) to the loader for its format."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from core.errors import SourceError
from core.models import Validators
from core.wording import counted
from ingest.decoding import check_size, decode_text, maybe_gunzip
from ingest.fetch import Fetcher
from ingest.loaders.base import (
    ItemFailure,
    KnownPages,
    LoadEvent,
    LoadWarning,
    SourceFailure,
    SourceState,
)
from ingest.loaders.feed_parsing import is_json_feed
from ingest.loaders.feeds import FeedLoader
from ingest.loaders.pages import extract_page
from ingest.loaders.records import load_json_records, load_jsonl
from ingest.loaders.text_files import load_text_article
from ingest.urls import looks_fetchable

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
PAGE_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUPPORTED_SUFFIXES = FEED_SUFFIXES | PAGE_SUFFIXES | TEXT_SUFFIXES | {".json", ".jsonl"}


def is_url(location: str) -> bool:
    """True for http(s) URLs (malformed ones too: fetching them says what is wrong)."""
    return looks_fetchable(location)


def sniff_kind(data: bytes, content_type: str = "") -> str:
    """Guess 'feed', 'json', 'page' or 'text' from content (and a Content-Type, if any)."""
    if is_json_feed(data):
        return "feed"
    head = data[:2048].lstrip().lower()
    if head[:1] in (b"{", b"["):
        return "json"
    if any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
        return "feed"
    if b"<html" in head or b"<!doctype html" in head or "html" in content_type:
        return "page"
    if "xml" in content_type or head.startswith(b"<?xml"):
        return "feed"
    return "text"


def kind_for_suffix(suffix: str) -> str:
    """The loader kind for a file extension."""
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in PAGE_SUFFIXES:
        return "page"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        return "json"
    return "text"


class SourceLoader:
    """Loads any supported location; per-item problems become failures, never exceptions."""

    def __init__(self, fetcher: Fetcher | None, max_bytes: int) -> None:
        self._fetcher = fetcher
        self._max_bytes = max_bytes
        self._feeds = FeedLoader(fetcher)

    def load(
        self, location: str, name: str = "", validators: Validators | None = None,
        known: KnownPages | None = None,
    ) -> Iterator[LoadEvent]:
        """Yield the articles, failures and warnings found at ``location``.

        For a URL, ``validators`` from the last fetch make it a conditional GET, and a
        ``SourceState`` event tells what this fetch found; feed items already stored with more
        than their teaser are not fetched again, nor pages that failed lately (``known``).
        """
        try:
            if is_url(location):
                yield from self._load_url(location, name, validators, known)
                return
            path = Path(location).expanduser()
            if path.is_dir():
                yield from self._load_folder(path, name, known)
            elif path.is_file():
                yield from self._load_file(path, name, known)
            else:
                yield SourceFailure(location, "no such file, folder or URL")
        except SourceError as exc:
            yield SourceFailure(location, str(exc))

    def _load_folder(
        self, folder: Path, name: str, known: KnownPages | None,
    ) -> Iterator[LoadEvent]:
        files = sorted(
            p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        supported = [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES]
        if files and not supported:
            # a folder waiting for its first notes is healthy; files we cannot read are worth
            # a word to the admin, not a failing source backed off for a day
            others = f"{counted(len(files), 'file')} of other kinds"
            yield LoadWarning(str(folder), f"{folder}: folder has no supported files ({others})")
        for path in supported:
            try:
                yield from self._load_file(path, name, known)
            except SourceError as exc:
                yield ItemFailure(str(path), str(exc))
            except ValueError as exc:  # one file's surprise is that file's failure alone
                yield ItemFailure(str(path), f"could not be read ({exc})")

    def _load_file(
        self, path: Path, name: str, known: KnownPages | None,
    ) -> Iterator[LoadEvent]:
        origin = str(path)
        size = path.stat().st_size
        if size > self._max_bytes:
            raise SourceError(
                f"{origin}: too large ({size / 1e6:.1f} MB; limit {self._max_bytes / 1e6:.1f} MB)"
            )
        data = maybe_gunzip(path.read_bytes(), origin, self._max_bytes)
        check_size(data, origin, self._max_bytes)
        yield from self._load_bytes(data, kind_for_suffix(path.suffix.lower()), origin, name,
                                    known=known)

    def _load_url(
        self, url: str, name: str, validators: Validators | None,
        known: KnownPages | None,
    ) -> Iterator[LoadEvent]:
        if self._fetcher is None:
            raise SourceError(f"{url}: fetching URLs is disabled")
        fetched = self._fetcher.fetch(url, validators)
        if fetched.not_modified and validators is not None:
            yield SourceState(url, "", validators, not_modified=True)
            return
        data = maybe_gunzip(fetched.content, url, self._max_bytes)
        check_size(data, url, self._max_bytes)
        kind = sniff_kind(data, fetched.content_type.lower())
        body_hash = hashlib.sha256(data).hexdigest()
        state = SourceState(url, kind, Validators(fetched.etag, fetched.last_modified, body_hash))
        if validators is not None and validators.body_hash == body_hash:
            yield replace(state, not_modified=True)
            return
        yield from self._load_bytes(data, kind, fetched.url, name, url=fetched.url,
                                    state=state, known=known)

    def _load_bytes(
        self, data: bytes, kind: str, origin: str, name: str, *, url: str = "",
        state: SourceState | None = None, known: KnownPages | None = None,
    ) -> Iterator[LoadEvent]:
        if kind == "feed":
            yield from self._feeds.load(data, origin, name, state=state, known=known)
            return
        if state is not None:
            yield state
        text, warning = decode_text(data, origin)
        if warning:
            yield LoadWarning(origin, warning)
        if kind == "page":
            yield extract_page(text, url=url, source=name, origin=origin)
        elif kind == "jsonl":
            yield from load_jsonl(text, origin, name)
        elif kind == "json":
            yield from self._load_json(data, text, origin, name, known)
        else:
            yield load_text_article(text, origin, name)

    def _load_json(
        self, data: bytes, text: str, origin: str, name: str, known: KnownPages | None,
    ) -> Iterator[LoadEvent]:
        if is_json_feed(data):
            yield from self._feeds.load(data, origin, name, known=known)
            return
        try:
            document = json.loads(text)
        except RecursionError:
            yield ItemFailure(origin, "JSON nested too deeply to read")
            return
        except json.JSONDecodeError:
            # Some tools write JSON Lines under a .json name.
            yield from load_jsonl(text, origin, name)
            return
        yield from load_json_records(document, origin, name)
