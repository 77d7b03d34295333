"""Ingest: read a file (docx, doc, html, pdf, txt) into a Report of cells, sections and findings."""
