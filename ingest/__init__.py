"""Ingestion: load news from feeds, pages and files into the article store and the index."""
