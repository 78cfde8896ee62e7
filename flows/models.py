"""SQL models: ``dbt build`` of the project in ``sql/``, in-process, against one warehouse.

The dbt project (``sql/``) holds staging views and mart tables over the loaded tables, with
their tests. :func:`run_models` runs it with dbt's Python runner (``dbtRunner``), not a shell:

* the profile (``sql/profiles.yml``) takes the DuckDB path from the var ``duckdb_path``,
  passed here with ``--vars`` from ``Settings.db_path`` (by hand: ``NEWSETL_DUCKDB_PATH``);
  nothing is written to the environment;
* dbt's ``target/`` (manifest, compiled SQL, partial-parse state) and ``logs/`` go under the
  warehouse (``<warehouse>/dbt/``), so each warehouse keeps its own and the repository stays
  clean; dbt's parse of the project, the same for every warehouse, is saved once per state of
  the project's files (flows/dbt_parse.py) and handed to dbt: no build parses it again;
* nothing is downloaded: no dbt packages, no usage statistics, no DuckDB extensions;
* a failing test, a model error or a failing unit test raises :class:`ModelsFailed`, whose
  message names every failing node.

DuckDB allows one writer process, and dbt opens the file read-write for the whole build. A run
calls this inside its writer lock with its own connection closed; ``newsetl models`` takes the
writer lock itself (``take_lock=True``). Readers (``newsetl query``) that hold the file when the
build starts are waited for, within ``Settings.lock_timeout``. When the call returns, dbt's
DuckDB connection is closed, so the file is free again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from flows import changes, dbt_parse, dbt_process, warehouse
from flows.settings import DB_FILE, Settings
from transforms.schemas import TABLES

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"

#: Singular data tests that run model_checks over several relations (sql/tests/): their
#: failing checks are named as a model_checks test's are, "relation: check".
MERGED_CHECKS = frozenset({"reporting_leaf_checks"})

#: dbt node statuses that fail a build (a warning does not).
FAILED = frozenset({"fail", "error"})
_KINDS = {"model": "model", "test": "test", "unit_test": "unit test", "seed": "seed"}


#: The loaded tables' columns a scheduled build reads its changed keys by, indexed (ART) once
#: the table holds LOOKUP_INDEX_MIN_ROWS rows: the entity marts (dim_entities, the entity
#: aggregates and pairs) read the mentions of the changed entities (int_entity_mentions,
#: filtered by the keys written out), a scan of every mention's entity_id without it
#: (0.4-0.8 CPU-s per mart at 16.8 M mentions, 300,000 articles). Below the threshold the scan
#: is cheap and the index would only cost the loads (the first run's) and the file
#: (docs/performance.md, session 17). Created by the build (:func:`ensure_lookup_indexes`), then
#: kept by every load (DuckDB maintains it on insert and delete; it alters an indexed table).
LOOKUP_INDEXES = {"mentions": ("entity_id",)}
LOOKUP_INDEX_MIN_ROWS = 2_000_000


def ensure_lookup_indexes(con) -> list[str]:
    """Create the missing :data:`LOOKUP_INDEXES` of the tables past the threshold; return the
    indexes created."""
    sizes = dict(
        con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND database_name = current_database()"
        ).fetchall()
    )
    have = {
        r[0]
        for r in con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE schema_name = 'main' "
            "AND database_name = current_database()"
        ).fetchall()
    }
    created = []
    for table, cols in LOOKUP_INDEXES.items():
        for column in cols:
            name = f"{table}__{column}"
            if sizes.get(table, 0) >= LOOKUP_INDEX_MIN_ROWS and name not in have:
                con.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
                created.append(name)
    return created


class ModelsFailed(warehouse.WarehouseError):
    """dbt could not build the models, or a test failed; the message names the failing nodes."""

    def __init__(self, message: str, failures: list[dict] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


@dataclass(frozen=True)
class NodeOutcome:
    """What happened to one dbt node (model, data test, unit test)."""

    name: str
    kind: str
    status: str
    model: str | None
    message: str | None
    failures: int | None
    #: a failing model_checks test's failing checks: [check name, failing rows]
    checks: tuple[tuple[str, int], ...] = ()

    def describe(self) -> str:
        where = f" on {self.model}" if self.model and self.model != self.name else ""
        if self.kind == "model":
            detail = _first_line(self.message)
        elif self.kind == "unit test":
            detail = "actual rows differ from the expected rows"
        elif self.failures:
            detail = f"{self.failures} failing row{'s' if self.failures != 1 else ''}"
            if self.checks:
                detail += " (" + "; ".join(f"{name}: {n}" for name, n in self.checks) + ")"
        else:
            detail = _first_line(self.message)
        return f"{self.kind} {self.name}{where}: {detail}"


def dbt_paths(settings: Settings) -> tuple[Path, Path]:
    """(target path, log path) of a warehouse's dbt runs."""
    return settings.dbt_dir / "target", settings.dbt_dir / "logs"


def state_path(settings: Settings) -> Path:
    """The digest of the last passing full build (see :func:`fingerprint`)."""
    return settings.dbt_dir / STATE_FILE


#: dbt's console log level for the build a flow run ends with (the CLI's -v makes it "info",
#: -q "none").
FLOW_LOG_LEVEL = "warn"


def run_models(
    settings: Settings,
    *,
    select: list[str] | None = None,
    log_level: str = "info",
    take_lock: bool = False,
    if_changed: bool = False,
    everything: bool = False,
) -> dict:
    """Run ``dbt build`` on the warehouse; return a summary, raise ModelsFailed on failure.

    With ``if_changed`` (what a flow run does), a full build is skipped when the last one
    passed on exactly this state: the same loaded tables, the same SQL project and dbt, and
    every staging and mart relation still there (see :func:`fingerprint`). Anything else —
    a new or changed article, a planted row, an edited model, a dropped mart — builds again.

    Such a build is *incremental* when the last passing build was of this warehouse file and
    of the same SQL project, and every row added or removed since was a load's: the
    incremental marts recompute only the rows of the articles and entities that the loads
    since then changed (``_changes``, sql/macros/changed.sql). When the views and the seed
    are all in place they are not rebuilt, and only the nodes downstream of the loaded tables
    that changed run (:func:`scheduled_selection`): those tables and every data test on them
    — the row-level ones on the per-article views on the changed articles' rows only
    (sql/macros/changed.sql, ``get_where_subquery``).
    Otherwise everything is rebuilt (``--full-refresh``). A run's build (``if_changed``
    without ``everything``) leaves out the unit tests, which test the SQL, not the data; with
    ``everything`` (the nightly full refresh) or without ``if_changed`` (``newsetl models``)
    every test runs.
    """
    if settings.catalog:  # callers build a DuckLake with flows.ducklake_models.build_live_models
        raise warehouse.WarehouseError(
            "a DuckLake warehouse's models: ducklake_models.build_live_models"
        )
    db = settings.db_path
    if not db.exists():
        raise warehouse.WarehouseError(
            f"no warehouse at {db}: run `newsetl run SOURCE --warehouse "
            f"{settings.warehouse_dir}` first"
        )
    lock = (
        warehouse.writer_lock(settings.lock_path, timeout=settings.lock_timeout)
        if take_lock
        else contextlib.nullcontext()
    )
    with lock:
        state = state_path(settings)
        full = not select
        previous = _read_state(state)
        project = project_digest()
        # One connection before dbt's and one after (each open costs ~0.1-0.3 s).
        with warehouse.connection(settings, read_only=False) as con:
            # The loaded tables as the models expect them (a warehouse of an older version).
            warehouse.ensure_schema(con)
            wid = con.execute("SELECT value FROM _meta WHERE key = 'warehouse_id'").fetchone()[0]
            seq = changes.change_seq(con)
            now = {"relations": _relations(con), "tables": _loaded_tables(con)}
            if full and if_changed and previous.get("fingerprint") == fingerprint(settings, con):
                return {"command": "build", "success": True, "skipped": True}
            since = previous.get("change_seq")
            tails = changes.tails(con)  # the rows a later load adds lie after these
            incremental = (
                full
                and if_changed
                and not everything
                and previous.get("warehouse_id") == wid
                and previous.get("project") == project
                and isinstance(since, int)
                and since <= seq
                and not _untracked_writes(previous.get("tables"), now["tables"])
            )
            # The views and the seed need no rebuild either when they are all there as the
            # last passing build left them (same SQL, same seed file: the project's digest).
            keep_views = incremental and previous.get("relations") == now["relations"]
            ensure_lookup_indexes(con)
            state.unlink(missing_ok=True)
            _set_changes_since(
                con,
                since if incremental else -1,
                changes.rows_after(con, previous.get("tails")) if incremental else {},
            )
        request = {
            "settings": settings,
            "select": select or [],
            "log_level": log_level,
            "incremental": incremental,
            "scheduled": if_changed and not everything,
            "changed": changed_tables(previous.get("tables"), now["tables"]) if keep_views else (),
            "project": project,
        }
        try:
            # in the run's build process, started ahead, when there is one (flows/dbt_process.py)
            summary = dbt_process.build(settings, request, _build, ModelsFailed)
        except BaseException:
            with warehouse.connection(settings, read_only=False) as con:
                _set_changes_since(con, -1)
            raise
        summary["incremental"] = incremental
        with warehouse.connection(settings, read_only=False) as con:
            _set_changes_since(con, -1)
            if full:
                # what this build has taken in is no longer needed
                con.execute("DELETE FROM _changes WHERE change_seq <= ?", [seq])
                now = {"relations": _relations(con), "tables": _loaded_tables(con)}
                digest = fingerprint(settings, con)
        if full:
            state.parent.mkdir(parents=True, exist_ok=True)
            tmp = state.with_suffix(".tmp")
            tmp.write_text(
                json.dumps(
                    {
                        "fingerprint": digest,
                        "project": project,
                        "warehouse_id": wid,
                        "change_seq": seq,
                        "tails": tails,
                        **now,
                    }
                )
            )
            tmp.replace(state)
        return summary


def _relations(con) -> list[list[str]]:
    """The relations dbt builds, as they are: [schema, name, type], in order."""
    rows = con.execute(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables "
        "WHERE table_schema IN (SELECT unnest($schemas)) ORDER BY ALL",
        {"schemas": list(MODEL_SCHEMAS)},
    ).fetchall()
    return [list(r) for r in rows]


def _loaded_tables(con) -> dict[str, list[int]]:
    """Each loaded table's change counter (the loader's) and row count (DuckDB's)."""
    versions = dict(con.execute("SELECT table_name, version FROM _table_versions").fetchall())
    sizes = con.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND table_name IN (SELECT unnest($tables))",
        {"tables": [t for t in TABLES if t != LEDGER]},
    ).fetchall()
    return {t: [versions.get(t, 0), size] for t, size in sorted(sizes)}


def _untracked_writes(before: dict | None, now: dict[str, list[int]]) -> bool:
    """Whether a loaded table gained or lost rows that no load recorded (rows written by hand:
    their articles are not in ``_changes``), or the last build did not say: an incremental
    build would leave them out of its marts and its tests."""
    if not isinstance(before, dict):
        return True
    return any(
        t not in before or (before[t][0] == version and before[t][1] != size)
        for t, (version, size) in now.items()
    )


def changed_tables(before: dict | None, now: dict[str, list[int]]) -> list[str]:
    """The loaded tables a build must take in: those whose change counter or size moved since
    the last passing build, and the run ledger (every run adds its row)."""
    before = before if isinstance(before, dict) else {}
    return sorted({t for t, state in now.items() if before.get(t) != state} | {LEDGER})


def scheduled_selection(changed: list[str]) -> list[str]:
    """What a scheduled build with its views in place selects: of the nodes downstream of a
    changed loaded table, the tables and every data test. A table none of whose inputs changed
    (same loaded rows, same seed and SQL) would be rebuilt the same, and a data test whose every
    input is unchanged (the seed's; a view of an unchanged table) would pass again: both left
    to the next full build."""
    return [f"source:newsetl.{t}+,{kind}" for t in changed for kind in INCREMENTAL_SELECT]


def _set_changes_since(con, since: int, rows_after: dict[str, int] | None = None) -> None:
    """Tell the incremental marts which changes to take in (-1: all, a full rebuild), and
    after which row of each loaded table the rows loaded since lie (changes.rows_after)."""
    con.execute("INSERT OR REPLACE INTO _meta VALUES ('models_changes_since', ?)", [str(since)])
    con.execute(
        "INSERT OR REPLACE INTO _meta VALUES ('models_rows_after', ?)",
        [json.dumps(rows_after or {})],
    )


#: The run ledger: left out of the build's digest, since it gains a row with every run (the
#: models only read it through a view).
LEDGER = "runs"
#: The schemas dbt builds (sql/dbt_project.yml), in layer order.
MODEL_SCHEMAS = ("staging", "intermediate", "marts", "reporting")
STATE_FILE = "built.json"
#: The database's name in dbt's nodes: the warehouse file's stem (dbt-duckdb).
DB_NAME = Path(DB_FILE).stem
#: What an incremental build with its views in place builds: the tables, and every data test.
INCREMENTAL_SELECT = (
    "config.materialized:table",
    "config.materialized:incremental",
    "resource_type:test",
)
_SKIP_DIRS = {"target", "logs", "dbt_packages", "__pycache__"}


def fingerprint(settings: Settings, con=None) -> str:
    """A digest of everything a build depends on: dbt's version, the files of the SQL project,
    the state of every loaded table, and the staging and mart relations that exist.

    A table's state is its change counter, kept by the loader in the transaction that
    changes its rows (:func:`flows.changes.bump_versions`), with the database file's
    identity, the table's columns and its row count as DuckDB keeps it: constant time,
    whatever the size of the warehouse (hashing every row took seconds at a few thousand
    articles, and grew with them). Rows written outside newsetl (an UPDATE by hand) are not
    seen: ``newsetl models`` builds regardless. ``con``: an open connection to the warehouse
    (else one is opened, read-only).
    """
    versions = [f"{d} {metadata.version(d)}" for d in ("dbt-core", "dbt-duckdb", "duckdb")]
    digest = hashlib.sha256(("\n".join(versions) + "\n").encode())
    digest.update(project_digest().encode())
    tables = [t for t in TABLES if t != LEDGER]
    queries = (
        "SELECT value FROM _meta WHERE key = 'warehouse_id'",
        "SELECT table_name, version FROM _table_versions ORDER BY 1",
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND table_name IN (SELECT unnest($tables)) ORDER BY 1",
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name IN (SELECT unnest($tables)) ORDER BY 1, 2",
        "SELECT table_schema, table_name, table_type FROM information_schema.tables "
        "WHERE table_schema IN (SELECT unnest($schemas)) ORDER BY ALL",
    )
    params = {"tables": tables, "schemas": list(MODEL_SCHEMAS)}
    opened = warehouse.connection(settings, read_only=True) if con is None else None
    with opened or contextlib.nullcontext(con) as cur:
        for sql in queries:
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            digest.update(repr(cur.execute(sql, used).fetchall()).encode())
    return digest.hexdigest()


def project_digest() -> str:
    """A digest of the SQL project's files (models, tests, macros, seeds, settings)."""
    digest = hashlib.sha256()
    for path in sorted(SQL_DIR.rglob("*")):
        rel = path.relative_to(SQL_DIR)
        if path.is_file() and not _SKIP_DIRS.intersection(rel.parts):
            digest.update(f"{rel.as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def dbt_args(target: Path | str, logs: Path | str, log_level: str, variables: dict) -> list[str]:
    """The arguments every dbt command of ours takes (after the command's name): the project
    and its profiles in sql/, where dbt writes, its console's level, our variables, no usage
    statistics."""
    return [
        "--project-dir", str(SQL_DIR), "--profiles-dir", str(SQL_DIR),
        "--target-path", str(target), "--log-path", str(logs), "--log-level", log_level,
        "--no-send-anonymous-usage-stats", "--vars", json.dumps(variables),
    ]  # fmt: skip


def _build(
    settings: Settings,
    select: list[str],
    log_level: str,
    *,
    incremental: bool = False,
    scheduled: bool = False,
    changed: list[str] | tuple = (),
    project: str | None = None,
    preloaded: tuple | None = None,
    command: str = "build",
) -> dict:
    """dbt's build (``command``: or its tests alone, "test": a failing one skips none of the
    others); ``preloaded``: (key, the saved parse read for it) read ahead."""
    from dbt.cli.main import dbtRunner

    target, logs = dbt_paths(settings)
    args = dbt_args(target, logs, log_level, {"duckdb_path": str(settings.db_path.resolve())})
    args = [command, *args, "--log-level-file", "info"]
    args += ["--use-colors" if sys.stdout.isatty() else "--no-use-colors"]
    for selector in select:
        args += ["--select", selector]
    # An incremental build keeps the incremental marts; any other rebuilds them whole. With
    # the views in place (``changed``: the loaded tables that changed) it builds the tables and
    # runs the data tests downstream of those tables only (scheduled_selection).
    if changed:
        args += ["--select", *scheduled_selection(list(changed))]
        # Some of these intersections select nothing by design (the run ledger feeds views
        # only): dbt's warning for each would reach the run's output on every run.
        args += ["--warn-error-options", '{"silence": ["NoNodesForSelectionCriteria"]}']
    if not incremental:
        args += ["--full-refresh"]
    if scheduled:
        # A run's build leaves out the unit tests (they test the SQL, not the data: CI, `make
        # test`, `newsetl models` and the nightly full build run them) and dbt's manifest.json
        # (~1 s to write; nothing reads it after a run); run_results.json is written below.
        args += ["--exclude", "resource_type:unit_test", "--no-write-json"]
    # dbt's parse of the project, the same for every warehouse: saved once (flows/dbt_parse.py)
    key = parse_key(project or project_digest())
    deadline = time.monotonic() + settings.lock_timeout
    started = time.monotonic()
    while True:
        # Wait (bounded) for readers holding the file, then let dbt open it at once.
        warehouse.wait_until_free(settings)
        if preloaded and preloaded[0] == key:
            manifest, preloaded = preloaded[1], None  # dbt may change it: used once
        else:
            manifest = dbt_parse.load(key)
        try:
            res = dbtRunner(manifest=manifest).invoke(args)
        finally:
            _close_dbt_connection()
        if manifest is None and hasattr(res.result, "results"):  # dbt parsed, and built
            dbt_parse.save(key, target)
        if _is_lock_conflict(res) and time.monotonic() < deadline:
            time.sleep(0.5)  # a reader got in between the check and dbt: wait for it
            continue
        break
    if scheduled and hasattr(res.result, "write"):  # the node timings (bench/growth.py)
        with contextlib.suppress(OSError):
            res.result.write(str(target / "run_results.json"))

    def failing_checks(sql: str) -> list[tuple[str, int]]:
        with warehouse.connection(settings, read_only=True) as con:
            return con.execute(f"select * from ({sql}) order by all").fetchall()

    summary = _summarize(res, time.monotonic() - started, target, failing_checks)
    summary["parse"] = "dbt" if manifest is None else "saved"
    return summary


def parse_key(project: str) -> str:
    """The key of the warehouses' saved dbt parse for the project's digest (flows/dbt_parse.py)."""
    return dbt_parse.parse_key(SQL_DIR, project, "warehouse", DB_NAME)


def _close_dbt_connection() -> None:
    """Close the DuckDB database dbt-duckdb keeps per process, so the file is free again.

    dbt-duckdb closes it when its last handle is released; this makes sure of it even when a
    build ended with an exception. (``_ENV`` is dbt-duckdb's process-wide environment.)
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a locked dependency
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            with contextlib.suppress(Exception):
                env.close()
            DuckDBConnectionManager._ENV = None


def _is_lock_conflict(res) -> bool:
    texts = [str(res.exception or "")]
    for r in getattr(res.result, "results", None) or []:
        texts.append(str(getattr(r, "message", "") or ""))
    return any("could not set lock" in t.lower() or "conflicting lock" in t.lower() for t in texts)


def outcomes(res, failing_checks=None) -> list[NodeOutcome]:
    """One NodeOutcome per node dbt ran (or skipped). ``failing_checks(sql)``, when given,
    runs a failing model_checks test's query again and returns its rows: the checks that
    failed, named in the outcome."""
    found: list[NodeOutcome] = []
    for r in getattr(res.result, "results", None) or []:
        node = r.node
        kind = _KINDS.get(str(node.resource_type), str(node.resource_type))
        # A data test's model is its attached_node; a unit test's, its tested_node_unique_id.
        model = getattr(node, "attached_node", None) or getattr(node, "tested_node_unique_id", None)
        checks: tuple = ()
        metadata = getattr(node, "test_metadata", None)
        if (
            failing_checks
            and r.failures
            and str(r.status) in FAILED | {"warn"}
            and (getattr(metadata, "name", None) == "model_checks" or node.name in MERGED_CHECKS)
        ):
            with contextlib.suppress(Exception):  # the count alone then
                checks = tuple((str(c), int(n)) for c, n in failing_checks(node.compiled_code))
        found.append(
            NodeOutcome(
                name=node.name,
                kind=kind,
                status=str(r.status),
                model=model.split(".")[-1] if model else None,
                message=r.message,
                failures=r.failures,
                checks=checks,
            )
        )
    return found


def _summarize(res, seconds: float, target: Path, failing_checks=None) -> dict:
    if res.result is None or not hasattr(res.result, "results"):
        raise ModelsFailed(f"dbt build could not run: {_first_line(str(res.exception))}")
    nodes = outcomes(res, failing_checks)
    by_status = Counter(n.status for n in nodes)
    by_kind = Counter(n.kind for n in nodes)
    failed = [n for n in nodes if n.status in FAILED]
    summary = {
        "command": "build",
        "success": bool(res.success) and not failed,
        "seconds": round(seconds, 2),
        "models": by_kind["model"],
        "tests": by_kind["test"],
        "unit_tests": by_kind["unit test"],
        "statuses": dict(sorted(by_status.items())),
        "warned": [n.describe() for n in nodes if n.status == "warn"],
        "failed": [n.describe() for n in failed],
        "target_path": str(target),
    }
    if failed or not res.success:
        skipped = by_status["skipped"]
        parts = [f"{len(failed)} node(s) failed: " + "; ".join(summary["failed"])]
        if skipped:
            parts.append(f"{skipped} node(s) skipped because of them")
        if not failed and res.exception is not None:
            parts = [_first_line(str(res.exception))]
        raise ModelsFailed(
            "dbt build failed: " + "; ".join(parts) + f" (log: {target.parent / 'logs'})",
            [asdict(n) for n in failed],
        )
    return summary


def format_summary(summary: dict) -> str:
    """The one-paragraph account of a successful build printed by ``newsetl models``."""
    if summary.get("skipped") == "nothing":
        return "dbt build skipped: nothing loaded"
    if summary.get("skipped"):
        return "dbt build skipped: nothing changed since the last passing build"
    statuses = ", ".join(f"{k} {v}" for k, v in summary["statuses"].items())
    lines = [
        f"dbt build: {summary['models']} models, {summary['tests']} data tests, "
        f"{summary['unit_tests']} unit tests in {summary['seconds']:.1f}s ({statuses})"
    ]
    lines += [f"  warning: {w}" for w in summary["warned"]]
    return "\n".join(lines)


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:500]
    return ""
