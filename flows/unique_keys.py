"""The loaded tables' keys: unique, checked by each batch's load (:func:`flows.warehouse.load_batch`).

``articles`` and the derived tables have no PRIMARY KEY (:func:`transforms.schemas.duckdb_ddl`:
DuckDB's checkpoint rewrote a table's whole key index whenever it changed), so the load
checks that every key its batch inserted is held by one row: not twice in the batch, not by
a row of another article already loaded (the batch's articles' old rows are deleted first).

The exact check (:func:`check`) joins the batch's keys with the table's whole key column:
run after every batch of a first run, its cost grew with the batches already loaded — the
square of the run's batches in all (session 18, 18,992 Reuters stories replayed:
``mentions``' join 4.3 → 15.4 ms of CPU a batch from the first to the last five of 75
batches; the four tables' joins 1.68 CPU-s). :class:`RunKeys` bounds it for the tables a run
found empty: every row of such a table was inserted by one of the run's own loads, and the
run holds the 64-bit hashes of the keys it has committed (DuckDB's ``hash``, 8 bytes a key,
sorted). A batch whose hashes meet neither one another nor the run's cannot hold a
duplicated key, and is not joined with the table; one that meets them (a duplicated key, an
article replaced within the run, or two keys of one hash) gets the exact check, and its
error, as before.
"""

from __future__ import annotations

import numpy as np

from flows.errors import WarehouseError
from transforms.schemas import key_column, lake_tables


class RunKeys:
    """The hashes of the keys one run committed to the lake tables it found empty (the
    other tables are checked exactly). Only the run's loads write these tables while it holds
    the warehouse's lock; a load adds its hashes once committed (:meth:`committed`)."""

    def __init__(self, tables):
        self.held = {t: np.empty(0, np.uint64) for t in tables}
        self.pending: dict[str, np.ndarray] = {}

    @classmethod
    def of(cls, con) -> RunKeys:
        """For the run starting on ``con``: the lake tables that hold no row yet."""
        empty = [
            t for t in lake_tables() if not con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        ]
        return cls(empty)

    def cannot_collide(self, con, table: str, paths: list[str]) -> bool:
        """True when the batch's keys of ``table`` (in its parts ``paths``) can be held by no
        other row: their hashes distinct, and none among the run's. Kept for :meth:`committed`."""
        if table not in self.held:
            return False
        key = key_column(table)
        new = np.sort(
            con.execute(
                f'SELECT hash("{key}") AS h FROM read_parquet(?, hive_partitioning = false)',
                [paths],
            ).fetchnumpy()["h"]
        )
        self.pending[table] = new
        held = self.held[table]
        at = np.searchsorted(held, new)
        met = held[np.minimum(at, len(held) - 1)] == new if len(held) else np.zeros(0, bool)
        return not (np.any(new[1:] == new[:-1]) or np.any(met))

    def committed(self) -> None:
        """The batch's load committed: its hashes join the run's (kept sorted)."""
        for table, new in self.pending.items():
            held = self.held[table]
            self.held[table] = np.insert(held, np.searchsorted(held, new), new)
        self.pending.clear()


def check(con, by_table: dict[str, list[str]], keys: RunKeys | None = None) -> None:
    """Raise :class:`WarehouseError` when a loaded table's key the batch just inserted (from
    its parts, ``by_table``: table -> paths) is now held by two rows: twice in the batch, or
    by a row of another article. ``keys``: the run's (:class:`RunKeys`), for the tables it
    found empty; without it every table's key column is scanned."""
    if keys is not None:
        keys.pending.clear()
    for table in lake_tables():
        paths = by_table.get(table)
        if not paths or (keys is not None and keys.cannot_collide(con, table, paths)):
            continue
        key = key_column(table)
        held = con.execute(
            f'SELECT t."{key}" FROM "{table}" t SEMI JOIN (SELECT "{key}" FROM '
            "read_parquet(?, hive_partitioning = false)) n "
            f'ON t."{key}" = n."{key}" GROUP BY t."{key}" HAVING count(*) > 1 '
            f'ORDER BY t."{key}" LIMIT 1',
            [paths],
        ).fetchone()
        if not held:  # a duplicate's articles are read only then (the key column alone first)
            continue
        dup = con.execute(
            f'SELECT "{key}", count(*), list(DISTINCT article_id ORDER BY article_id) '
            f'FROM "{table}" WHERE "{key}" = ? GROUP BY ALL',
            [held[0]],
        ).fetchone()
        raise WarehouseError(
            f"{table}: {key} {dup[0]!r} would be held by {dup[1]} rows (articles "
            f"{', '.join(dup[2])}); ids must be unique: the batch is not loaded"
        )
