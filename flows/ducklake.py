"""A shared DuckLake that many warehouses publish into: ``newsetl publish --catalog CATALOG``.

Each machine (or each scheduled job) keeps its own single-file warehouse — one writer, the
default and unchanged — and publishes its loaded tables into one DuckLake: the catalog in
PostgreSQL (``postgres:dbname=news host=db.internal``) for several machines, or in SQLite
(``sqlite:/shared/news.sqlite``) for several processes of one machine; the data files in
``--data-path`` (a folder, or ``s3://bucket/prefix`` with the lake's S3 settings, see
``flows/lakefs.py``). Any DuckDB client attaches the DuckLake read-only and queries it, and
``--models`` builds the dbt project on it.

A publication is one DuckLake transaction per warehouse: every published table carries a
``published_by`` column (``--as NAME``, default the host name and the warehouse folder); the
publisher deletes its previous rows and inserts its current ones, so a republication replaces
what it published before (replaced articles included) and never touches another publisher's rows.
Two publishers committing at the same time both commit: DuckLake retries a commit that does
not conflict (appends and deletes in different data files), and :func:`publish` retries the
whole transaction on a conflict it could not settle.

Extensions come from their PyPI packages (``duckdb-extension-ducklake``, ``-sqlite``,
``-postgres``) and are installed with ``INSTALL '<file>'``: nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import random
import re
import socket
import threading
import time
from pathlib import Path

import duckdb

from flows import lakefs
from flows.errors import WarehouseError
from flows.migrations import META_GUARD
from flows.settings import Settings

#: The tables a warehouse publishes (the loaded layer; the marts are built on the DuckLake).
TABLES = ("articles", "mentions", "quotes", "events", "rejects", "runs")
ALIAS = "lake"
#: Extension (as DuckDB names it) -> the PyPI package holding it.
EXTENSIONS = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite",
    "postgres_scanner": "duckdb_extension_postgres",
}
ATTEMPTS = 8
#: How long a process waits for another's lock on a SQLite catalog (milliseconds).
SQLITE_BUSY_MS = 30_000


def session(config: dict | None = None):
    """An in-memory DuckDB session, no warehouse file: to attach other catalogs (a DuckLake)
    and the warehouse read-only beside them."""
    return duckdb.connect(config={"autoinstall_known_extensions": False, **(config or {})})


class DuckLakeError(WarehouseError):
    """The catalog cannot be used; the message says why (one line, as every CLI error)."""


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file of an extension, from its PyPI package."""
    import importlib

    package = importlib.import_module(EXTENSIONS[name])
    found = sorted(Path(package.__file__).parent.rglob("*.duckdb_extension"))
    if not found:
        raise DuckLakeError(f"the package {EXTENSIONS[name]} holds no extension file")
    return found[0]


def catalog_extension(catalog: str) -> str | None:
    kind = catalog.split(":", 1)[0]
    return {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}.get(kind)


def install(con, catalog: str) -> None:
    """Install (offline, from the packages) and load DuckLake and the catalog's extension."""
    needed = ["ducklake"]
    if ext := catalog_extension(catalog):
        needed.append(ext)
    for name in needed:
        con.execute(f"INSTALL '{extension_file(name)}'")
        con.execute(f"LOAD {name}")


def attach(
    con,
    catalog: str,
    data_path: str | None = None,
    *,
    read_only: bool = False,
    endpoint_url: str | None = None,
) -> None:
    """Attach the DuckLake as ``lake`` (its data files in ``data_path`` on first use; an
    ``s3://`` data path through ``endpoint_url``, ``Settings.s3_endpoint``)."""
    install(con, catalog)
    options = []
    if data_path:
        if lakefs.is_url(data_path):
            lakefs.attach(con, lakefs.RemotePath(lakefs.check_url(data_path), endpoint_url))
        else:
            Path(data_path).mkdir(parents=True, exist_ok=True)
        options.append(f"DATA_PATH {_quote(data_path.rstrip('/') + '/')}")
    if catalog.startswith("sqlite:"):
        # Several processes at once: readers beside the writer (WAL), and a writer waits for
        # another's commit instead of failing at once ("database is locked").
        options += ["META_JOURNAL_MODE 'WAL'", f"META_BUSY_TIMEOUT {SQLITE_BUSY_MS}"]
    if read_only:
        options.append("READ_ONLY")
    opts = f" ({', '.join(options)})" if options else ""
    con.execute(f"ATTACH {_quote('ducklake:' + catalog)} AS {ALIAS}{opts}")


# --------------------------------------------------------------------------- the live warehouse
#
# ``newsetl run --catalog CATALOG`` (``NEWSETL_CATALOG``): the warehouse itself is a DuckLake.
# Every table the single-file warehouse holds (articles … runs, and the bookkeeping tables) is
# in the DuckLake, its data files in ``<lake>/ducklake/`` (the warehouse folder's lake, or
# ``--lake-url``) — the data path the DuckLake remembers from its first run. Several runs,
# on one machine or many, commit into it at the same time: each batch is one DuckLake
# transaction (delete the old versions by key, insert the new rows), retried whole on a commit
# conflict; the batch's Parquet parts are only staged in the run's lake and removed once
# committed (DuckLake writes its own data files). ``flows.warehouse.connection`` hands out a
# :class:`LiveSession` instead of the DuckDB file's connection.

#: Staged parts of a run still marked ``running`` this long after it started are removed
#: (a run killed without closing its ledger row; no run takes this long per batch).
STALE_STAGING_HOURS = 24
_sessions: dict[tuple, duckdb.DuckDBPyConnection] = {}
_sessions_lock = threading.Lock()
_PK = re.compile(r"\s+PRIMARY KEY\b", re.IGNORECASE)
_META_UPSERT = re.compile(r"^\s*INSERT OR (REPLACE|IGNORE) INTO _meta VALUES \((.+)\)\s*$", re.S)


class LiveSession:
    """A cursor on the DuckLake warehouse, speaking the single-file warehouse's SQL. What
    DuckLake lacks is translated here, in one place: PRIMARY KEY constraints (DuckLake has none;
    the loader deletes by key before it inserts) are left out of CREATE TABLE, and the
    upserts by key of ``_meta`` (``INSERT OR REPLACE``/``OR IGNORE``) become ``MERGE INTO``.
    Any other upsert (``INSERT OR …``, ``ON CONFLICT``) is refused rather than run without
    its key.

    Without a key, two runs that insert the same new ``_meta`` key at the same time would both
    commit (DuckLake retries concurrent inserts that do not conflict): two ``warehouse_id``s,
    two ``schema_digest``s. So every ``_meta`` upsert first rewrites ``_meta``'s guard row
    (``flows.migrations.META_GUARD``, seeded with the schema) in the same transaction:
    two concurrent upserts then delete the same row, DuckLake reports a conflict, and the one
    that lost is retried whole and finds the other's key."""

    #: Other runs may commit into the same tables at the same time (flows.warehouse).
    shared = True

    def __init__(self, con):
        self._con = con
        self._in_transaction = False

    def execute(self, sql: str, params=None):
        if _META_UPSERT.match(sql):
            return self._guarded(lambda: (self._run(_META_TOUCH), self._run(sql, params))[1])
        head = sql.lstrip()[:12].upper()
        if head.startswith(("COMMIT", "ROLLBACK", "ABORT", "END")):
            self._in_transaction = False  # over, whether or not the statement succeeds
        result = self._run(sql, params)
        if head.startswith("BEGIN"):
            self._in_transaction = True
        return result

    def _run(self, sql: str, params=None):
        sql = _translate(sql)
        return self._con.execute(sql) if params is None else self._con.execute(sql, params)

    def _guarded(self, fn):
        """``fn()`` in the caller's transaction, or in one of its own retried on a conflict."""
        if self._in_transaction:
            return fn()

        def attempt():
            self._con.execute("BEGIN TRANSACTION")
            try:
                result = fn()
                self._con.execute("COMMIT")
                return result
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    self._con.execute("ROLLBACK")
                raise

        return _with_retries(attempt, "writing _meta in the DuckLake")

    def __getattr__(self, name):
        return getattr(self._con, name)


_META_TOUCH = f"UPDATE _meta SET value = value WHERE key = '{META_GUARD}'"


def _translate(sql: str) -> str:
    head = sql.lstrip()[:30].upper()
    if head.startswith("CREATE TABLE"):
        return _PK.sub("", sql)
    if m := _META_UPSERT.match(sql):
        matched = "UPDATE SET value = n.value" if m.group(1) == "REPLACE" else "DO NOTHING"
        return (
            f"MERGE INTO _meta USING (SELECT * FROM (VALUES ({m.group(2)})) AS n(key, value)) n "
            f"ON _meta.key = n.key WHEN MATCHED THEN {matched} "
            "WHEN NOT MATCHED THEN INSERT (key, value) VALUES (n.key, n.value)"
        )
    if head.startswith("INSERT OR") or "ON CONFLICT" in sql.upper():
        raise DuckLakeError(f"no upsert by key in a DuckLake: {' '.join(sql.split())[:80]}")
    return sql


def data_path(settings: Settings) -> str:
    """Where a new DuckLake warehouse puts its data files: ``<lake>/ducklake/``."""
    base = settings.lake_base
    if isinstance(base, Path):
        base = base.resolve()
    return str(base / "ducklake")


def _base_session(settings: Settings, read_only: bool):
    """This process's DuckDB session with the DuckLake attached (attached once: loading the
    extensions and the catalog costs most of a second)."""
    key = (settings.catalog, str(settings.lake_base), settings.s3_endpoint, read_only)
    with _sessions_lock:
        con = _sessions.get(key)
        if con is not None:
            return con
        delay = 0.2
        for attempt in range(ATTEMPTS):
            con = session()
            try:
                _attach_live(con, settings, read_only)
                break
            except duckdb.Error as exc:
                con.close()
                text = " ".join(str(exc).split())[:300]
                # Two first runs at once both create the catalog's tables: one retries.
                racing = any(w in text.lower() for w in ("already exist", "unique", "duplicate"))
                if attempt == ATTEMPTS - 1 or not (racing or retryable(exc)):
                    raise DuckLakeError(
                        f"cannot attach the DuckLake {settings.catalog}: {text}"
                    ) from None
                time.sleep(delay * (1 + random.random()))
                delay *= 2
        _sessions[key] = con
        return con


def _attach_live(con, settings: Settings, read_only: bool) -> None:
    try:
        attach(con, settings.catalog, data_path(settings), read_only=read_only,
               endpoint_url=settings.s3_endpoint)  # fmt: skip
    except duckdb.Error as exc:
        if "does not match existing data path" not in str(exc):
            raise
        # A DuckLake made by another run: its data files stay where that run put them.
        if settings.lake_url:
            lakefs.attach(con, lakefs.RemotePath(settings.lake_url, settings.s3_endpoint))
        attach(con, settings.catalog, read_only=read_only)


@contextlib.contextmanager
def live_connection(settings: Settings, *, read_only: bool = False):
    """A cursor on the DuckLake warehouse (:class:`LiveSession`), closed on leaving."""
    cur = _base_session(settings, read_only).cursor()
    try:
        cur.execute(f"USE {ALIAS}")
        yield LiveSession(cur)
    finally:
        cur.close()


def retried(con, fn, what: str = "committing to the DuckLake"):
    """``fn()``; on a DuckLake warehouse retried whole (with a pause) on a commit conflict
    with another run, a few times, then one clear error."""
    if not getattr(con, "shared", False):
        return fn()
    return _with_retries(fn, what)


def retried_start(fn):
    """The run's start (tables created, ledger row written), retried whole on a conflict: two
    first runs create the same tables at the same time, and one of them must retry."""
    return _with_retries(fn, "starting the run in the DuckLake")


def remove_staged(settings: Settings, con, *, keep_run: str | None = None) -> list[str]:
    """Remove the staged parts of runs that are over: finished (any status), or still marked
    running :data:`STALE_STAGING_HOURS` after they started (killed). Parts of runs still
    going (``keep_run`` and those of other processes) are left alone."""
    from flows.lake import PART_RE, lake_files

    running = {
        r[0]
        for r in con.execute(
            "SELECT run_id FROM runs WHERE status = 'running' AND started_at > "
            f"now() - INTERVAL {STALE_STAGING_HOURS} HOUR"
        ).fetchall()
    }
    removed = []
    for path in sorted(lake_files(settings.lake_dir)):
        m = PART_RE.search(path.name.removesuffix(".tmp"))
        run_id = m.group(1) if m else None
        if run_id is not None and (run_id == keep_run or run_id in running):
            continue
        path.unlink(missing_ok=True)
        removed.append(str(path))
    return removed


def default_origin(settings: Settings) -> str:
    return f"{socket.gethostname()}:{settings.warehouse_dir.resolve()}"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: What a commit that lost a race with another writer says. Besides conflicts and locks:
#: DuckLake 1.5.5's commit reloads the catalog and can read a table another run's commit
#: created without its columns yet ("Failed to load DuckLake - Table entry "mentions" does not
#: have any columns", two first runs at once) — the commit fails whole, a retry succeeds.
RETRYABLE = ("conflict", "locked", "busy", "retry", "primary key", "failed to load ducklake")


def retryable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in RETRYABLE)


def _with_retries(fn, what: str):
    delay = 0.2
    for attempt in range(ATTEMPTS):
        try:
            return fn()
        except duckdb.Error as exc:
            if attempt == ATTEMPTS - 1 or not retryable(exc):
                raise DuckLakeError(f"{what}: {type(exc).__name__}: {exc}") from None
            time.sleep(delay * (1 + random.random()))
            delay *= 2
    raise AssertionError("unreachable")


def publish(
    settings: Settings, catalog: str, data_path: str | None = None, origin: str | None = None
) -> dict[str, int]:
    """Publish the warehouse's tables into the DuckLake; returns rows published per table."""
    origin = origin or default_origin(settings)
    if not settings.db_path.exists():
        raise DuckLakeError(f"no warehouse at {settings.db_path}: run `newsetl run` first")
    con = session()
    try:
        attach(con, catalog, data_path, endpoint_url=settings.s3_endpoint)
        con.execute(f"ATTACH {_quote(str(settings.db_path))} AS wh (READ_ONLY)")
        for table in TABLES:
            _with_retries(lambda t=table: _create(con, t), f"creating {table} in the DuckLake")
        counts = _with_retries(lambda: _replace(con, origin), "publishing")
    finally:
        con.close()
    return counts


def _create(con, table: str) -> None:
    """The table in the DuckLake with this warehouse's columns and ``published_by``; columns a newer
    schema added are added (DuckLake's ALTER TABLE)."""
    con.execute(
        f'CREATE TABLE IF NOT EXISTS {ALIAS}.main."{table}" AS '
        f'SELECT NULL::VARCHAR AS published_by, * FROM wh.main."{table}" LIMIT 0'
    )
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_name = ?",
            [ALIAS, table],
        ).fetchall()
    }
    for name, kind in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'wh' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall():
        if name not in have:
            con.execute(f'ALTER TABLE {ALIAS}.main."{table}" ADD COLUMN "{name}" {kind}')


def _replace(con, origin: str) -> dict[str, int]:
    con.execute("BEGIN TRANSACTION")
    try:
        counts = {}
        for table in TABLES:
            con.execute(f'DELETE FROM {ALIAS}.main."{table}" WHERE published_by = ?', [origin])
            con.execute(
                f'INSERT INTO {ALIAS}.main."{table}" BY NAME '
                f'SELECT ? AS published_by, * FROM wh.main."{table}"',
                [origin],
            )
            counts[table] = con.execute(f'SELECT count(*) FROM wh.main."{table}"').fetchone()[0]
        con.execute("COMMIT")
        return counts
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def prepare_for_dbt(catalog: str) -> None:
    """Install the extensions in DuckDB's extension folder, so that dbt's connection loads
    them from there when it attaches the DuckLake (dbt never downloads one)."""
    con = session()
    try:
        install(con, catalog)
    finally:
        con.close()
