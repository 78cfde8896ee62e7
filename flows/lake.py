"""The Parquet lake: ``lake/<table>/published_month=YYYY-MM/part-<run>-<batch>.parquet``.

Parts are written whole to a temporary name and renamed, so a reader never sees half a file.
A part exists in the lake's registry (the ``_lake_parts`` table in DuckDB) only once its rows
are loaded, in the same transaction; anything else under ``lake/`` is an orphan of a killed
run and is removed by the next run (:func:`remove_orphans`). When an article is replaced, the
rows of its old version are listed in ``_lake_stale`` and :func:`compact` rewrites the parts
that hold them, so the lake and the DuckDB tables always hold the same rows.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.lakefs import RemotePath
from flows.lakefs import read_schema as _remote_schema
from flows.lakefs import read_table as _remote_table
from flows.lakefs import write_table as _remote_write
from transforms.schemas import TABLES, duckdb_type

# A lake part's file name: the run, the batch, a worker's chunk, a temporary suffix.
PART_RE = re.compile(r"part-(.+)-(\d{5})(?:\.\d+)?(?:~[^/]*)?\.parquet$")

UNKNOWN_MONTH = "unknown"
PARTITION_KEY = "published_month"
COMPRESSION = "zstd"


def scan_sql(table: str, files: list[str], *, filename: bool = False) -> str:
    """A subquery reading lake parts of ``table`` (bind the list of ``files`` to its ``?``)
    with every column of the table's schema, in schema order: a column added after a part was
    written reads as NULL from it, as the ALTER TABLE of ``ensure_schema`` left it in DuckDB
    (parts are never rewritten for a new column). ``filename`` adds DuckDB's ``filename``."""
    present: set[str] = set()
    for path in files:
        schema = _remote_schema(path) if isinstance(path, RemotePath) else pq.read_schema(path)
        present.update(schema.names)
    cols = ", ".join(
        f'"{f.name}"' if f.name in present else f'NULL::{duckdb_type(f.type)} AS "{f.name}"'
        for f in TABLES[table].schema
    )
    options = "hive_partitioning = false, union_by_name = true" + (
        ", filename = true" if filename else ""
    )
    return f"(SELECT {cols}{', filename' if filename else ''} FROM read_parquet(?, {options}))"


def month_of(date) -> str:
    return UNKNOWN_MONTH if date is None else f"{date.year:04d}-{date.month:02d}"


def file_sha256(path: Path | RemotePath) -> str:
    """The SHA-256 of a file's bytes (read in chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_table(table: pa.Table, path: Path) -> str:
    """Write one Parquet file atomically (temp name, fsync, rename); returns its SHA-256,
    recorded in the registry so that ``newsetl check`` can tell a damaged part. In object
    storage (``flows.lakefs``) the object is uploaded whole: an upload is atomic."""
    if isinstance(path, RemotePath):
        return _remote_write(table, path, COMPRESSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        pq.write_table(table, tmp, compression=COMPRESSION)
        digest = file_sha256(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return digest


def write_parts(
    lake_dir: Path,
    tables: dict[str, pa.Table],
    months: dict[str, str],
    *,
    run_id: str,
    batch: int,
    chunk: int | None = None,
) -> list[tuple[str, str, int, str]]:
    """Write a batch's tables, one part per (table, month). Returns (table, relpath, rows,
    sha256) per part.

    ``chunk``: the part of the batch a Dask worker analysed (``--runner dask``), in the file
    name (``part-<run>-<batch>.<chunk>.parquet``): each worker writes its own parts.

    ``months`` maps article_id to its partition month; every table has an ``article_id``.
    Paths are relative to the warehouse folder (the lake's parent). The article parts are
    written last: an article part in the lake always has all its derived parts beside it, so
    the lake alone is enough to rebuild consistent tables (``newsetl repair``).
    """
    written: list[tuple[str, str, int, str]] = []
    order = sorted(tables, key=lambda name: name == "articles")
    for name in order:
        table = tables[name]
        if table.num_rows == 0:
            continue
        schema = TABLES[name].schema
        assert TABLES[name].partition and table.schema.equals(schema), f"{name}: schema drift"
        row_months = [months[a] for a in table.column("article_id").to_pylist()]
        by_month: dict[str, list[int]] = defaultdict(list)
        for i, month in enumerate(row_months):
            by_month[month].append(i)
        for month in sorted(by_month):
            part = table.take(pa.array(by_month[month], type=pa.int64()))
            rel = (
                Path("lake")
                / name
                / f"{PARTITION_KEY}={month}"
                / f"part-{run_id}-{batch:05d}{'' if chunk is None else f'.{chunk}'}.parquet"
            )
            digest = write_table(part, lake_dir.parent / rel)
            written.append((name, rel.as_posix(), part.num_rows, digest))
    return written


def lake_files(lake_dir: Path | RemotePath) -> Iterable[Path | RemotePath]:
    if isinstance(lake_dir, RemotePath):
        return lake_dir.files()
    if not lake_dir.exists():
        return []
    return (p for p in lake_dir.rglob("*") if p.is_file())


def remove_orphans(lake_dir: Path, registered: set[str]) -> list[str]:
    """Delete lake files that are not registered (parts of a killed run, temp files)."""
    removed = []
    for path in sorted(lake_files(lake_dir)):
        rel = path.relative_to(lake_dir.parent).as_posix()
        if rel not in registered:
            path.unlink(missing_ok=True)
            removed.append(rel)
    if isinstance(lake_dir, RemotePath):
        return removed  # object stores have no empty folders to remove
    for folder in sorted((p for p in lake_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def rewrite_without(
    warehouse_dir: Path, rel: str, drop_article_ids: set[str], new_rel: str
) -> tuple[int, str | None] | None:
    """Rewrite a part without the given articles' rows.

    Returns (rows kept in ``new_rel``, its sha256 or None when nothing was kept), or None when
    the part holds none of those articles (nothing written; the part stays as it is).
    """
    src = warehouse_dir / rel
    read = _remote_table if isinstance(src, RemotePath) else pq.read_table
    drop = pa.array(sorted(drop_article_ids), type=pa.string())
    ids = read(src, columns=["article_id"]).column("article_id")
    if not pc.any(pc.is_in(ids, drop)).as_py():
        return None
    table = read(src)
    kept = table.filter(pc.invert(pc.is_in(table.column("article_id"), drop)))
    digest = write_table(kept, warehouse_dir / new_rel) if kept.num_rows else None
    return kept.num_rows, digest


_PART_COLUMNS = {
    "path": pa.string(),
    "table_name": pa.string(),
    "run_id": pa.string(),
    "batch": pa.int32(),
    "row_count": pa.int64(),
    "created_at": pa.timestamp("us", tz="UTC"),
    "sha256": pa.string(),
}


def register_parts(con, rows: list[tuple]) -> None:
    """Insert ``rows`` (path, table_name, run_id, batch, row_count, created_at, sha256) into
    ``_lake_parts`` in one statement (an Arrow table: a statement per part cost ~1 ms of CPU
    each, seven a batch)."""
    if not rows:
        return
    table = pa.table(
        {
            name: pa.array([r[i] for r in rows], type_)
            for i, (name, type_) in enumerate(_PART_COLUMNS.items())
        }
    )
    cols = ", ".join(_PART_COLUMNS)
    con.register("_parts_new", table)
    try:
        con.execute(f"INSERT INTO _lake_parts ({cols}) SELECT {cols} FROM _parts_new")
    finally:
        con.unregister("_parts_new")
