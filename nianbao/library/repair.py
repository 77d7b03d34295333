"""Repair: make the SQL store whole and the search index agree with it (``reconcile``), and
read what the search index holds (its vectors' reports, its keyword index's stale marker)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from nianbao import store


@dataclass(frozen=True)
class Reconciliation:
    """What :meth:`Library.reconcile` changed to make the store whole again."""

    orphan_rows: int = 0  #: SQL rows (cells, sections, chunks, ...) whose report row was gone
    orphan_vectors: int = 0  #: Chroma vectors without a chunk row of a current report, deleted
    missing_vectors: int = 0  #: chunk rows without a vector, embedded again from the row's text
    keyword_reports: int = 0  #: reports the keyword index was wrongly waiting for (or not)

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
    versions without a vector, deletes SQL rows whose report is gone, and corrects the keyword
    index's stale marker so it is rebuilt to match. It holds the SQL write lock meanwhile: other
    writers touch the index only inside their own write transaction, so none is half done while
    this looks. Raises ``store.StoreBusy`` when another writer holds the lock past the busy
    timeout.
    """
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
        gone = {vectors[i] for i in orphans} - set(chunk_reports.values())
        if gone:
            index.mark_stale(removed=sorted(gone))
        for report_id, rows in store.chunk_rows_by_report(conn, missing).items():
            index.add(report_id, rows)
        keyword_reports = _fix_keyword_marker(index, chunk_reports)
    return Reconciliation(orphan_rows, len(orphans), len(missing), keyword_reports)


# --- reconcile's view of the search index ------------------------------------------------


def vector_reports(index: Any, page: int = 5000) -> dict[str, str]:
    """Chunk id → report id of every vector in the index's Chroma collection."""
    out: dict[str, str] = {}
    offset = 0
    while True:
        got = index.vectors.collection.get(include=["metadatas"], limit=page, offset=offset)
        for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            out[chunk_id] = str((meta or {}).get("report_id", ""))
        if len(got["ids"]) < page:
            return out
        offset += page


def keyword_marker(index: Any) -> dict[str, set[str]] | None:
    """The reports the keyword index's stale marker says were added and removed; None if fresh."""
    marker: Path = index.stale_marker
    try:
        state = json.loads(marker.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        state = {}
    return {"added": set(state.get("added", [])), "removed": set(state.get("removed", []))}


def _fix_keyword_marker(index: Any, chunk_reports: dict[str, str]) -> int:
    """Correct the stale marker: the keyword index is rebuilt until it holds every report the
    marker lists as added and none listed as removed, so a report listed wrongly (its commit
    never happened) would make every search rebuild it. A saved index that disagrees with the
    store without a marker is marked stale, to be rebuilt on the next search."""
    held = set(chunk_reports.values())
    state = keyword_marker(index)
    if state is None:
        saved = index.keyword_dir / "meta.json"
        if saved.exists() and _saved_keyword_ids(index) != set(chunk_reports):
            index.mark_stale()
            return 1
        return 0
    ghosts, zombies = state["added"] - held, state["removed"] & held
    if ghosts or zombies:
        index.mark_stale(added=sorted(zombies), removed=sorted(ghosts))
    return len(ghosts | zombies)


def _saved_keyword_ids(index: Any) -> set[str]:
    from nianbao.retrieval.bm25 import KeywordIndex

    return {bytes(i).decode() for i in KeywordIndex.load(index.keyword_dir).ids}
