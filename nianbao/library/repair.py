"""Repair: make the SQL store whole and the search index agree with it (``reconcile``), and
read what the search index holds (its vectors' reports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from nianbao import store


@dataclass(frozen=True)
class Reconciliation:
    """What :meth:`Library.reconcile` changed to make the store whole again."""

    orphan_rows: int = 0  #: SQL rows (cells, sections, chunks, ...) whose report row was gone
    orphan_vectors: int = 0  #: Chroma vectors without a chunk row of a current report, deleted
    missing_vectors: int = 0  #: chunk rows without a vector, embedded again from the row's text
    keyword_reports: int = 0  #: reports the keyword index held wrongly (or lacked), re-indexed

    @property
    def changed(self) -> bool:
        return any((self.orphan_rows, self.orphan_vectors, self.missing_vectors, self.keyword_reports))

    def __str__(self) -> str:
        if not self.changed:
            return "the search index agrees with the records"
        return (
            f"deleted orphan rows: {self.orphan_rows}, orphan vectors: {self.orphan_vectors}; "
            f"embedded missing chunks: {self.missing_vectors}; corrected the keyword index for "
            f"reports: {self.keyword_reports}"
        )


def reconcile(engine: Engine, index: Any) -> Reconciliation:
    """Make the SQL store whole and the search index agree with it; SQL is the truth.

    A report's rows and its vectors are written in one SQL transaction, but Chroma is not part
    of it: a process killed after Chroma wrote and before SQL committed leaves vectors of a
    report that is not stored (or, during a replace, stored chunks without vectors). This
    deletes vectors without a chunk row of a current version, embeds chunk rows of current
    versions without a vector, deletes SQL rows whose report is gone, and removes from the
    keyword index (or adds to it) the reports whose chunks it holds wrongly. It holds the SQL
    write lock meanwhile: other writers touch the index only inside their own write transaction,
    so none is half done while this looks. Raises ``store.StoreBusy`` when another writer holds
    the lock past the busy timeout.

    On PostgreSQL there is nothing to do: the search index is written in the records' own
    transaction, and the server enforces the foreign keys (a report's rows go with it), so no
    lock is taken and no table scanned (every serving worker runs this at its start).
    """
    if engine.dialect.name == "postgresql" and not hasattr(index, "vectors"):
        return Reconciliation()
    with store.writing(engine) as conn:
        orphan_rows = store.delete_orphan_rows(conn)
        if index is None or not hasattr(index, "vectors"):
            return Reconciliation(orphan_rows=orphan_rows)
        chunk_reports = store.stored_chunks(conn)
        vectors = vector_reports(index)
        orphans = sorted(set(vectors) - set(chunk_reports))
        missing = sorted(set(chunk_reports) - set(vectors))
        step = 500
        for i in range(0, len(orphans), step):
            index.vectors.collection.delete(ids=orphans[i : i + step])
        for report_id, rows in store.chunk_rows_by_report(conn, missing).items():
            index.add(report_id, rows)
        keyword_reports = index.sync_keywords(chunk_reports)
    return Reconciliation(orphan_rows, len(orphans), len(missing), keyword_reports)


# --- reconcile's view of the search index ------------------------------------------------


def vector_reports(index: Any) -> dict[str, str]:
    """Chunk id → report id of every vector in the index's Chroma collection."""
    return index.vectors.reports_by_chunk()
