"""The forward migrations of a warehouse's loaded tables, run by
:func:`flows.warehouse.ensure_schema` (each a no-op on a warehouse that needs none)."""

from __future__ import annotations

import contextlib
import functools
import hashlib

import duckdb

from transforms.schemas import TABLES, columns, duckdb_ddl, lake_tables


def columns_in(con, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ?",
            [table],
        ).fetchall()
    }


#: The runs ledger's counts of rows written before they became one map per table.
_OLD_COUNT_COLUMNS = ("mentions_written", "quotes_written", "events_written")


def runs_counts(con) -> None:
    """A ledger written before ``rows_written``: move its per-table count columns into the
    map (rows_written = {"mentions": mentions_written, …}) and drop them."""
    old = [c for c in _OLD_COUNT_COLUMNS if c in columns_in(con, "runs")]
    if not old:
        return
    keys = ", ".join(f"'{c.removesuffix('_written')}'" for c in old)
    values = ", ".join(f'"{c}"' for c in old)
    con.execute(
        f"UPDATE runs SET rows_written = map([{keys}], [{values}]) WHERE rows_written IS NULL"
    )
    for c in old:
        con.execute(f'ALTER TABLE runs DROP COLUMN "{c}"')


def loaded_keys(con) -> None:
    """A warehouse of schema version 1 or 2: its loaded tables still have their PRIMARY KEY
    (version 1: all of them; version 2: ``articles``), which every checkpoint rewrites whole.
    Rebuild each without it (the new DDL, the rows copied, the old table dropped, the new one
    renamed), all in one transaction; dbt's views name the tables, so they read the rebuilt
    ones."""
    loaded = lake_tables()
    keyed = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY' "
            "AND list_contains(?, table_name)",
            [list(loaded)],
        ).fetchall()
    ]
    if not keyed:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for table in (t for t in loaded if t in keyed):
            new = f"_{table}_v2"
            cols = ", ".join(f'"{c}"' for c in columns(table))
            con.execute(f'DROP TABLE IF EXISTS "{new}"')
            con.execute(duckdb_ddl(table).replace(f'"{table}"', f'"{new}"', 1))
            con.execute(f'INSERT INTO "{new}" ({cols}) SELECT {cols} FROM "{table}"')
            con.execute(f'DROP TABLE "{table}"')
            con.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise


@functools.cache
def schema_digest(version: int, internal_ddl: tuple[str, ...]) -> str:
    """The schema the code declares: its tables' DDL, the internal tables', its version."""
    text = "\n".join([str(version), *map(duckdb_ddl, TABLES), *internal_ddl])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def schema_current(con, digest: str, internal_ddl: tuple[str, ...]) -> bool:
    """Did this code bring the warehouse up to date (its digest stored once), every table
    there? A key stored twice (:func:`meta_keys`) is not up to date."""
    names = [*TABLES, *(ddl.split()[5] for ddl in internal_ddl if ddl.startswith("CREATE"))]
    try:
        row = con.execute(
            "SELECT (SELECT CASE WHEN count(*) = 1 THEN min(value) END FROM _meta "
            "WHERE key = 'schema_digest'), "
            "(SELECT count(*) FROM _meta WHERE key = 'warehouse_id'), "
            "(SELECT count(DISTINCT table_name) FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND list_contains($names, table_name))",
            {"names": names},
        ).fetchone()
    except duckdb.CatalogException:  # no _meta yet: a new warehouse
        return False
    return row == (digest, 1, len(set(names)))


#: ``_meta``'s guard row, seeded with the schema: on a DuckLake every upsert of ``_meta``
#: rewrites it in its transaction, so that two runs inserting the same new key conflict
#: (``flows.ducklake.LiveSession``); a single-file warehouse holds it too, unused.
META_GUARD = "_meta_writer"
META_SEED = (
    f"INSERT INTO _meta SELECT '{META_GUARD}', '' "
    f"WHERE NOT EXISTS (SELECT 1 FROM _meta WHERE key = '{META_GUARD}')"
)


def meta_keys(con) -> None:
    """A DuckLake warehouse whose first runs raced before ``_meta`` had its guard row can hold
    a key twice (two ``warehouse_id``s, two equal ``schema_digest``s): keep one value per
    key (the highest, the same whichever run repairs it), in one transaction."""
    twice = con.execute(
        "SELECT key, max(value) FROM _meta GROUP BY key HAVING count(*) > 1 ORDER BY key"
    ).fetchall()
    if not twice:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for key, value in twice:
            con.execute("DELETE FROM _meta WHERE key = ?", [key])
            con.execute("INSERT INTO _meta VALUES (?, ?)", [key, value])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise
