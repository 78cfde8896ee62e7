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
import json
import random
import socket
import time
from pathlib import Path

import duckdb

from flows import lakefs, warehouse
from flows.settings import Settings
from flows.warehouse import WarehouseError

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
    if read_only:
        options.append("READ_ONLY")
    opts = f" ({', '.join(options)})" if options else ""
    con.execute(f"ATTACH {_quote('ducklake:' + catalog)} AS {ALIAS}{opts}")


def default_origin(settings: Settings) -> str:
    return f"{socket.gethostname()}:{settings.warehouse_dir.resolve()}"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _retryable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("conflict", "locked", "busy", "retry", "primary key"))


def _with_retries(fn, what: str):
    delay = 0.2
    for attempt in range(ATTEMPTS):
        try:
            return fn()
        except duckdb.Error as exc:
            if attempt == ATTEMPTS - 1 or not _retryable(exc):
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
    con = warehouse.session()
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
    con = warehouse.session()
    try:
        install(con, catalog)
    finally:
        con.close()


def build_models(catalog: str, work_dir: Path, log_level: str = "warn") -> dict:
    """``dbt build`` of the project on the DuckLake (the ``ducklake`` target of
    sql/profiles.yml); dbt's target and logs under ``work_dir``. Raises ModelsFailed."""
    from dbt.cli.main import dbtRunner

    from flows import models

    prepare_for_dbt(catalog)
    args = [
        "build",
        "--project-dir", str(models.SQL_DIR),
        "--profiles-dir", str(models.SQL_DIR),
        "--target", "ducklake",
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--log-level", log_level,
        "--no-use-colors",
        "--no-send-anonymous-usage-stats",
    ]  # fmt: skip
    args += ["--vars", json.dumps({"ducklake_catalog": f"ducklake:{catalog}"})]
    started = time.monotonic()
    try:
        res = dbtRunner().invoke(args)
    finally:
        models._close_dbt_connection()
    return models._summarize(res, time.monotonic() - started, work_dir / "target")


def add_arguments(parser, warehouse_arg) -> None:
    """``newsetl publish``'s options."""
    warehouse_arg(parser)
    parser.add_argument(
        "--catalog",
        required=True,
        metavar="CATALOG",
        help="the DuckLake catalog: postgres:dbname=news host=… or sqlite:/path/news.sqlite",
    )
    parser.add_argument(
        "--data-path",
        metavar="PATH",
        help="where the DuckLake's data files go (a folder or s3://bucket/prefix); "
        "needed the first time",
    )
    parser.add_argument(
        "--as",
        dest="origin",
        metavar="NAME",
        help="this warehouse's name in the DuckLake (default: host name and warehouse folder)",
    )
    parser.add_argument(
        "--models", action="store_true", help="then build the dbt models on the DuckLake"
    )


def command(args, settings: Settings, verbosity: str, dbt_log_level: str) -> int:
    """``newsetl publish``: publish, then (``--models``) build the models on the DuckLake."""
    from flows.models import format_summary

    counts = publish(settings, args.catalog, args.data_path, args.origin)
    if verbosity != "quiet":
        print("published: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    if args.models:
        summary = build_models(
            args.catalog, settings.warehouse_dir / "dbt-ducklake", log_level=dbt_log_level
        )
        if verbosity != "quiet":
            print(format_summary(summary))
    return 0
