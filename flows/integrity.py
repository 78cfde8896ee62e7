"""``newsetl check`` and ``newsetl repair``: the warehouse's DuckDB file and its Parquet lake,
verified against each other and rebuilt one from the other.

The lake (``lake/<table>/published_month=…/part-<run>-<batch>[.<chunk>][~<compacted by>]
.parquet``) and the loaded tables hold the same rows (see :mod:`flows.lake`). :func:`check`
verifies that:

* the DuckDB file opens and every table reads to its last row (a truncated file can still
  answer ``count(*)`` from its metadata; a full scan of every column cannot be fooled);
* every registered part exists, is a readable Parquet file, has the SHA-256 recorded when it
  was written and the row count registered;
* the rows of the registered parts (less the replaced versions waiting for compaction) are
  exactly the rows of the tables — compared by count and an order-free digest of every column;
* no derived row (mention, quote, event) lacks its article.

:func:`repair` rebuilds whichever side is damaged from the intact one:

* **tables intact** → the lake is rewritten from the tables (one part per table, month and
  loading run, checksums recorded), the old parts removed;
* **DuckDB file unreadable** (damaged, truncated, written by a newer DuckDB) → it is moved
  aside (``news.duckdb.damaged-<time>``), and new tables are rebuilt from the Parquet parts
  alone: per source the newest version of its article, with the mentions, quotes and events
  written with that version (article parts are written after their derived parts, so an
  article part never lacks them); the lake is then rewritten from the new tables. The
  ``rejects`` and ``runs`` tables live only in DuckDB: they are copied from the damaged file
  when it still opens, else they start empty (the next run re-creates the rejects of the
  inputs it reads).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from flows import compaction, lake, models, warehouse
from flows.settings import Settings
from transforms.schemas import (
    TABLES,
    columns,
    derived_tables,
    key_column,
    lake_tables,
    schema_of,
)


def required_tables() -> tuple[str, ...]:
    """Every declared table, and the lake's registry."""
    return (*TABLES, "_lake_parts", "_lake_stale")


def duckdb_only_tables() -> tuple[str, ...]:
    """The declared tables that live only in DuckDB, not in the lake (rejects, runs)."""
    return tuple(n for n, t in TABLES.items() if not t.partition)


@dataclass
class Report:
    """What :func:`check` found: problems make it fail; notes are for information."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    db_readable: bool = False
    lake_ok: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _local_lake_only(settings: Settings, command: str) -> None:
    if settings.catalog:
        raise warehouse.WarehouseError(
            f"newsetl {command} is for a single-file warehouse; a DuckLake warehouse "
            f"({settings.catalog}) is checked by DuckLake itself (docs/scaling.md)"
        )
    if settings.lake_url:
        raise warehouse.WarehouseError(
            f"newsetl {command} reads a local lake only; the lake at {settings.lake_url} is "
            "not supported yet (docs/scaling.md)"
        )


def _digest_sql(table: str, source: str, where: str = "") -> str:
    cols = ", ".join(f'"{c}"' for c in columns(table))
    return f"SELECT count(*), coalesce(sum(hash({cols})::HUGEINT), 0) FROM {source} {where}"


def _scan_tables(con, report: Report) -> dict[str, tuple[int, int]]:
    """Read every table of the warehouse to its last row; returns (rows, digest) per table."""
    found = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        ).fetchall()
    }
    missing = [t for t in required_tables() if t not in found]
    if missing:
        report.problems.append(f"DuckDB file: table(s) missing: {', '.join(missing)}")
    digests = {}
    for table in sorted(found):
        try:
            if table in TABLES:
                digests[table] = con.execute(_digest_sql(table, f'main."{table}"')).fetchone()
            else:
                con.execute(f'SELECT count(*), sum(hash(*COLUMNS(*))) FROM main."{table}"')
        except duckdb.Error as exc:
            report.problems.append(f"DuckDB file: table {table} cannot be read: {_line(exc)}")
    return digests


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def check(settings: Settings) -> Report:
    """Verify the DuckDB file and the lake against each other (read-only)."""
    _local_lake_only(settings, "check")
    report = Report()
    db = settings.db_path
    if not db.exists():
        if settings.lake_dir.exists() and any(lake.lake_files(settings.lake_dir)):
            report.problems.append(
                f"DuckDB file: {db} is missing but the lake holds parts (repair rebuilds it)"
            )
        else:
            raise warehouse.WarehouseError(
                f"no warehouse at {db}: run `newsetl run SOURCE --warehouse "
                f"{settings.warehouse_dir}` first"
            )
        return report
    with contextlib.ExitStack() as stack:
        try:
            con = stack.enter_context(warehouse.connection(settings, read_only=True))
        except warehouse.WarehouseBusy:
            raise
        except warehouse.WarehouseError as exc:
            report.problems.append(f"DuckDB file: {exc}")
            return report
        _check_tables(con, settings, report)
    return report


def _check_tables(con, settings: Settings, report: Report) -> None:
    """The tables read fully, no derived row lacks its article, the lake holds their rows."""
    before = len(report.problems)
    digests = _scan_tables(con, report)
    report.db_readable = len(report.problems) == before
    if not report.db_readable:
        return
    for table in derived_tables():
        n = con.execute(
            f'SELECT count(*) FROM "{table}" WHERE article_id NOT IN '
            "(SELECT article_id FROM articles)"
        ).fetchone()[0]
        if n:
            report.problems.append(f"table {table}: {n} row(s) without their article")
    before = len(report.problems)
    _check_lake(con, settings, digests, report)
    report.lake_ok = len(report.problems) == before


def _check_lake(con, settings: Settings, digests: dict, report: Report) -> None:
    wh = settings.warehouse_dir
    has_sha = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = '_lake_parts' AND column_name = 'sha256'"
    ).fetchone()[0]
    parts = con.execute(
        f"SELECT path, table_name, run_id, row_count, {'sha256' if has_sha else 'NULL'} "
        "FROM _lake_parts ORDER BY path"
    ).fetchall()
    stale: dict[str, list[str]] = {}
    for article_id, run_id in con.execute("SELECT article_id, run_id FROM _lake_stale").fetchall():
        stale.setdefault(run_id, []).append(article_id)
    registered = {p[0] for p in parts}
    if not parts and not con.execute("SELECT count(*) FROM runs").fetchone()[0]:
        found = sum(1 for p in lake.lake_files(settings.lake_dir) if p.suffix == ".parquet")
        if found:
            # A new news.duckdb beside the lake of an earlier one (deleted or moved away).
            report.problems.append(
                f"DuckDB file: {settings.db_path} is new (no runs, no lake registry) but the "
                f"lake holds {found} part(s) of an earlier warehouse"
            )
            report.db_readable = False
            return
    good: dict[str, list[tuple[str, str]]] = {t: [] for t in lake_tables()}
    unchecked = 0
    for rel, table, run_id, rows, digest in parts:
        path = wh / rel
        if not path.is_file():
            report.problems.append(f"lake: registered part {rel} is missing")
            continue
        if digest is None:
            unchecked += 1
        elif lake.file_sha256(path) != digest:
            report.problems.append(f"lake: part {rel} does not match the checksum recorded")
            continue
        try:
            n = pq.ParquetFile(path).metadata.num_rows
        except Exception as exc:
            report.problems.append(f"lake: part {rel} is not readable Parquet: {_line(exc)}")
            continue
        if n != rows:
            report.problems.append(f"lake: part {rel} holds {n} rows, {rows} registered")
            continue
        if table in good:
            good[table].append((str(path), run_id))
    if report.problems:
        return
    for table in lake_tables():
        total = [0, 0]
        for path, run_id in good[table]:
            drop = stale.get(run_id, [])
            try:
                sql = _digest_sql(
                    table,
                    lake.scan_sql(table, [path]),
                    "WHERE article_id NOT IN (SELECT unnest(?::VARCHAR[]))",
                )
                n, h = con.execute(sql, [path, drop]).fetchone()
            except (duckdb.Error, pa.ArrowException, OSError) as exc:
                report.problems.append(f"lake: part {path} cannot be read: {_line(exc)}")
                return
            total[0] += n
            total[1] += int(h)
        want = digests.get(table, (0, 0))
        if (total[0], total[1]) != (want[0], int(want[1])):
            report.problems.append(
                f"lake and table {table} differ: lake {total[0]:,} rows, table {want[0]:,} rows"
                + (" (same count, different content)" if total[0] == want[0] else "")
            )
    orphans = [
        p
        for p in lake.lake_files(settings.lake_dir)
        if p.relative_to(wh).as_posix() not in registered
    ]
    if orphans:
        report.notes.append(
            f"{len(orphans)} unregistered lake file(s) left by an interrupted run "
            "(the next run or `newsetl repair` removes them)"
        )
    if unchecked:
        report.notes.append(
            f"{unchecked} part(s) written before checksums were recorded: verified by content"
        )
    pending = sum(len(v) for v in stale.values())
    if pending:
        report.notes.append(f"{pending} replaced article version(s) waiting for compaction")


def format_check(report: Report, settings: Settings) -> str:
    lines = [f"problem: {p}" for p in report.problems]
    lines += [f"note: {n}" for n in report.notes]
    if report.ok:
        lines.append(
            f"check passed: {settings.db_path} reads fully; the lake's parts are present, "
            "intact and hold exactly the tables' rows"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- repair


def repair(settings: Settings) -> list[str]:
    """Rebuild the damaged side from the intact one; returns what was done (lines)."""
    _local_lake_only(settings, "repair")
    with warehouse.writer_lock(settings.lock_path, timeout=settings.lock_timeout):
        report = check(settings)
        if report.ok:
            done = ["nothing to repair: the check passes"]
            if report.notes:
                removed = _remove_orphans(settings)
                if removed:
                    done.append(f"removed {removed} unregistered lake file(s)")
            return done
        done: list[str] = []
        if not report.db_readable:
            done += _tables_from_lake(settings)
        done += _lake_from_tables(settings)
        models.state_path(settings).unlink(missing_ok=True)
        after = check(settings)
        if not after.ok:
            raise warehouse.WarehouseError(
                "repair could not make the warehouse consistent: " + "; ".join(after.problems)
            )
        done.append("check passes: the tables and the lake agree")
        return done


def _remove_orphans(settings: Settings) -> int:
    with warehouse.connection(settings, read_only=False) as con:
        return len(lake.remove_orphans(settings.lake_dir, compaction.registered_parts(con)))


def _repair_id() -> str:
    return f"repair{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}{secrets.token_hex(2)}"


def _lake_from_tables(settings: Settings) -> list[str]:
    """Rewrite the whole lake from the tables: one part per (table, month, loading run)."""
    wh = settings.warehouse_dir
    tag = _repair_id()
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        groups = con.execute(
            "SELECT run_id, coalesce(strftime(published_date, '%Y-%m'), ?) AS month, "
            "list(article_id) FROM articles GROUP BY ALL ORDER BY ALL",
            [lake.UNKNOWN_MONTH],
        ).fetchall()
        written: list[tuple[str, str, int, str, str]] = []
        for run_id, month, ids in groups:
            for table in sorted(lake_tables(), key=lambda t: t == "articles"):
                cols = ", ".join(f'"{c}"' for c in columns(table))
                data = con.execute(
                    f'SELECT {cols} FROM "{table}" WHERE article_id IN (SELECT unnest(?)) '
                    f'ORDER BY "{key_column(table)}"',
                    [ids],
                ).to_arrow_table()
                if data.num_rows == 0:
                    continue
                data = data.cast(schema_of(table))
                rel = (
                    Path("lake")
                    / table
                    / f"{lake.PARTITION_KEY}={month}"
                    / f"part-{run_id}-00000~{tag}.parquet"
                )
                digest = lake.write_table(data, wh / rel)
                written.append((rel.as_posix(), table, data.num_rows, digest, run_id))
        now = warehouse.utcnow()
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM _lake_parts")
        con.execute("DELETE FROM _lake_stale")
        lake.register_parts(
            con,
            [
                (rel, table, run_id, 0, rows, now, digest)
                for rel, table, rows, digest, run_id in written
            ],
        )
        con.execute("COMMIT")
        removed = lake.remove_orphans(settings.lake_dir, {w[0] for w in written})
    return [
        f"lake rewritten from the tables: {len(written)} part(s) written, "
        f"{len(removed)} old file(s) removed"
    ]


def _lake_parquet(settings: Settings, table: str) -> list[str]:
    folder = settings.lake_dir / table
    if not folder.exists():
        return []
    return sorted(
        str(p) for p in folder.rglob("*.parquet") if p.is_file() and lake.PART_RE.search(p.name)
    )


def _salvage(settings: Settings) -> dict[str, pa.Table]:
    """The rejects and runs tables of a damaged file, when they can still be read."""
    out: dict[str, pa.Table] = {}
    with (
        contextlib.suppress(warehouse.WarehouseError),
        warehouse.connection(settings, read_only=True) as con,
    ):
        for table in duckdb_only_tables():
            try:
                cols = ", ".join(f'"{c}"' for c in columns(table))
                data = con.execute(f'SELECT {cols} FROM "{table}"').to_arrow_table()
                out[table] = data.cast(schema_of(table))
            except Exception:  # damaged too: start that table empty
                continue
    return out


def _tables_from_lake(settings: Settings) -> list[str]:
    """Move the unreadable DuckDB file aside and rebuild the tables from the lake's parts."""
    db = settings.db_path
    done = []
    salvaged = _salvage(settings) if db.exists() else {}
    # Built under a temporary name and renamed into place when complete: a repair killed
    # half-way never leaves a half-built news.duckdb that could pass for intact tables.
    building = db.with_name(db.name + ".rebuilding")
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    with warehouse.connection(settings, read_only=False, db_path=building) as con:
        warehouse.ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        files = _lake_parquet(settings, "articles")
        counts = {}
        if files:
            cols = ", ".join(f'"{c}"' for c in columns("articles"))
            con.execute(
                f"INSERT INTO articles ({cols}) SELECT {cols} FROM ("
                f"  SELECT *, row_number() OVER (PARTITION BY source_uri "
                f"    ORDER BY ingested_at DESC, run_id DESC) AS _by_source FROM ("
                f"    SELECT *, row_number() OVER (PARTITION BY article_id "
                f"      ORDER BY ingested_at DESC, run_id DESC) AS _by_id "
                f"    FROM {lake.scan_sql('articles', files)}) WHERE _by_id = 1"
                f") WHERE _by_source = 1",
                [files],
            )
        for table in derived_tables():
            files = _lake_parquet(settings, table)
            if not files:
                continue
            cols = ", ".join(f'"{c}"' for c in columns(table))
            key = key_column(table)
            con.execute(
                f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM ('
                f'  SELECT d.*, row_number() OVER (PARTITION BY d."{key}") AS _n FROM ('
                f"    SELECT *, regexp_extract(filename, ?, 1) AS _part_run "
                f"    FROM {lake.scan_sql(table, files, filename=True)}) d "
                f"  JOIN articles a ON a.article_id = d.article_id AND a.run_id = d._part_run"
                f") WHERE _n = 1",
                [lake.PART_RE.pattern, files],
            )
        for table in duckdb_only_tables():
            if table in salvaged and salvaged[table].num_rows:
                con.register("_salvaged", salvaged[table])
                con.execute(f'INSERT INTO "{table}" SELECT * FROM _salvaged')
                con.unregister("_salvaged")
        for table in (*lake_tables(), "rejects"):
            counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    if db.exists():
        aside = db.with_name(f"{db.name}.damaged-{dt.datetime.now():%Y%m%dT%H%M%S}")
        os.replace(db, aside)
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        done.append(f"the unusable DuckDB file moved aside to {aside}")
    os.replace(building, db)
    done.append(
        "tables rebuilt from the lake: "
        + ", ".join(f"{t} {n:,}" for t, n in counts.items())
        + (
            ""
            if "rejects" in salvaged
            else " (rejects could not be salvaged: the next run re-creates those of its inputs)"
        )
    )
    return done
