"""Retrieval: embeddings, vector and lexical search, cited answers."""
