"""The contract between transform and load: the pyarrow schema of every table.

Every Parquet write and every DuckDB table is derived from the schemas here; column lists
elsewhere are read off them (``columns("mentions")``), never typed again. Each table is
declared once in ``TABLES`` (:class:`Table`: schema, key, lake partition, whether it hangs off
an article, whether NLP makes it, its row class), and :func:`to_table` enforces the contract
where rows become a table.

Offsets (`start_char`, `end_char`) are Python string indices into ``articles.body``:
``body[start_char:end_char] == text`` for every row of every table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("published_date", pa.date32()),
        pa.field("body", pa.string(), nullable=False),
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("encoding", pa.string(), nullable=False),
        pa.field("flags", pa.list_(pa.string()), nullable=False),
        pa.field("nlp_version", pa.string()),
        pa.field("tone", pa.float64()),
        pa.field("ingested_at", TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        # Extract metadata (issue 15): who published and wrote it, when exactly, from where,
        # in what language, and whether it is a reprint of an article loaded before it.
        pa.field("outlet", pa.string()),
        pa.field("authors", pa.list_(pa.string())),
        pa.field("published_at", TS),
        pa.field("dateline", pa.string()),
        pa.field("language", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("duplicate_similarity", pa.float32()),
    ],
    metadata={
        "grain": "one row per distinct article body",
        "key": "article_id",
    },
)

MENTIONS = pa.schema(
    [
        pa.field("mention_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("entity_id", pa.string()),
        pa.field("canonical_name", pa.string()),
        pa.field("country_code", pa.string()),
        pa.field("origin", pa.string(), nullable=False),
    ],
    metadata={"grain": "one row per entity mention", "key": "mention_id"},
)

QUOTES = pa.schema(
    [
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("is_direct", pa.bool_(), nullable=False),
        pa.field("is_partial", pa.bool_(), nullable=False),
        pa.field("speaker_text", pa.string()),
        pa.field("speaker_start_char", pa.int32()),
        pa.field("speaker_end_char", pa.int32()),
        pa.field("speaker_name", pa.string()),
        pa.field("speaker_entity_id", pa.string()),
        pa.field("speaker_mention_id", pa.string()),
        pa.field("speaker_kind", pa.string(), nullable=False),
        pa.field("cue", pa.string()),
        pa.field("cue_start_char", pa.int32()),
        pa.field("cue_end_char", pa.int32()),
        pa.field("tone", pa.float64()),
    ],
    metadata={"grain": "one row per quotation or reported statement", "key": "quote_id"},
)

EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("trigger", pa.string(), nullable=False),
        pa.field("trigger_lemma", pa.string(), nullable=False),
        pa.field("event_type", pa.string()),
        pa.field("mode", pa.string()),
        pa.field("quad_class", pa.string()),
        pa.field("plover_score", pa.float32()),
        pa.field("is_top_event", pa.bool_(), nullable=False),
        pa.field("actor_text", pa.string()),
        pa.field("actor_entity_id", pa.string()),
        pa.field("actor_name", pa.string()),
        pa.field("target_text", pa.string()),
        pa.field("target_entity_id", pa.string()),
        pa.field("target_name", pa.string()),
        pa.field("location_entity_id", pa.string()),
        pa.field("location_name", pa.string()),
        pa.field("event_date", pa.date32()),
        pa.field("date_text", pa.string()),
        pa.field("date_precision", pa.string()),
        pa.field("negated", pa.bool_(), nullable=False),
        pa.field("modality", pa.string(), nullable=False),
        pa.field("confidence", pa.float32(), nullable=False),
    ],
    metadata={"grain": "one row per (trigger, actor, target) event", "key": "event_id"},
)

REJECTS = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string(), nullable=False),
        pa.field("content_sha256", pa.string()),
        pa.field("rejected_at", TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    metadata={"grain": "one row per rejected source (its latest verdict)", "key": "source_uri"},
)

RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("flow_run_id", pa.string()),
        pa.field("started_at", TS, nullable=False),
        pa.field("finished_at", TS),
        pa.field("status", pa.string(), nullable=False),
        pa.field("sources", pa.list_(pa.string()), nullable=False),
        pa.field("nlp_version", pa.string()),
        pa.field("full_refresh", pa.bool_(), nullable=False),
        pa.field("records_seen", pa.int64(), nullable=False),
        pa.field("articles_new", pa.int64(), nullable=False),
        pa.field("articles_changed", pa.int64(), nullable=False),
        pa.field("articles_unchanged", pa.int64(), nullable=False),
        pa.field("articles_reprocessed", pa.int64(), nullable=False),
        pa.field("rejected", pa.int64(), nullable=False),
        # Rows written per table of the lake ({"articles": 21, "mentions": 1180, …}).
        pa.field("rows_written", pa.map_(pa.string(), pa.int64()), nullable=False),
        pa.field("nlp_articles", pa.int64(), nullable=False),
        pa.field("seconds", pa.float64()),
        pa.field("error", pa.string()),
        # Web sources: pages fetched (200), answered 304 Not Modified (feeds and pages),
        # skipped by robots.txt, failed after retries; articles the English NLP skipped.
        pa.field("fetched", pa.int64()),
        pa.field("not_modified", pa.int64()),
        pa.field("robots_skipped", pa.int64()),
        pa.field("fetch_failed", pa.int64()),
        pa.field("nlp_skipped_language", pa.int64()),
    ],
    metadata={"grain": "one row per pipeline run", "key": "run_id"},
)


class ContractError(ValueError):
    """Rows that break a table's contract: an unknown or missing column, a NULL in a NOT NULL
    column, a value of the wrong type."""


@dataclass(frozen=True)
class Table:
    """One table of the warehouse, declared once: the flows iterate these declarations.

    * ``schema`` — its columns, types and NOT NULL (the metadata holds its grain and key);
    * ``partition`` — the lake partition column (``published_month``, the month of the
      article's publication), or None for a table that is not written to the lake;
    * ``derived`` — its rows hang off an article and are replaced with it;
    * ``nlp`` — the NLP step produces it (:mod:`transforms.pipeline`), with ``extractor``:
      ``"module:function"`` of ``function(analysis, article) -> list of row dicts``;
    * ``row_class`` — ``"module:Class"`` of the class whose ``row()`` builds its rows.

    Both are imported on demand (:meth:`row_type`, :meth:`extract_fn`), so that this module
    stays light. Everything else reads the declarations at call time (:func:`lake_tables`,
    :func:`derived_tables`, :func:`nlp_tables`), never a copy taken at import.
    """

    name: str
    schema: pa.Schema
    partition: str | None = None
    derived: bool = False
    nlp: bool = False
    row_class: str | None = None
    extractor: str | None = None

    @property
    def key(self) -> str:
        """The primary-key column."""
        return self.schema.metadata[b"key"].decode()

    @property
    def grain(self) -> str:
        """What one row is ("one row per entity mention")."""
        return self.schema.metadata[b"grain"].decode()

    def row_type(self) -> type | None:
        """The row class (None for a table whose rows the flows build as dicts)."""
        return None if self.row_class is None else _load(self.row_class)

    def extract_fn(self):
        """The NLP extractor of the table: ``fn(analysis, article) -> list[dict]``."""
        if self.extractor is None:
            raise ValueError(f"table {self.name} has no extractor")
        return _load(self.extractor)


def _load(ref: str):
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


#: The lake partition of every table written to the lake.
PARTITION = "published_month"

#: Every table, in load order.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("articles", ARTICLES, PARTITION, row_class="transforms.parse:Article"),
        Table(
            "mentions",
            MENTIONS,
            PARTITION,
            derived=True,
            nlp=True,
            row_class="transforms.mentions.model:Mention",
            extractor="transforms.pipeline:mention_rows",
        ),
        Table(
            "quotes",
            QUOTES,
            PARTITION,
            derived=True,
            nlp=True,
            row_class="transforms.quotes.rows:Quote",
            extractor="transforms.pipeline:quote_rows",
        ),
        Table(
            "events",
            EVENTS,
            PARTITION,
            derived=True,
            nlp=True,
            row_class="transforms.events.rows:Event",
            extractor="transforms.pipeline:event_rows",
        ),
        Table("rejects", REJECTS, row_class="transforms.parse:Reject"),
        Table("runs", RUNS),
    )
}


def lake_tables() -> tuple[str, ...]:
    """Tables written to the Parquet lake (and loaded from it), in load order."""
    return tuple(n for n, t in TABLES.items() if t.partition)


def derived_tables() -> tuple[str, ...]:
    """Tables whose rows hang off an article and are replaced with it."""
    return tuple(n for n, t in TABLES.items() if t.derived)


def nlp_tables() -> tuple[str, ...]:
    """Tables the NLP step produces."""
    return tuple(n for n, t in TABLES.items() if t.nlp)


def schema_of(table: str) -> pa.Schema:
    """The schema of a table."""
    return TABLES[table].schema


def columns(table: str) -> list[str]:
    """Column names of a table, in schema order."""
    return TABLES[table].schema.names


def key_column(table: str) -> str:
    """The primary-key column of a table."""
    return TABLES[table].key


_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float32(): "REAL",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    TS: "TIMESTAMPTZ",
}


def duckdb_type(dtype: pa.DataType) -> str:
    """The DuckDB column type for a pyarrow type used in these schemas."""
    if pa.types.is_list(dtype):
        return duckdb_type(dtype.value_type) + "[]"
    if pa.types.is_map(dtype):
        return f"MAP({duckdb_type(dtype.key_type)}, {duckdb_type(dtype.item_type)})"
    return _DUCKDB_TYPES[dtype]


def duckdb_ddl(table: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for a table, with NOT NULL and the primary key.

    The tables loaded from the lake (:func:`lake_tables`: ``articles`` and the derived tables)
    have no PRIMARY KEY, only NOT NULL on their key: DuckDB's checkpoint rewrites a table's
    whole key index whenever the table changes (0.24 CPU-s per load at 480,000 rows; the
    articles' at 19,000 rows: 0.4–0.6 CPU-s per batch's close), so the loader, which deletes
    an article's old rows before it inserts the new ones, checks their keys instead
    (flows.unique_keys: a duplicated id fails the batch's load). ``rejects`` and ``runs`` keep
    theirs."""
    schema = schema_of(table)
    key = key_column(table)
    loaded = TABLES[table].partition is not None
    cols = []
    for field in schema:
        col = f'"{field.name}" {duckdb_type(field.type)}'
        if field.name == key:
            col += " NOT NULL" if loaded else " PRIMARY KEY"
        elif not field.nullable:
            col += " NOT NULL"
        cols.append(col)
    return f'CREATE TABLE IF NOT EXISTS "{table}" (\n  ' + ",\n  ".join(cols) + "\n)"


def to_table(table: str, rows: list[dict]) -> pa.Table:
    """Build an Arrow table from row dicts, checked against the table's contract.

    Raises :class:`ContractError` at once on a row with an unknown or a missing column (every
    column is a key of every row, NULL or not), a NULL in a NOT NULL column, or a value of
    the wrong type — ``pa.Table.from_pylist`` alone would drop the unknown key and fill the
    missing one with NULL, even in a NOT NULL column.
    """
    schema = schema_of(table)
    names = frozenset(schema.names)
    for i, row in enumerate(rows):
        if row.keys() != names:
            unknown = sorted(set(row) - names)
            missing = sorted(names - set(row))
            raise ContractError(
                f"{table}: row {i} has unknown column(s) {unknown} and lacks column(s) {missing}"
            )
    try:
        arrow = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
        raise ContractError(f"{table}: a value does not fit its column: {exc}") from exc
    for field in schema:
        if not field.nullable and arrow.column(field.name).null_count:
            i = arrow.column(field.name).to_pylist().index(None)
            raise ContractError(f"{table}: row {i} has NULL in NOT NULL column {field.name}")
    return arrow
