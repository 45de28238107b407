"""Text cleaning: unicode normalisation, boilerplate lines out, headline detection."""

from __future__ import annotations

import re
import unicodedata

from ingest.furniture import is_furniture_title, strip_furniture

_BOILERPLATE = re.compile(
    r"""^(
        related\ (articles|stories|content|coverage|topics)
      | (read|see)\ (more|also)\b.{0,60}
      | advertisement | sponsored(\ content)? | share(\ this)?(\ article)? | print
      | sign\ up\b.{0,80} | subscribe\b.{0,80} | follow\ us\b.{0,60}
      | \d+\ min(ute)?s?\ read\w*
      | (skip\ to|jump\ to)\ (main\ )?content
      | .*\bai-generated\b.*
      | (©|copyright\ ©?)\s*\d{4}.* | all\ rights\ reserved.*
      | .*\|.*\|.*                 # breadcrumbs and nav bars: "Home | News | World"
      | (\S+\ ?){1,3}\|(\ ?\S+){1,3}  # a short "Site Home|Brand" bar
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_TERMINAL = (".", "!", "?", "\"", "'", "”", "’", ")", ":")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidi embeddings, overrides and isolates can make a headline read backwards ("U+202E"
# spoofing): dropped. Invisible spaces and word joiners too. The marks real right-to-left text
# needs (LRM, RLM, ALM) stay, and so do ZWJ/ZWNJ between two visible characters, where emoji
# sequences and Indic and Persian scripts need them; elsewhere (leading, trailing, repeated)
# they only hide things, and go.
_SPOOFING = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u180e]")
_STRAY_JOINERS = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)")
_JOINER_RUNS = re.compile(r"([\u200c\u200d])[\u200c\u200d]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# a sentence ends after a word of two lowercase letters or digits: not after "U.S." or "Mr."
_FIRST_SENTENCE = re.compile(r"(?<=[a-z0-9]{2}[.!?])[\"'”’]?\s+(?=[\"'“‘A-Z])")
MAX_HEADLINE_CHARS = 120
_SPACES = re.compile(r"[ \t\u00a0]+")
# A link cut out of a page leaves its space before the comma or stop that followed it ("gas
# prices , which remain near record levels , are up"): the space goes. Not before other marks,
# which French sets apart by rule ("Quelle surprise !")
_SPACE_BEFORE_STOP = re.compile(r"(?<=[\w\"”’)]) (?=[,.](?:\s|$))")


def unspoofed(text: str) -> str:
    """``text`` without the invisible characters that can spoof how it reads (see above)."""
    text = _SPOOFING.sub("", text)
    text = _JOINER_RUNS.sub(r"\1", text)
    return _STRAY_JOINERS.sub("", text)


def normalise_text(text: str) -> str:
    """NFC-normalise, drop control and spoofing characters, tidy spaces and blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = unspoofed(_CONTROL.sub("", text))
    lines = [_SPACE_BEFORE_STOP.sub("", _SPACES.sub(" ", line)).strip()
             for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def is_boilerplate(line: str) -> bool:
    """True for navigation, share, sign-up and disclaimer lines that are not article text."""
    stripped = line.strip()
    return bool(stripped) and len(stripped.split()) <= 40 and bool(_BOILERPLATE.match(stripped))


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return (3 <= len(words) <= 30 and not line.endswith(_TERMINAL[:3])
            and not is_boilerplate(line) and not is_furniture_title(line))


# "… - CNN", "… | The Week UK", "… - CNNPolitics": a page title's site name after the headline
_BRAND_SUFFIX = re.compile(r"\s+[-|–—]\s+([^-|–—]{2,40})$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def unbranded(title: str, source: str) -> str:
    """``title`` without its outlet's name tacked on ("Fed raises rates - CNN" from cnn.com,
    "… | The Week UK" from theweek.co.uk): the source line names the outlet already."""
    match = _BRAND_SUFFIX.search(title)
    if match is None:
        return title
    brand = _NOT_ALNUM.sub("", match.group(1).lower())  # "CNN ...", "CNN Politics": "cnn…"
    # the outlet's name: a feed's title, or a label of its host ("edition.cnn.com": "cnn")
    names = {_NOT_ALNUM.sub("", label) for label in source.lower().split(".")} - _NOT_NAMES
    if any(len(name) >= 3 and brand.startswith(name) for name in names):
        return title[: match.start()].rstrip()
    return title


_NOT_NAMES = frozenset({"www", "com", "org", "net", "gov", "edu", "news", "co", "uk"})


def headline_for(title: str, text: str) -> str:
    """``title``, or a headline from ``text`` when it is missing, a dateline or a credit."""
    title = " ".join(title.split())
    return title if title and not is_furniture_title(title) else headline_from(text)


def headline_from(text: str) -> str:
    """A headline for a text that came without one: its first line or sentence after furniture."""
    first = strip_furniture(normalise_text(text)).split("\n", 1)[0]
    if len(first) > MAX_HEADLINE_CHARS:
        first = _FIRST_SENTENCE.split(first, maxsplit=1)[0]
    if len(first) <= MAX_HEADLINE_CHARS:
        return first
    return first[: MAX_HEADLINE_CHARS - 3].rsplit(" ", 1)[0] + "…"


def split_headline(text: str) -> tuple[str, str]:
    """Split a plain-text article into (headline, body), skipping page chrome before the title.

    The first line is the headline, unless the text was dumped from a web page and starts with
    navigation, captions or labels: then the first headline-like line among the opening lines is.
    """
    lines = [line.strip() for line in normalise_text(text).split("\n")]
    non_empty = [i for i, line in enumerate(lines) if line]
    if not non_empty:
        return "", ""
    first = non_empty[0]
    title_at = first
    if not _looks_like_headline(lines[first].lstrip("# ")):
        for i in non_empty[:8]:
            if _looks_like_headline(lines[i].lstrip("# ")):
                title_at = i
                break
    title = lines[title_at].lstrip("#").strip()
    return title, clean_body("\n".join(lines[title_at + 1 :]))


def clean_body(text: str) -> str:
    """Article body without boilerplate lines (share bars, sign-up prompts, disclaimers)."""
    lines = normalise_text(text).split("\n")
    kept = [line for line in lines if not is_boilerplate(line)]
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()
