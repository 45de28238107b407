"""How a posting's impact is computed: storage writes it (storage.lexical_search), the search
bounds what the postings it did not read can add with it (retrieval.engine_lexical).

A posting is deleted by its key, recomputed from the chunk's old terms, so changing any of these
needs a migration that rebuilds chunk_search_postings. Not retrieval.inverted_index's K1 (1.5;
its B is the same): the impact only orders a term's postings for reading, scores use the
index's own constants; aligning them needs a rebuild.
"""

from __future__ import annotations

IMPACT_K1, IMPACT_B = 1.2, 0.75
REFERENCE_LENGTH = 80.0  # terms in a chunk, about the chunker's mean (80.2 on RealTime QA)
IMPACT_SCALE = 10_000
