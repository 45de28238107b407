"""Furniture out for every loader, titles that are headlines, and stored articles re-cleaned."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.container import Container
from core.models import Article
from ingest.clean import headline_for, headline_from, split_headline
from ingest.identity import article_id, content_hash
from ingest.loaders.records import record_to_article
from ingest.pipeline import SourceSpec
from tests.ingest.test_pipeline import assert_index_matches_store

LEAD = ("The Port Halden flood barrier closed for the first time on Tuesday, as a storm surge "
        "pushed the tide two metres above normal and officials ordered the harbour shut.")
BODY = ("Harbour officials said the gates held through the night. The council will review the "
        "cost of the closure next week, and shops on the quay reopen on Thursday.")
FURNISHED = (f"Watch: the mayor on the storm\n\nCNN —\n\n{LEAD}\n\n"
             f"More:Harbour council delays vote on tolls\n\n{BODY}\n\n"
             "Sign up for our Harbour newsletter. Get the tide tables first.\n\n"
             "Jane Roe contributed to this report.")
CLEAN = f"{LEAD}\n\n{BODY}"


def test_a_record_without_a_title_gets_its_first_real_sentence() -> None:
    raw = record_to_article({"text": FURNISHED, "url": "https://harbour.example/a"}, "rows:1")
    assert raw.title == ("The Port Halden flood barrier closed for the first time on Tuesday, "
                         "as a storm surge pushed the tide two metres…")
    short = record_to_article({"text": f"CNN —\n\n{BODY}"}, "rows:2")
    assert short.title == "Harbour officials said the gates held through the night."


def test_a_dateline_or_credit_title_is_replaced_and_a_real_one_kept() -> None:
    assert headline_for("Washington CNN —", f"(CNN) {BODY}") == (
        "Harbour officials said the gates held through the night.")
    assert headline_for("By Jane Roe", BODY).startswith("Harbour officials")
    assert headline_for("Port Halden shuts its  barrier", BODY) == "Port Halden shuts its barrier"
    assert headline_from("The U.S. Coast Guard said Mr. Roe was safe. " + "More. " * 30) == (
        "The U.S. Coast Guard said Mr. Roe was safe.")


def test_a_text_file_never_takes_a_dateline_for_its_headline() -> None:
    title, body = split_headline(f"Washington CNN —\nPort Halden shuts its barrier\n{LEAD}")
    assert title == "Port Halden shuts its barrier"
    assert body == LEAD


def test_every_loader_stores_the_text_without_furniture(
        container: Container, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"url": "https://harbour.example/r", "text": FURNISHED}) + "\n")
    page = tmp_path / "page.md"
    page.write_text(f"Port Halden shuts its barrier\n{FURNISHED.replace(LEAD, 'Day two. ' + LEAD)}")
    report = container.pipeline.run([SourceSpec(str(rows)), SourceSpec(str(page))])
    assert report.added == 2, report.failed
    texts = {a.url or "file": a for a in container.articles.iter_articles()}
    assert texts["https://harbour.example/r"].text == CLEAN
    assert texts["https://harbour.example/r"].title.startswith("The Port Halden flood barrier")
    assert texts["file"].text == CLEAN.replace(LEAD, "Day two. " + LEAD)
    assert texts["file"].title == "Port Halden shuts its barrier"
    # the hash is the cleaned text's: the same furnished record again is unchanged
    assert container.pipeline.run([SourceSpec(str(rows))]).unchanged == 1


def test_reindex_cleans_articles_stored_before_the_cleaner(
        container: Container, tmp_path: Path) -> None:
    url = "https://harbour.example/old"
    old = Article(id=article_id(url, ""), url=url, title="CNN —", source="Harbour Herald",
                  published=None, authors=(), text=FURNISHED,
                  content_hash=content_hash("CNN —", FURNISHED), fetched_at=datetime.now(UTC))
    container.articles.save(old, container.chunker.split(old))  # as an old release stored it
    kept = replace(old, id=article_id(url + "2", ""), url=url + "2", title="Barrier holds",
                   text=CLEAN, content_hash=content_hash("Barrier holds", CLEAN))
    container.articles.save(kept, container.chunker.split(kept))
    report = container.pipeline.reindex()
    assert report.unchanged == 2
    cleaned = container.articles.get(old.id)
    assert cleaned is not None and cleaned.text == CLEAN
    assert cleaned.title.startswith("The Port Halden flood barrier")
    assert cleaned.content_hash == content_hash(cleaned.title, CLEAN) != old.content_hash
    assert cleaned.fetched_at == old.fetched_at
    assert container.articles.get(kept.id) == kept
    assert all("Sign up" not in c.text for c in container.articles.chunks_of(old.id))
    assert_index_matches_store(container)
    # ingesting the old furnished record now finds it stored as it is: nothing to update
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"url": url, "title": "CNN —", "text": FURNISHED}) + "\n")
    assert container.pipeline.run([SourceSpec(str(rows))]).unchanged == 1


def test_the_outlets_name_comes_off_a_headline_at_ingest_and_at_reindex(
        container: Container, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"url": "https://edition.harbourherald.example/a",
                                "title": "Port Halden shuts its barrier - Harbour Herald",
                                "text": CLEAN}) + "\n")
    assert container.pipeline.run([SourceSpec(str(rows))]).added == 1
    [stored] = list(container.articles.iter_articles())
    assert stored.title == "Port Halden shuts its barrier"
    url = "https://harbour.example/old"
    old = Article(id=article_id(url, ""), url=url, title="Barrier holds | Harbour Herald",
                  source="Harbour Herald", published=None, authors=(), text=CLEAN,
                  content_hash=content_hash("Barrier holds | Harbour Herald", CLEAN),
                  fetched_at=datetime.now(UTC))
    container.articles.save(old, container.chunker.split(old))  # as an old release stored it
    container.pipeline.reindex()
    renamed = container.articles.get(old.id)
    assert renamed is not None and renamed.title == "Barrier holds"
    assert renamed.content_hash == content_hash("Barrier holds", CLEAN)
    assert_index_matches_store(container)

