from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import Chunker
from tests.ingest.factories import make_article

words = st.text(alphabet="abcdefghij .,;!?\n", min_size=0, max_size=3000)


@settings(max_examples=150, deadline=None)
@given(text=words, size=st.integers(200, 900), overlap=st.integers(0, 200))
def test_every_chunk_is_the_exact_span_of_the_article(text: str, size: int, overlap: int) -> None:
    article = make_article(text)
    chunks = Chunker(size, overlap).split(article)
    for previous, chunk in pairwise(chunks):
        assert chunk.start > previous.start
    for number, chunk in enumerate(chunks):
        assert chunk.index == number
        assert chunk.text == text[chunk.start : chunk.end]
        assert 0 < len(chunk.text) <= size


def test_chunks_cover_all_text_and_carry_metadata() -> None:
    text = "\n\n".join(f"Paragraph {i} says something about the harbour." * 5 for i in range(20))
    article = make_article(text)
    chunks = Chunker(400, 50).split(article)
    assert len(chunks) > 5
    covered: set[int] = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert chunks[0].metadata["article_id"] == article.id
    assert chunks[0].metadata["title"] == "A headline"
    published = chunks[0].metadata["published_ts"]
    assert isinstance(published, float) and published > 0
    assert chunks[3].id == f"{article.id}-3"
