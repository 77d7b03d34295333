"""The search index inside PostgreSQL: chunk vectors (pgvector, HNSW) and keywords (a tsvector of
jieba words, GIN) in the records' own database, written in the records' own transaction.

``chunk_index`` holds one row per chunk of every current report version, as Chroma and the
keyword files hold them with the embedded default: its vector, its words (the report's header and
the chunk's text cut by the retrieval layer's tokeniser, joined by spaces and read by the
``simple`` configuration, which keeps each word whole), and the fields a search filters on (body,
year, top-level section, kind). A row goes with its chunk and its report (``ON DELETE CASCADE``).
``index_meta`` records the embedding model and the vectors' dimension: another model is refused
rather than mixed into the same space.

The table is made by :func:`prepare` on the first write, when the vectors' dimension is known;
the ``vector`` extension must be installable there (it is not a trusted extension: a superuser
runs ``CREATE EXTENSION vector`` once, see the README's production setup).

PostgreSQL only; every other statement of the store is in ``queries`` and ``writes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR, insert

from nianbao.store.schema import reports

search_metadata = MetaData()

chunk_index = Table(
    "chunk_index",
    search_metadata,
    Column("chunk_id", String(40), primary_key=True),
    Column("report_id", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("year", Integer),
    Column("section", Text, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("embedding", Vector(), nullable=False),
    Column("terms", TSVECTOR, nullable=False),
)

index_meta = Table(
    "index_meta",
    search_metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)

#: How many candidates an HNSW scan considers (pgvector's default is 40; more is better recall).
EF_SEARCH = 100

#: About how many chunks a keyword search over every body ranks at most. ``ts_rank`` costs a few
#: microseconds a row, and the common words of a question (政府, 信息, 公开) are in nearly every
#: chunk: past this many, chunks are found by the question's rarer words only and the common ones
#: just add to their scores (as BM25's idf nearly drops them), so the cost stops growing with the
#: index (see :func:`match_words`).
RANKED_ROWS = 20_000


class IndexMismatch(RuntimeError):
    """The index in the database was built with another embedding model."""


def prepare(conn: Connection, model: str, dim: int) -> None:
    """Make the index's tables (once), or check that they were made for this model.

    Call inside a write transaction (its advisory lock keeps two first writers from both
    creating them)."""
    if not exists(conn):
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS index_meta (name VARCHAR(32) PRIMARY KEY, value TEXT NOT NULL)"
        )
        conn.exec_driver_sql(
            f"""CREATE TABLE IF NOT EXISTS chunk_index (
                chunk_id VARCHAR(40) PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                report_id VARCHAR(32) NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                body TEXT NOT NULL,
                year INTEGER,
                section TEXT NOT NULL,
                kind VARCHAR(8) NOT NULL,
                embedding vector({int(dim)}) NOT NULL,
                terms tsvector NOT NULL
            )"""
        )
        for name, how in (
            ("embedding", "hnsw (embedding vector_cosine_ops)"),
            ("terms", "gin (terms)"),
            ("report_id", "btree (report_id)"),
            ("body", "btree (body)"),
            ("year", "btree (year)"),
        ):
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS chunk_index_{name} ON chunk_index USING {how}")
        conn.execute(
            insert(index_meta).values(
                [{"name": "embed_model", "value": model}, {"name": "dim", "value": str(dim)}]
            )
        )
        return
    built = dict(conn.execute(select(index_meta.c.name, index_meta.c.value)).all())
    if built.get("embed_model") != model or built.get("dim") != str(dim):
        raise IndexMismatch(
            f"the search index in this database was built with embed_model={built.get('embed_model')!r} "
            f"({built.get('dim')} dimensions), not {model!r} ({dim}); set NIANBAO_EMBED_MODEL back, or "
            "drop the tables chunk_index and index_meta and re-ingest"
        )


def exists(conn: Connection) -> bool:
    """Whether the index's tables have been made."""
    return conn.execute(text("SELECT to_regclass('chunk_index') IS NOT NULL")).scalar_one()


def add_chunks(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Index chunks (in place of what is indexed under their ids): each row has chunk_id,
    report_id, body, year, section, kind, embedding (floats) and words (a string of words
    separated by spaces)."""
    if not rows:
        return
    values = [{**{k: v for k, v in row.items() if k != "words"}, "terms": row["words"]} for row in rows]
    statement = insert(chunk_index).values(terms=func.to_tsvector("simple", bindparam("terms")))
    fields = ("report_id", "body", "year", "section", "kind", "embedding", "terms")
    statement = statement.on_conflict_do_update(
        index_elements=[chunk_index.c.chunk_id], set_={f: statement.excluded[f] for f in fields}
    )
    conn.execute(statement, values)


def remove_report(conn: Connection, report_id: str) -> None:
    """Unindex every chunk of a report version."""
    conn.execute(delete(chunk_index).where(chunk_index.c.report_id == report_id))


def rename(conn: Connection, report_id: str, body: str, words: Mapping[str, str]) -> None:
    """A report's chunks are now of ``body``, with these words (chunk id → words: the header
    names the body)."""
    statement = (
        update(chunk_index)
        .where(chunk_index.c.chunk_id == bindparam("id"))
        .values(body=body, terms=func.to_tsvector("simple", bindparam("words")))
    )
    conn.execute(statement, [{"id": chunk_id, "words": w} for chunk_id, w in words.items()])


def _filtered(
    query: Any,
    bodies: Iterable[str] | None,
    years: Iterable[int] | None,
    sections: Iterable[str] | None,
    kind: str | None,
) -> Any:
    c = chunk_index.c
    if bodies is not None:
        query = query.where(c.body.in_(list(bodies)))
    if years is not None:
        query = query.where(c.year.in_(list(years)))
    if sections is not None:
        query = query.where(c.section.in_(list(sections)))
    if kind is not None:
        query = query.where(c.kind == kind)
    return query


def nearest(
    conn: Connection,
    vector: Sequence[float],
    n: int,
    *,
    bodies: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    sections: Iterable[str] | None = None,
    kind: str | None = None,
) -> list[tuple[str, float]]:
    """The ``n`` chunks nearest ``vector`` as (chunk id, cosine distance), nearest first.

    The HNSW index is scanned iteratively (pgvector 0.8), so a filter that rejects most of the
    nearest rows still gets ``n`` results; the planner reads a selective filter's btree instead."""
    if n <= 0 or not exists(conn):
        return []
    conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
    conn.exec_driver_sql("SET LOCAL hnsw.iterative_scan = relaxed_order")
    distance = chunk_index.c.embedding.cosine_distance(list(map(float, vector)))
    query = _filtered(select(chunk_index.c.chunk_id, distance.label("d")), bodies, years, sections, kind)
    found = conn.execute(query.order_by(distance).limit(n)).all()
    return sorted(((i, float(d)) for i, d in found), key=lambda row: row[1])  # relaxed order: sort


def keyword_ranked(
    conn: Connection,
    words: Sequence[str],
    n: int,
    *,
    bodies: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    sections: Iterable[str] | None = None,
    kind: str | None = None,
) -> list[tuple[str, float]]:
    """The ``n`` chunks that hold most of ``words`` (any of them), best first, as (chunk id,
    score): ``ts_rank`` over the GIN index's matches, its score divided by 1 + log(length).
    Without a body filter, the chunks ranked are those holding the words :func:`match_words` keeps."""
    words = [w for w in dict.fromkeys(words) if w.strip()]
    if n <= 0 or not words or not exists(conn):
        return []
    scored = _tsquery(words)
    matched = scored if bodies is not None else _tsquery(match_words(conn, words))
    score = func.ts_rank(chunk_index.c.terms, scored, 1)
    query = select(chunk_index.c.chunk_id, score.label("s")).where(chunk_index.c.terms.op("@@")(matched))
    query = _filtered(query, bodies, years, sections, kind)
    found = conn.execute(query.order_by(score.desc(), chunk_index.c.chunk_id).limit(n)).all()
    return [(i, float(s)) for i, s in found]


def _tsquery(words: Sequence[str]) -> Any:
    """Any of ``words``, each whole (the ``simple`` configuration, as the index reads them)."""
    text_ = " | ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in words)
    return func.to_tsquery(literal_column("'simple'::regconfig"), text_)


def match_words(conn: Connection, words: Sequence[str], budget: int = RANKED_ROWS) -> list[str]:
    """The words a keyword search finds its chunks by: all of ``words`` when the chunks holding
    any of them are estimated at ``budget`` or fewer, else the rarest, as many as fit (at least
    one). The estimate is the planner's own: ``pg_stats``' most common lexemes of the ``terms``
    column with their frequencies (kept by ANALYZE; a word not listed is rarer than the least
    common listed one). With no statistics yet, all of them."""
    row = conn.execute(
        text(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "AND c.relnamespace = to_regnamespace(s.schemaname) "
            "WHERE s.tablename = 'chunk_index' AND s.attname = 'terms' "
            "AND s.schemaname = current_schema()"
        )
    ).first()
    if row is None or not row[0] or not row[1]:
        return list(words)
    listed, freqs, total = row
    rarest_listed = freqs[len(listed)]  # after the frequencies: their minimum, maximum, null share
    share = dict(zip(listed, freqs, strict=False))
    rows = {w: share.get(w.lower(), rarest_listed) * max(float(total), 0.0) for w in words}
    if sum(rows.values()) <= budget:
        return list(words)
    kept: list[str] = []
    spent = 0.0
    for word in sorted(words, key=rows.__getitem__):
        if kept and spent + rows[word] > budget:
            break
        kept.append(word)
        spent += rows[word]
    return kept


def indexed_chunks(conn: Connection) -> dict[str, str]:
    """Chunk id → report id of every indexed chunk."""
    if not exists(conn):
        return {}
    return dict(conn.execute(select(chunk_index.c.chunk_id, chunk_index.c.report_id)).all())


def indexed_sections(conn: Connection, containing: str) -> list[str]:
    """The indexed top-level sections (and table names) whose name contains this."""
    if not exists(conn):
        return []
    query = select(chunk_index.c.section).distinct().where(func.strpos(chunk_index.c.section, containing) > 0)
    return list(conn.execute(query).scalars())


def current_bodies(conn: Connection) -> list[str]:
    """The bodies of the current report versions (what the index holds chunks of)."""
    return list(conn.execute(select(reports.c.body).distinct().where(reports.c.current.is_(True))).scalars())
