"""Scoring page extraction against the expectations shipped with the saved HTML pages."""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from core.errors import ExtractionError
from ingest.clean import headline_for, normalise_text
from ingest.decoding import decode_text
from ingest.furniture import furniture_cuts, strip_furniture
from ingest.loaders.pages import extract_page
from ingest.models import RawArticle


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class PageScore:
    name: str
    ok: bool
    missing: list[str]
    unwanted: list[str] = field(default_factory=list)  # must-not-contain snippets found
    text: str = ""  # the extracted text as it would be stored


@functools.cache
def _extracted(source: Path, url: str) -> RawArticle | None:
    """The saved page at ``source`` as extract_page reads it; None when it finds no article.

    Cached: the raw and cleaned scores of both test modules read the same pages.
    """
    html, _ = decode_text(source.read_bytes(), str(source))
    try:
        return extract_page(html, url=url)
    except ExtractionError:
        return None


def _extract(source: Path, url: str = "", clean: bool = False) -> tuple[str, str]:
    """(title, text) of a saved page; with ``clean``, as the ingest pipeline stores them."""
    page = _extracted(source, url)
    if page is None:
        return "", ""
    if not clean:
        return page.title, page.text
    text = strip_furniture(normalise_text(page.text))
    return headline_for(page.title, text), text


def score_trafilatura_set(folder: Path, clean: bool = False) -> list[PageScore]:
    """Each page passes when every must-contain snippet is in the extracted text.

    ``unwanted`` lists the must-not-contain snippets (navigation, teasers) that are in it.
    """
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    scores = []
    for entry in manifest["files"]:
        _, raw_text = _extract(folder / entry["file"], entry["url"], clean)
        text = norm(raw_text)
        missing = [s for s in entry["expected_in_main_text"] if norm(s) not in text]
        unwanted = [s for s in entry.get("expected_NOT_in_main_text", []) if norm(s) in text]
        scores.append(PageScore(entry["file"], not missing, missing, unwanted, raw_text))
    return scores


def score_readability_set(folder: Path, clean: bool = False) -> list[PageScore]:
    """Each page passes when its title matches and its three longest paragraphs are found.

    Readability's expected.html also keeps captions, bylines and print notes; the longest
    paragraphs are unambiguously body text, so they are what extraction must find.
    """
    scores = []
    for page in sorted(p for p in folder.iterdir() if p.is_dir()):
        meta = json.loads((page / "expected-metadata.json").read_text())
        expected = lxml.html.fromstring((page / "expected.html").read_bytes().decode("utf-8"))
        paragraphs = [norm(p.text_content()) for p in expected.iter("p")]
        snippets = [p[:60] for p in sorted(paragraphs, key=len, reverse=True)[:3] if len(p) > 80]
        raw_title, raw_text = _extract(page / "source.html", clean=clean)
        text, title = norm(raw_text), norm(raw_title)
        missing = [s for s in snippets if s not in text]
        want = norm(meta.get("title") or "")
        if want and difflib.SequenceMatcher(None, want, title).ratio() < 0.6:
            missing.append(f"title {want!r} (got {title!r})")
        scores.append(PageScore(page.name, not missing, missing, text=raw_text))
    return scores


def lost_with_furniture(score: PageScore, raw: PageScore) -> list[str]:
    """Snippets ``raw`` had and cleaned ``score`` lacks only because they hold furniture.

    "KOBE – A total of…" loses its dateline but keeps its sentence; "Additional reporting by"
    is a credit line: the cleaner removes what such a snippet expects to find.
    """
    text, cuts = furniture_cuts(normalise_text(raw.text))
    removed = norm(" ".join(cut.text for cut in cuts))
    return [s for s in score.missing if s not in raw.missing and (
        norm(s) in removed or norm(strip_furniture(s)) in norm(text))]
