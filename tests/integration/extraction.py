"""Scoring page extraction against the expectations shipped with the saved HTML pages."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from core.errors import ExtractionError
from ingest.decoding import decode_text
from ingest.loaders.pages import extract_page


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class PageScore:
    name: str
    ok: bool
    missing: list[str]


def score_trafilatura_set(folder: Path) -> list[PageScore]:
    """Each page passes when every must-contain snippet is in the extracted text."""
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    scores = []
    for entry in manifest["files"]:
        html, _ = decode_text((folder / entry["file"]).read_bytes(), entry["file"])
        try:
            text = norm(extract_page(html, url=entry["url"]).text)
        except ExtractionError:
            text = ""
        missing = [s for s in entry["expected_in_main_text"] if norm(s) not in text]
        scores.append(PageScore(entry["file"], not missing, missing))
    return scores


def score_readability_set(folder: Path) -> list[PageScore]:
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
        html, _ = decode_text((page / "source.html").read_bytes(), page.name)
        try:
            article = extract_page(html)
            text, title = norm(article.text), norm(article.title)
        except ExtractionError:
            text = title = ""
        missing = [s for s in snippets if s not in text]
        want = norm(meta.get("title") or "")
        if want and difflib.SequenceMatcher(None, want, title).ratio() < 0.6:
            missing.append(f"title {want!r} (got {title!r})")
        scores.append(PageScore(page.name, not missing, missing))
    return scores
