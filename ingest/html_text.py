"""HTML fragments (feed content, summaries) to plain text with paragraph breaks."""

from __future__ import annotations

import lxml.html
from lxml import etree

_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figcaption", "hr",
}
_DROP = ("script", "style", "noscript", "iframe", "form", "button", "svg", "figure")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment; blocks become paragraphs, scripts and figures go."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for bad in list(root.iter(*_DROP)):
        bad.drop_tree()
    parts: list[str] = []
    _walk(root, parts)
    paragraphs = (" ".join(p.split()) for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _walk(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    block = isinstance(element.tag, str) and element.tag in _BLOCKS
    if block:
        parts.append("\n\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n\n")
