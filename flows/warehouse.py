"""Load: the DuckDB warehouse. One writer at a time, one transaction per batch.

Concurrency model. DuckDB lets one process open a database file for writing, or several
processes open it read-only, not both at once. So:

* a run takes an exclusive file lock (``.newsetl.lock``) for its whole duration: a second run
  waits up to ``lock_timeout`` seconds and then fails with a clear message;
* the run opens its DuckDB connection only for the moments it needs it (planning a batch,
  loading it; kept from batch to batch for at most ``flows.held.HOLD_SECONDS`` while the NLP
  workers are busy) and closes it in between, so read-only queries get in between batches;
* both sides retry opening the file for a bounded time when the other holds it.

Every batch is loaded in one transaction: the old versions of its articles and everything
derived from them are deleted, the new rows are inserted from the batch's Parquet parts, the
parts are registered, and rejects are upserted — all or nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from flows import changes, held, lake, migrations, unique_keys
from flows.errors import WarehouseBusy, WarehouseError
from flows.settings import Settings
from transforms.schemas import (
    TABLES,
    columns,
    derived_tables,
    duckdb_ddl,
    duckdb_type,
    lake_tables,
    schema_of,
)

SCHEMA_VERSION = 3
_INTERNAL_DDL = (
    """CREATE TABLE IF NOT EXISTS _lake_parts (
  path VARCHAR PRIMARY KEY, table_name VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
  batch INTEGER NOT NULL, row_count BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
  sha256 VARCHAR)""",
    # Warehouses from before checksums: their parts have none recorded (NULL).
    "ALTER TABLE _lake_parts ADD COLUMN IF NOT EXISTS sha256 VARCHAR",
    """CREATE TABLE IF NOT EXISTS _lake_stale (
  article_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    migrations.META_SEED,
    # The change counter of each loaded table, bumped by the transaction that changes the
    # table's rows (load_batch): flows/models.py reads it instead of hashing every row.
    """CREATE TABLE IF NOT EXISTS _table_versions (
  table_name VARCHAR PRIMARY KEY, version BIGINT NOT NULL, changed_at TIMESTAMPTZ NOT NULL,
  run_id VARCHAR)""",
    # What each load changed, for the incremental marts (sql/macros/changed.sql): the articles
    # it replaced or inserted ('article'), the entities their mentions and quotes name
    # ('entity') and the first occurrences they repeat ('story'), numbered by _meta
    # 'change_seq'; flows/models.py prunes what builds took in.
    """CREATE TABLE IF NOT EXISTS _changes (
  change_seq BIGINT NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL)""",
    # The input files a run settled, not read again while unchanged (flows/input_files.py).
    """CREATE TABLE IF NOT EXISTS _input_files (
  uri VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL, settings_key VARCHAR NOT NULL,
  day DATE, warehouse_state VARCHAR NOT NULL, records BIGINT NOT NULL, rejected BIGINT NOT NULL,
  reasons VARCHAR NOT NULL, recorded_at TIMESTAMPTZ NOT NULL)""",
)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "already open" in text


def _open_error(db_path: Path, exc: Exception) -> WarehouseError:
    """A one-line, actionable error for a database file DuckDB cannot open."""
    text = " ".join(str(exc).split())
    low = text.lower()
    repair = f"`newsetl repair --warehouse {db_path.parent}` rebuilds the tables from the lake"
    if "version number" in low and "newer" in low:
        return WarehouseError(
            f"{db_path} was written by a newer DuckDB than this newsetl's ({duckdb.__version__}) "
            f"and cannot be opened: {repair}"
        )
    if isinstance(exc, PermissionError) or "permission denied" in low:
        return WarehouseError(f"cannot open {db_path}: permission denied")
    damaged = (
        "not a valid duckdb database",
        "corrupt",
        "could not read enough bytes",
        "checksum",
        "serialization",
        "failed to load",
        "invalid",
    )
    if any(word in low for word in damaged) or isinstance(exc, duckdb.Error):
        return WarehouseError(f"{db_path} is damaged and cannot be opened ({text[:300]}): {repair}")
    return WarehouseError(f"cannot open {db_path}: {text[:300]}")


@contextlib.contextmanager
def connection(
    settings: Settings,
    *,
    read_only: bool,
    timeout: float | None = None,
    config: dict | None = None,
    db_path: Path | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way newsetl opens the warehouse's DuckDB file: retried while another process
    holds it (up to ``timeout``, default the settings' lock timeout), closed on leaving.

    ``db_path`` opens another file of the warehouse (``newsetl repair`` builds the tables under
    a temporary name); ``config`` is DuckDB's (the query sandbox). A DuckLake warehouse
    (``settings.catalog``) gives a cursor on it instead (``flows.ducklake.live_connection``).
    """
    if settings.catalog and db_path is None:
        from flows.ducklake import live_connection

        if config:  # the query sandbox: not over a DuckLake, which must read its data files
            raise WarehouseError(
                "a DuckLake warehouse is queried with any DuckDB client: ATTACH "
                f"'ducklake:{settings.catalog}' AS news (READ_ONLY) (docs/scaling.md)"
            )

        with live_connection(settings, read_only=read_only) as con:
            yield con
        return
    con = _open(
        db_path or settings.db_path,
        read_only=read_only,
        timeout=settings.lock_timeout if timeout is None else timeout,
        config=config,
    )
    try:
        yield con
    finally:
        con.close()


def wait_until_free(settings: Settings) -> None:
    """Return once the DuckDB file can be opened for writing (readers gone), within the lock
    timeout; raise :class:`WarehouseBusy` otherwise."""
    with connection(settings, read_only=False):
        pass


def _open(db_path: Path, *, read_only: bool, timeout: float, config: dict | None = None):
    """Open the DuckDB file, retrying while another process holds it (bounded); while the run
    keeps it open across batches, a cursor on that instance (flows/held.py)."""
    if not config and (cur := held.cursor(db_path)) is not None:
        return cur
    if read_only and not db_path.exists():
        raise WarehouseError(
            f"no warehouse at {db_path}: run `newsetl run SOURCE --warehouse "
            f"{db_path.parent}` first"
        )
    if not read_only:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(
                f"cannot create the warehouse folder {db_path.parent}: {exc.strerror or exc}"
            ) from None
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise _open_error(db_path, exc) from None
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{db_path} is in use by another process (a run loading a batch, or an "
                    f"open connection); tried for {timeout:.0f}s — retry later"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except (duckdb.Error, OSError) as exc:
            raise _open_error(db_path, exc) from None


@contextlib.contextmanager
def writer_lock(lock_path: Path, *, timeout: float) -> Iterator[None]:
    """Hold the warehouse's exclusive writer lock; wait at most ``timeout`` seconds."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "?"
                    raise WarehouseBusy(
                        f"another newsetl run is writing to {lock_path.parent} ({holder}); "
                        f"waited {timeout:.0f}s — wait for it to finish or raise --lock-timeout"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {utcnow():%Y-%m-%d %H:%M:%S} UTC".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- schema


def ensure_schema(con) -> None:
    """Create missing tables, and add columns that newer schemas define (forward migration).
    A warehouse this code brought up to date is left alone (~0.2 s of syncs a run saved)."""
    digest = migrations.schema_digest(SCHEMA_VERSION, _INTERNAL_DDL)
    if migrations.schema_current(con, digest, _INTERNAL_DDL):
        return
    for table, declared in TABLES.items():
        con.execute(duckdb_ddl(table))
        have = migrations.columns_in(con, table)
        for field in declared.schema:
            if field.name not in have:
                con.execute(
                    f'ALTER TABLE "{table}" ADD COLUMN "{field.name}" {duckdb_type(field.type)}'
                )
    migrations.runs_counts(con)
    migrations.loaded_keys(con)
    for ddl in _INTERNAL_DDL:
        con.execute(ddl)
    migrations.meta_keys(con)
    con.execute("INSERT OR REPLACE INTO _meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    # This database file's identity: a new file (deleted, repaired, replaced) never passes
    # for an older one whose change counters happen to be equal.
    con.execute("INSERT OR IGNORE INTO _meta VALUES ('warehouse_id', CAST(uuid() AS VARCHAR))")
    con.execute("INSERT OR REPLACE INTO _meta VALUES ('schema_digest', ?)", [digest])


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


# --------------------------------------------------------------------------- planning


@contextlib.contextmanager
def values_table(con, name: str, values: list, type_: pa.DataType) -> Iterator[str]:
    """``values`` as a one-column relation ``name(v)``, for ``IN (SELECT v FROM name)``.

    A Python list bound as a query parameter is converted by DuckDB's client value by value
    (~85 µs each with DuckDB 1.5.5: 0.7 s of CPU for a batch's 8,192 band hashes);
    an Arrow column is scanned as it is (~1,000× cheaper)."""
    con.register(name, pa.table({"v": pa.array(values, type_)}))
    try:
        yield name
    finally:
        con.unregister(name)


def existing(
    con, source_uris: list[str], article_ids: list[str]
) -> tuple[dict[str, tuple[str, str, str | None, str | None]], dict[str, str]]:
    """What the warehouse holds for a batch, in one query: (:func:`existing_by_source` of
    ``source_uris``, :func:`existing_by_article` of ``article_ids``). The keys are Arrow
    columns (:func:`values_table`): DuckDB's Python client binds a list parameter value by
    value (22 ms of CPU for 256 URIs)."""
    if not source_uris and not article_ids:
        return {}, {}
    with (
        values_table(con, "_plan_uris", source_uris, pa.string()) as uris,
        values_table(con, "_plan_ids", article_ids, pa.string()) as ids,
    ):
        rows = con.execute(
            "SELECT source_uri, article_id, content_sha256, nlp_version, language, "
            f"source_uri IN (SELECT v FROM {uris}), article_id IN (SELECT v FROM {ids}) "
            f"FROM articles WHERE source_uri IN (SELECT v FROM {uris}) "
            f"OR article_id IN (SELECT v FROM {ids})"
        ).fetchall()
    by_source = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows if r[5]}
    by_article = {r[1]: r[0] for r in rows if r[6]}
    return by_source, by_article


#: A stored reject ``r`` and an incoming one ``n`` of the same source give the same verdict: the
#: upsert keeps the stored row (:func:`upsert_rejects`), and :func:`rejects_recorded` asks it.
_SAME_VERDICT = (
    "r.reason = n.reason AND r.detail = n.detail "
    "AND r.content_sha256 IS NOT DISTINCT FROM n.content_sha256"
)


def rejects_recorded(con, verdicts: list[tuple[str, str, str, str | None]]) -> bool:
    """Is every (source_uri, reason, detail, content_sha256) already a row of ``rejects``?
    (:func:`upsert_rejects` would then change nothing.)"""
    if not verdicts:
        return True
    table = pa.table(
        {
            name: pa.array([v[i] for v in verdicts], pa.string())
            for i, name in enumerate(("source_uri", "reason", "detail", "content_sha256"))
        }
    )
    con.register("_verdicts", table)
    try:
        missing = con.execute(
            "SELECT count(*) FROM _verdicts n WHERE NOT EXISTS (SELECT 1 FROM rejects r "
            f"WHERE r.source_uri = n.source_uri AND {_SAME_VERDICT})"
        ).fetchone()[0]
    finally:
        con.unregister("_verdicts")
    return missing == 0


def existing_by_source(
    con, source_uris: list[str]
) -> dict[str, tuple[str, str, str | None, str | None]]:
    """For the given sources: source_uri -> (article_id, content_sha256, nlp_version,
    language)."""
    return existing(con, source_uris, [])[0]


def existing_by_article(con, article_ids: list[str]) -> dict[str, str]:
    """For the given article ids: article_id -> source_uri of the loaded article."""
    return existing(con, [], article_ids)[1]


_ARTICLE_FIELDS = (
    "article_id",
    "source_uri",
    "source_id",
    "url",
    "title",
    "published_date",
    "body",
    "word_count",
    "content_sha256",
    "encoding",
    "flags",
    "outlet",
    "authors",
    "published_at",
    "dateline",
    "language",
    "duplicate_of",
    "duplicate_similarity",
)


def stale_articles(
    con,
    *,
    nlp_version: str,
    run_id: str,
    everything: bool,
    skip: list[str],
    limit: int,
    by_language: dict[str, str] | None = None,
    other_languages: str | None = None,
) -> list[dict]:
    """Up to ``limit`` loaded articles to reprocess: an older NLP version (or any, when
    ``everything``), not already written by this run, not in ``skip``. Oldest first.

    The version expected of an article depends on its language: ``nlp_version`` for English
    (and undetermined), ``by_language[lang]`` for a configured language, ``other_languages``
    for the rest (default: ``nlp_version``)."""
    cols = ", ".join(f'"{c}"' for c in _ARTICLE_FIELDS)
    langs = {"en": nlp_version, **(by_language or {})}
    others = other_languages or nlp_version
    rows = con.execute(
        f"SELECT {cols} FROM articles WHERE run_id <> ? "
        "AND (? OR nlp_version IS DISTINCT FROM coalesce(("
        "  SELECT v FROM (SELECT unnest(?::VARCHAR[]) AS l, unnest(?::VARCHAR[]) AS v) "
        "  WHERE l = coalesce(articles.language, 'en')), ?)) "
        "AND article_id NOT IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY ingested_at, article_id LIMIT ?",
        [run_id, everything, list(langs), list(langs.values()), others, skip, limit],
    ).fetchall()
    return [dict(zip(_ARTICLE_FIELDS, r, strict=True)) for r in rows]


# --------------------------------------------------------------------------- loading


def load_batch(
    con,
    warehouse_dir: Path,
    *,
    parts: list[tuple[str, str, int]],
    incoming: list[tuple[str, str]],
    rejects: pa.Table,
    run_id: str,
    batch: int,
    also=None,
    record_changes: bool = True,
    keys: unique_keys.RunKeys | None = None,
) -> int:
    """Load one batch in one transaction. Returns the number of old article versions replaced.

    ``incoming`` lists (article_id, source_uri) of the articles in ``parts``; ``also`` writes what
    belongs with them in the transaction (flows.near_dups.LoadBands: ``before``, then ``after``).
    ``record_changes=False``: nothing listed in ``_changes`` (a warehouse no build has passed
    on: its next build is a full one, which reads none of it). ``keys``: the run's keys
    (:class:`flows.unique_keys.RunKeys`: its batches' keys checked without a scan of the table).

    A DuckLake warehouse (``con.shared``, flows/ducklake.py): the same transaction, retried
    whole on a commit conflict with another run; the parts are only staged (DuckLake writes
    its own data files): not registered, and removed once committed."""
    from flows.ducklake import retried

    load = dict(parts=parts, incoming=incoming, rejects=rejects, run_id=run_id, batch=batch)
    # a DuckLake has no _changes (it rebuilds its models whole)
    load.update(also=also, record=record_changes and not getattr(con, "shared", False), keys=keys)
    replaced = retried(con, lambda: _load_batch(con, warehouse_dir, **load))
    if getattr(con, "shared", False):
        for _, rel, *_ in parts:
            (warehouse_dir / rel).unlink(missing_ok=True)
    return replaced


def _load_batch(con, warehouse_dir, *, parts, incoming, rejects, run_id, batch, also, record, keys):
    shared = getattr(con, "shared", False)
    con.execute("BEGIN TRANSACTION")
    try:
        if also is not None:
            also.before(con)
        replaced = 0
        changed: set[str] = set()
        if incoming:
            inc = pa.table(
                {"article_id": [a for a, _ in incoming], "source_uri": [s for _, s in incoming]}
            )
            con.register("_incoming", inc)
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _old AS SELECT article_id, run_id FROM articles "
                "WHERE source_uri IN (SELECT source_uri FROM _incoming) "
                "OR article_id IN (SELECT article_id FROM _incoming)"
            )
            replaced = con.execute("SELECT count(*) FROM _old").fetchone()[0]
            seq = None if shared else changes.next_change(con)
            if replaced:  # new articles alone: the tables are not scanned for old versions
                if not shared:  # a DuckLake has no parts of ours to compact, nor _changes
                    con.execute("INSERT INTO _lake_stale SELECT article_id, run_id FROM _old")
                if record:
                    changes.record(con, seq, "_old", "mentions", "quotes")
                for table in (*derived_tables(), "articles"):
                    if _count(
                        con,
                        f'DELETE FROM "{table}" WHERE article_id IN (SELECT article_id FROM _old)',
                    ):
                        changed.add(table)
            if _count(
                con, "DELETE FROM rejects WHERE source_uri IN (SELECT source_uri FROM _incoming)"
            ):
                changed.add("rejects")
        by_table: dict[str, list[str]] = {}
        for table, rel, *_ in parts:
            by_table.setdefault(table, []).append(str(warehouse_dir / rel))
        if parts and not isinstance(warehouse_dir, Path):  # the lake in object storage
            from flows.lakefs import attach

            attach(con, warehouse_dir)
        for table in lake_tables():
            paths = by_table.get(table)
            if not paths:
                continue
            cols = ", ".join(f'"{c}"' for c in columns(table))
            if _count(
                con,
                f'INSERT INTO "{table}" ({cols}) SELECT {cols} '
                "FROM read_parquet(?, hive_partitioning = false)",
                [paths],
            ):
                changed.add(table)
        if not shared:
            unique_keys.check(con, by_table, keys)
            now = utcnow()
            lake.register_parts(
                con, [(r, t, run_id, batch, n, now, d[0] if d else None) for t, r, n, *d in parts]
            )
        if incoming and record:
            # the new versions' entities, read from the batch's parts (not the whole tables)
            scans = {
                t: f"read_parquet({_sql_list(by_table[t])}, hive_partitioning = false)"
                if by_table.get(t)
                else f"(SELECT * FROM {t} LIMIT 0)"
                for t in ("mentions", "quotes", "articles")
            }
            changes.record(
                con, seq, "_incoming", scans["mentions"], scans["quotes"], scans["articles"]
            )
        if incoming:
            con.unregister("_incoming")
        if upsert_rejects(con, rejects):
            changed.add("rejects")
        if not shared:  # the models' change counters (a DuckLake rebuilds its models)
            changes.bump_versions(con, changed, run_id)
        if also is not None:
            also.after(con, [a for a, _ in incoming], "_old" if replaced else None)
        con.execute("COMMIT")
        if keys is not None:
            keys.committed()
        return replaced
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise


def _count(con, sql: str, params: list | None = None) -> int:
    """Run a DELETE/INSERT; the number of rows it changed."""
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row else 0


def upsert_rejects(con, rejects: pa.Table) -> int:
    """Record rejects: one row per source; an identical verdict keeps its first row.
    Returns the number of rows deleted and inserted (0: the table is unchanged)."""
    if rejects.num_rows == 0:
        return 0
    con.register("_rej", rejects)
    changed = _count(
        con,
        "DELETE FROM rejects r USING _rej n WHERE r.source_uri = n.source_uri "
        f"AND NOT ({_SAME_VERDICT})",
    )
    cols = ", ".join(f'"{c}"' for c in columns("rejects"))
    changed += _count(
        con,
        f"INSERT INTO rejects ({cols}) SELECT {cols} FROM _rej "
        "WHERE source_uri NOT IN (SELECT source_uri FROM rejects)",
    )
    con.unregister("_rej")
    return changed


# --------------------------------------------------------------------------- runs ledger


def start_run(con, row: dict) -> None:
    if not getattr(con, "shared", False):  # in a DuckLake, other runs are running
        con.execute(
            "UPDATE runs SET status = 'aborted', error = 'process ended without finishing' "
            "WHERE status = 'running'"
        )
    table = pa.Table.from_pylist([row], schema=schema_of("runs"))
    con.register("_run", table)
    cols = ", ".join(f'"{c}"' for c in columns("runs"))  # by name: migrated column order
    con.execute(f"INSERT INTO runs ({cols}) SELECT {cols} FROM _run")
    con.unregister("_run")


def finish_run(con, run_id: str, fields: dict) -> None:
    from flows.ducklake import retried

    sets = ", ".join(f'"{k}" = ?' for k in fields)
    retried(
        con,
        lambda: con.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", [*fields.values(), run_id]),
    )
