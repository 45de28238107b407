"""Split article text into overlapping chunks that remember their character offsets."""

from __future__ import annotations

from core.models import Article, Chunk

# Paragraphs first, then sentences, then words: chunks end where a reader would pause.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "。", "！", "？", "; ", ", ", "、", " ", ""]


class Chunker:
    """LangChain's recursive splitter plus exact offsets: ``chunk.text == text[start:end]``."""

    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter  # only when chunking

        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=min(chunk_overlap, chunk_size // 2),
            separators=SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    def split(self, article: Article) -> list[Chunk]:
        """Chunks of ``article`` with offsets into its text and metadata for search."""
        text = article.text
        metadata = chunk_metadata(article)
        chunks: list[Chunk] = []
        cursor = 0
        for piece in self._splitter.split_text(text):
            start = text.find(piece, cursor)
            if start < 0:  # never expected: the splitter only trims whitespace at the ends
                start = text.find(piece)
            if start < 0:
                continue
            end = start + len(piece)
            chunks.append(Chunk(article.id, len(chunks), start, end, piece, metadata))
            cursor = start + 1
        return chunks


def chunk_metadata(article: Article) -> dict[str, str | int | float]:
    """Per-chunk metadata stored beside each vector (Chroma allows no None values)."""
    return {
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else "",
        "published_ts": article.published.timestamp() if article.published else -1.0,
    }
