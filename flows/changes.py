"""The warehouse's change bookkeeping, written by the loader inside each load's transaction.

``_table_versions`` counts the changes of each table (the models' digest reads it instead of
hashing rows); ``_changes`` lists, under a load's number (``_meta`` ``change_seq``), the articles
it replaced or inserted, the entities they name and the first occurrences they repeat (the
incremental marts rebuild those).
"""

from __future__ import annotations

import datetime as dt


def bump_versions(con, tables, run_id: str | None) -> None:
    """Count one change of each of ``tables`` (inside the caller's transaction)."""
    names = sorted(set(tables))
    if not names:
        return
    # One statement for all of them (one a table cost ~2 ms of CPU each, seven a batch).
    con.execute(
        "INSERT INTO _table_versions SELECT unnest(?::VARCHAR[]), 1, ?::TIMESTAMPTZ, ?::VARCHAR "
        "ON CONFLICT (table_name) DO UPDATE SET version = version + 1, "
        "changed_at = excluded.changed_at, run_id = excluded.run_id",
        [names, dt.datetime.now(dt.UTC), run_id],
    )


def next_change(con) -> int:
    """A new change number (the load's, in _changes)."""
    return int(
        con.execute(
            "INSERT OR REPLACE INTO _meta SELECT 'change_seq', "
            "CAST(1 + coalesce(max(try_cast(value AS BIGINT)), 0) AS VARCHAR) "
            "FROM _meta WHERE key = 'change_seq' RETURNING value"
        ).fetchone()[0]
    )


def record(con, seq: int, ids: str, mentions: str, quotes: str, articles: str = "articles") -> None:
    """Record in _changes, under the load's number, the articles of the relation ``ids``, the
    entities that their rows in ``mentions`` and ``quotes`` name, and the first occurrences
    their rows in ``articles`` repeat (``duplicate_of``, kind 'story': dim_stories recomputes
    those stories, whose reprints they join or leave). Called for the old versions before
    they are deleted and for the new ones once loaded: both are recorded."""
    con.execute(
        f"INSERT INTO _changes SELECT DISTINCT ?, 'article', article_id FROM {ids} "
        f"UNION SELECT DISTINCT ?, 'entity', entity_id FROM {mentions} "
        f"WHERE entity_id IS NOT NULL AND article_id IN (SELECT article_id FROM {ids}) "
        f"UNION SELECT DISTINCT ?, 'entity', speaker_entity_id FROM {quotes} "
        f"WHERE speaker_entity_id IS NOT NULL AND article_id IN (SELECT article_id FROM {ids}) "
        f"UNION SELECT DISTINCT ?, 'story', duplicate_of FROM {articles} "
        f"WHERE duplicate_of IS NOT NULL AND article_id IN (SELECT article_id FROM {ids})",
        [seq, seq, seq, seq],
    )


def change_seq(con) -> int:
    """The number of the last load that changed articles (0: none yet)."""
    row = con.execute(
        "SELECT try_cast(value AS BIGINT) FROM _meta WHERE key = 'change_seq'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def table_versions(con) -> dict[str, int]:
    """table -> its change counter (tables never changed by a load are absent)."""
    return dict(con.execute("SELECT table_name, version FROM _table_versions").fetchall())


#: The loaded tables an incremental build reads by row position (sql/macros/changed.sql,
#: ``loaded_rows``).
POSITIONED = ("articles", "mentions", "quotes", "events")


def tails(con) -> dict[str, list]:
    """Each of :data:`POSITIONED`'s last row now, ``{table: [rowid, key, run_id]}`` (an empty
    table is absent), ``run_id`` the run that loaded the row's article. DuckDB appends a load's
    rows after every row it holds, and its checkpoint, when it compacts deleted rows away, moves
    the rows after them to lower rowids, in order: so while this row is still at its rowid
    (:func:`rows_after`), the rows loaded since lie after it. The key alone does not say it is
    still the same row: reprocessing writes the same ids again (a new extraction version
    reprocesses every article), and once the old rows are compacted away the new ones can sit
    at the rowids the old had — the last among them with the recorded key, every changed row
    before it. A reprocessed article's run is the run that reprocessed it, so the run tells."""
    from transforms.schemas import key_column

    out = {}
    for table in POSITIONED:
        last = con.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
        if last is not None:
            key, run = _row(con, table, key_column(table), int(last))
            out[table] = [int(last), key, run]
    return out


def _row(con, table: str, key: str, rowid: int) -> tuple:
    """(key, run_id of its article) of ``table``'s row at ``rowid``; (None, None) if none."""
    row = con.execute(
        f'SELECT t."{key}", a.run_id FROM "{table}" AS t '
        "LEFT JOIN articles AS a ON a.article_id = t.article_id "
        f"WHERE t.rowid = {rowid}"
    ).fetchone()
    return row or (None, None)


def rows_after(con, recorded: dict | None) -> dict[str, int]:
    """``{table: rowid}`` of the :func:`tails` a build recorded whose row is still at its rowid,
    with its key and its article's run: the rows loaded since are those after it. A table whose
    row moved, went or was loaded again is left out (its changed rows are then found by their
    keys alone), as is a tail recorded without its run (before session 16)."""
    from transforms.schemas import key_column

    out = {}
    for table, tail in (recorded or {}).items():
        if table not in POSITIONED or len(tail) != 3:
            continue
        rowid, key, run = tail
        if (
            key is not None
            and run is not None
            and _row(con, table, key_column(table), int(rowid)) == (key, run)
        ):
            out[table] = int(rowid)
    return out
