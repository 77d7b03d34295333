"""Answering questions: parse → route (figures tool, text search) → compose with citations."""
