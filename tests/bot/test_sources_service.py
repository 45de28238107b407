"""Sources in the database, ingested against a real HTTP server on 127.0.0.1.

Polite fetching is checked by what the server saw: a feed unchanged since the last poll costs
one request, and pages of stories already stored are not fetched again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings
from core.errors import SourceListError
from ingest.identity import article_id
from ingest.pipeline import SourceSpec
from retrieval.embeddings import Embedder
from storage.page_failures import PageFailureRepository
from tests.ingest.feeds_fixtures import LONG_PARAGRAPH
from tests.support.http_server import Canned, serve


def page(title: str) -> Canned:
    return Canned(f"""<!doctype html><html><head><title>{title}</title>
<meta property="og:title" content="{title}"></head><body><article><h1>{title}</h1>
<p>{title} was reported by our correspondents this morning.</p><p>{LONG_PARAGRAPH}</p>
</article></body></html>""".encode())


def feed(base: str, stories: list[str], ttl: int | None = None) -> bytes:
    items = "".join(
        f"<item><title>{s}</title><link>{base}/{s.replace(' ', '-')}</link>"
        f"<description>{s}, in short.</description></item>" for s in stories
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Times</title>'
            f"{ttl_tag}{items}</channel></rss>").encode()


STORIES = ["Harbour reopens", "Tram fares frozen", "Museum wins award"]


@pytest.fixture
def app(tmp_path: Path, database_url: str, embedder: Embedder) -> Iterator[Container]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        allow_private_urls=True, max_source_failures=2, chunk_size=400)
    built = Container(settings, embedder=embedder)
    yield built
    built.close()


def test_an_unchanged_feed_costs_one_request_answered_304(app: Container) -> None:
    requests: list[str] = []
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    with serve(routes, requests) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES, ttl=90), "application/rss+xml",
                                     etag='"v1"')
        source = app.sources.add(f"{base}/feed.xml", "Loopback Times")
        first = app.sources.ingest()
        assert first.report.added == 3 and not first.report.failed
        assert sorted(requests) == sorted(["/feed.xml", *routes.keys() - {"/feed.xml"}])
        requests.clear()
        second = app.sources.ingest()
        assert requests == ['304 /feed.xml']
        assert second.report.sources[0].not_modified and second.report.added == 0
    stored = app.sources.get(source.name)
    assert stored.kind == "feed" and stored.ttl_minutes == 90
    assert stored.health.items_seen == 3 and stored.health.consecutive_failures == 0
    assert app.sources.interval_of(stored) == 90  # the feed's <ttl> beats the 60-minute default
    assert stored.health.next_due_at is not None
    assert stored.health.next_due_at > datetime.now(UTC) + timedelta(minutes=80)


def test_without_validators_the_same_body_is_not_read_again(app: Container) -> None:
    requests: list[str] = []
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    with serve(routes, requests) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml")
        app.sources.add(f"{base}/feed.xml")
        app.sources.ingest()
        requests.clear()
        again = app.sources.ingest()
        assert requests == ["/feed.xml"] and again.report.sources[0].not_modified


def test_a_changed_feed_fetches_only_the_new_stories_pages(app: Container) -> None:
    requests: list[str] = []
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in [*STORIES, "Bridge closes"]}
    with serve(routes, requests) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml", etag='"v1"')
        app.sources.add(f"{base}/feed.xml")
        app.sources.ingest()
        routes["/feed.xml"] = Canned(feed(base, ["Bridge closes", *STORIES]),
                                     "application/rss+xml", etag='"v2"')
        requests.clear()
        run = app.sources.ingest()
    assert requests == ["/feed.xml", "/Bridge-closes"]
    assert (run.report.added, run.report.unchanged) == (1, 3)
    assert app.articles.count() == 4


def test_a_failing_source_backs_off_and_is_paused_after_n_failures(app: Container) -> None:
    with serve({"/feed.xml": Canned(b"down", status=500)}) as base:
        source = app.sources.add(f"{base}/feed.xml", "Flaky")
        first = app.sources.ingest()
        assert first.paused == () and "HTTP 500" in first.report.sources[0].error
        failing = app.sources.get("Flaky")
        assert failing.health.consecutive_failures == 1 and not failing.paused
        assert failing.health.failing_since is not None
        second = app.sources.ingest()
    [paused] = second.paused
    assert paused.name == source.name and paused.paused
    assert "2 failures" in paused.paused_reason and "HTTP 500" in paused.paused_reason
    assert app.sources.ingest().sources == ()  # paused sources are skipped
    resumed = app.sources.resume("flaky")  # names are found in any case
    assert not resumed.paused and resumed.health.consecutive_failures == 0


def test_an_empty_folder_is_ok_with_no_items_and_unsupported_files_only_warn(
    app: Container, tmp_path: Path
) -> None:
    empty, odd = tmp_path / "empty", tmp_path / "odd"
    empty.mkdir()
    odd.mkdir()
    (odd / "photo.jpg").write_bytes(b"\xff\xd8")
    app.sources.add(str(empty))
    app.sources.add(str(odd))
    run = app.sources.ingest()
    assert [r.error for r in run.report.sources] == ["", ""]
    assert run.report.failed == []
    assert [w for w in run.report.warnings if "no supported files" in w] == [
        f"{odd.resolve()}: folder has no supported files (1 file of other kinds)"]
    for name in ("empty", "odd"):
        source = app.sources.get(name)
        assert source.state == "ok" and source.health.items_seen == 0
        assert source.health.consecutive_failures == 0 and source.health.failing_since is None
        assert source.health.next_due_at is not None
        assert source.health.next_due_at > datetime.now(UTC) + timedelta(minutes=50)


def test_sources_are_listed_added_and_removed_with_clear_errors(
    app: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    added = app.sources.add(str(folder), every_minutes=15)
    assert (added.name, added.kind, app.sources.interval_of(added)) == ("notes", "folder", 15)
    with pytest.raises(SourceListError, match="already exists"):
        app.sources.add(str(folder), "Other name")
    with pytest.raises(SourceListError, match="no such file"):
        app.sources.add(str(tmp_path / "missing"))
    with pytest.raises(SourceListError, match="No source named “nope”"):
        app.sources.pause("nope")
    app.sources.remove("notes")
    assert app.sources.all() == []


def test_the_sources_file_is_imported_and_kept_in_step(
    tmp_path: Path, database_url: str, embedder: Embedder
) -> None:
    listed = tmp_path / "sources.toml"
    (tmp_path / "notes").mkdir()
    listed.write_text('[[feeds]]\nname = "Wire"\nurl = "https://wire.example/rss"\nevery = 30\n'
                      'keep = 14\n[[folders]]\npath = "notes"\n')
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        sources_file=listed)
    first = Container(settings, embedder=embedder)
    assert [(s.name, s.origin, s.interval_minutes, s.keep_days)
            for s in first.sources.all()] == [
        ("Wire", "config", 30, 14), ("notes", "config", None, None)]
    first.sources.pause("Wire")
    first.sources.add("https://added.example/feed", "Added by hand")
    first.close()
    listed.write_text('[[feeds]]\nname = "Wire"\nurl = "https://wire.example/rss"\n')
    again = Container(settings, embedder=embedder)
    names = {s.name: s for s in again.sources.all()}
    assert set(names) == {"Wire", "Added by hand"}  # "notes" left the file, so left the table
    assert names["Wire"].paused and names["Wire"].interval_minutes is None
    assert names["Wire"].keep_days is None  # "keep" left the file too
    again.close()


def test_a_local_feeds_unreachable_pages_are_not_tried_again_at_every_run(
    app: Container, tmp_path: Path
) -> None:
    requests: list[str] = []
    with serve({}, requests) as base:  # every page: 404
        path = tmp_path / "local.xml"
        path.write_bytes(feed(base, STORIES))
        first = app.pipeline.run([SourceSpec(str(path))])
        assert first.added == 3 and not first.failed  # the feed's own text stands
        assert sorted(requests) == sorted(f"/{s.replace(' ', '-')}" for s in STORIES)
        requests.clear()
        second = app.pipeline.run([SourceSpec(str(path))])
        assert requests == [] and (second.added, second.updated, second.unchanged) == (0, 0, 3)
        assert not second.warnings
        # once its wait is over a page is tried again, and waits longer after failing again
        pages = PageFailureRepository(app.database)
        link = f"{base}/Harbour-reopens"
        failure = pages.get(article_id(link, ""))
        assert failure is not None and failure.failures == 1
        pages.save(replace(failure, next_attempt_at=datetime.now(UTC) - timedelta(minutes=1)))
        third = app.pipeline.run([SourceSpec(str(path))])
        assert requests == ["/Harbour-reopens"] and third.unchanged == 3
    again = pages.get(article_id(link, ""))
    assert again is not None and again.failures == 2 and again.next_attempt_at is not None
    assert again.next_attempt_at > datetime.now(UTC) + timedelta(hours=3)
