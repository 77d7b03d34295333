"""Retrieval: the figures tool over stored cells, body names, and hybrid text search (vectors + BM25)."""
