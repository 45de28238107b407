"""How rare a term is from the first day: ordinary English's word frequencies (wordfreq) as a
prior on each term's document frequency, which the archive's own counts outweigh as it grows.

Story dedup weighs the terms two leads share by rarity: an event's names and numbers are
rare, "officials" and "Tuesday" are not. An archive of thousands of chunks knows which is
which; an archive of two articles knows the opposite (whatever both leads say is in every
chunk, so it reads as the least rare). Here the background table counts as
``BACKGROUND_CHUNKS`` chunks of ordinary English added to the archive: with two stored
articles it decides alone, with a hundred thousand chunks it barely moves the archive's idf
(measured in bench/story_dedup.py, docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

from alerts.matching import Weights
from core.terms import word_list_terms

# The archive size at which its own counts weigh as much as the table: about what a few feeds
# bring in two days. On the tuning pairs of bench/story_dedup.py any value from 300 up gave a
# store of two articles the figures of the whole archive (docs/benchmarks.md).
BACKGROUND_CHUNKS = 2000.0
CHUNK_TERMS = 100  # about how many terms a stored chunk holds (1,000 characters)
# Rarer words are left out of the table (they read as unknown names do): with the +0.5 of
# Lucene's idf, a word this rare is in ~0.02 of BACKGROUND_CHUNKS' chunks, as good as none.
RAREST = 1e-7
_NEVER = ""  # no text tokenizes to it: the archive's weight for a term no chunk holds


def with_background(archive: Weights, prior: float = BACKGROUND_CHUNKS) -> Weights:
    """The archive's term rarity (Lucene's idf) with the background table mixed in as
    ``prior`` chunks; 0 leaves the archive's as it is."""
    if prior <= 0:
        return archive

    def weights(terms: Iterable[str]) -> dict[str, float]:
        wanted = set(terms)
        idf = archive(wanted | {_NEVER})
        # the idf of a term in no chunk is ln(2N + 2): how many chunks the archive holds
        chunks = max(0.0, (math.exp(idf.pop(_NEVER, math.log(2.0))) - 2) / 2)
        total = chunks + prior
        rarity = {}
        for term in wanted:
            found = _document_frequency(idf.get(term, 0.0), chunks)
            found += prior * -math.expm1(-background_frequency(term) * CHUNK_TERMS)
            rarity[term] = math.log(1 + (total - found + 0.5) / (found + 0.5))
        return rarity

    return weights


def _document_frequency(idf: float, chunks: float) -> float:
    """How many of ``chunks`` hold a term of this idf (Lucene's idf solved for df)."""
    ratio = math.expm1(idf)  # (N - df + 0.5) / (df + 0.5)
    return min(chunks, max(0.0, (chunks + 0.5 - 0.5 * ratio) / (ratio + 1)))


def background_frequency(term: str) -> float:
    """The share of English words that are this term (every word that tokenizes to it)."""
    if term[:1].isdigit():
        return _number_frequency(term)
    return _table().get(term, 0.0)


@lru_cache(maxsize=4096)
def _number_frequency(term: str) -> float:
    import wordfreq

    return float(wordfreq.word_frequency(term, "en"))


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    """wordfreq's English words, each one's frequency added to its terms (folded, stemmed)."""
    import wordfreq

    table: dict[str, float] = {}
    # the list's buckets run from the commonest words down, a centibel apart: reading them is
    # a third of the time of wordfreq's own dict, which converts every bucket (rare ones too)
    for index, bucket in enumerate(wordfreq.get_frequency_list("en")):
        frequency = float(wordfreq.cB_to_freq(-index))
        if frequency < RAREST:
            break
        for terms in word_list_terms(bucket):
            for term in terms:
                table[term] = table.get(term, 0.0) + frequency
    return table
