"""A shared DuckLake (catalog in SQLite, data files in a folder): two warehouses publish into it
at the same time from two processes and both commit, nothing lost; the dbt models build on it;
the DuckDB CLI attaches it read-only and queries a mart."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLE
from tests.tables import ARTICLES

pytestmark = pytest.mark.slow

NEWSETL = Path(sys.executable).parent / "newsetl"
CLI = Path(sys.executable).parent / "duckdb"
PUBLISHED = ("articles", "mentions", "quotes", "events", "rejects", "runs")


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PUBLISHED}
    finally:
        con.close()


@pytest.fixture(scope="module")
def lake(tmp_path_factory, prefect_harness):
    from flows import ducklake, ducklake_models
    from flows.etl import news_etl

    tmp = tmp_path_factory.mktemp("ducklake")
    warehouses = {}
    for name, files in (("east", ARTICLES[:3]), ("west", ARTICLES[3:])):
        corpus = tmp / f"corpus-{name}"
        corpus.mkdir()
        for f in files:
            shutil.copy(SAMPLE / f, corpus / f)
        (corpus / f"empty-{name}.txt").write_text("")
        news_etl(sources=[str(corpus)], warehouse_dir=str(tmp / name), run_models=False)
        warehouses[name] = tmp / name
    catalog = f"sqlite:{tmp / 'catalog.sqlite'}"
    data = tmp / "lake-data"
    # The catalog is created once (as an operator would), then both publish at the same time.
    con = duckdb.connect()
    ducklake.attach(con, catalog, str(data))
    con.close()
    procs = {
        name: subprocess.Popen(
            [
                str(NEWSETL),
                "publish",
                "--warehouse",
                str(wh),
                "--catalog",
                catalog,
                "--data-path",
                str(data),
                "--as",
                name,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, wh in warehouses.items()
    }
    results = {
        name: (p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for name, p in procs.items()
    }
    built = ducklake_models.build_models(catalog, tmp / "dbt")
    return {
        "tmp": tmp,
        "catalog": catalog,
        "data": data,
        "warehouses": warehouses,
        "results": results,
        "built": built,
    }


def lake_con(lake) -> duckdb.DuckDBPyConnection:
    from flows import ducklake

    con = duckdb.connect()
    ducklake.attach(con, lake["catalog"], read_only=True)
    return con


def test_two_concurrent_publishers_both_commit_nothing_lost(lake):
    for name, (code, out, err) in lake["results"].items():
        assert code == 0, (name, err[-2000:])
        assert out.startswith("published: articles 3, mentions "), out
    con = lake_con(lake)
    try:
        for name, wh in lake["warehouses"].items():
            want = counts(wh / "news.duckdb")
            got = {
                t: con.execute(
                    f"SELECT count(*) FROM lake.main.{t} WHERE published_by = ?", [name]
                ).fetchone()[0]
                for t in PUBLISHED
            }
            assert got == want, name
            assert want["articles"] == 3 and want["mentions"] > 20 and want["rejects"] == 1
        # Every article of both warehouses, each once, with its rows.
        ids = con.execute("SELECT article_id FROM lake.main.articles ORDER BY 1").fetchall()
        assert len(ids) == len(set(ids)) == 6
        # The data files are Parquet in the data path, not in the catalog.
        assert list(lake["data"].rglob("*.parquet"))
    finally:
        con.close()


def test_republishing_replaces_that_publisher_only(lake):
    from flows import ducklake
    from flows.settings import load_settings

    east = lake["warehouses"]["east"]
    ducklake.publish(load_settings(east), lake["catalog"], origin="east")
    con = lake_con(lake)
    try:
        rows = dict(
            con.execute(
                "SELECT published_by, count(*) FROM lake.main.articles GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    assert rows == {"east": 3, "west": 3}


def test_models_build_on_the_ducklake(lake):
    built = lake["built"]
    assert built["success"], built
    assert (built["models"], built["tests"]) == (30, 28)
    con = lake_con(lake)
    try:
        marts = con.execute("SELECT count(*) FROM lake.marts.fct_quotes").fetchone()[0]
        quotes = con.execute("SELECT count(*) FROM lake.main.quotes").fetchone()[0]
    finally:
        con.close()
    assert marts == quotes > 0


def test_duckdb_cli_attaches_the_ducklake_read_only_and_queries_a_mart(lake, tmp_path):
    """The CLI (1.5.6) loads the 1.5.5 extension files of the PyPI packages (see
    docs/scaling.md: unsigned, metadata mismatch allowed); SQLite's under its DuckDB name."""
    from flows import ducklake

    if not CLI.exists():  # pragma: no cover - a dev dependency
        pytest.fail(f"{CLI} is missing: run `make setup`")
    sqlite_ext = tmp_path / "sqlite_scanner.duckdb_extension"
    shutil.copy(ducklake.extension_file("sqlite_scanner"), sqlite_ext)
    sql = (
        "SET allow_extensions_metadata_mismatch = true; "
        f"LOAD '{ducklake.extension_file('ducklake')}'; LOAD '{sqlite_ext}'; "
        f"ATTACH 'ducklake:{lake['catalog']}' AS news (READ_ONLY); "
        "SELECT count(*) FROM news.marts.fct_quotes; "
        "SELECT count(*) FROM news.main.articles;"
    )
    out = subprocess.run(
        [str(CLI), "-unsigned", "-csv", "-noheader", "-c", sql],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    con = lake_con(lake)
    try:
        want = con.execute("SELECT count(*) FROM lake.marts.fct_quotes").fetchone()[0]
    finally:
        con.close()
    assert out.stdout.split() == [str(want), "6"]
    # Read-only: a write through the CLI is refused.
    refused = subprocess.run(
        [str(CLI), "-unsigned", "-c", sql.split("SELECT")[0] + "DELETE FROM news.main.runs;"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0 and "read-only" in refused.stderr.lower()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL 15 cluster of its own (Debian's package) on 127.0.0.1, stopped after."""
    import os
    import socket

    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"{PG_BIN}/initdb is absent (apt-get install postgresql-15)")
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are
    # root, in a folder of its own that user can reach (pytest's temporary folders are 0700).
    base = Path(tempfile.mkdtemp(prefix="newsetl-pg-"))
    user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if user:
        shutil.chown(base, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = base / "data"
    run = lambda *cmd: subprocess.run([*user, *cmd], check=True, capture_output=True, timeout=300)  # noqa: E731
    run(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", f"-p {port} -k {base} -h 127.0.0.1",
        "-l", str(base / "log"), "-w", "start")  # fmt: skip
    try:
        run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "news")
        yield f"postgres:dbname=news host=127.0.0.1 port={port} user=postgres"
    finally:
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_catalog_two_concurrent_publishers(lake, postgres, tmp_path):
    from flows import ducklake

    con = duckdb.connect()
    ducklake.attach(con, postgres, str(tmp_path / "pg-lake-data"))
    con.close()
    procs = [
        subprocess.Popen(
            [str(NEWSETL), "publish", "--warehouse", str(wh), "--catalog", postgres, "--as", name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, wh in lake["warehouses"].items()
    ]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read()[-2000:]
    con = duckdb.connect()
    ducklake.attach(con, postgres, read_only=True)
    try:
        got = dict(
            con.execute(
                "SELECT published_by, count(*) FROM lake.main.mentions GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    want = {name: counts(wh / "news.duckdb")["mentions"] for name, wh in lake["warehouses"].items()}
    assert got == want and all(want.values())


# --------------------------------------------------------------------------- the live warehouse
# `newsetl run --catalog …`: the warehouse itself is a DuckLake; two runs on different inputs
# commit into it at the same time (SQLite and PostgreSQL catalogs, each created by the runs
# themselves), and it then holds exactly the rows of two single-file runs of the same inputs.

LIVE_TABLES = ("articles", "mentions", "quotes", "events", "rejects")


@pytest.fixture(scope="module")
def live(lake, postgres, prefect_server):
    _, env = prefect_server
    tmp = lake["tmp"]
    port = postgres.split("port=")[1].split()[0]
    createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres"]
    subprocess.run([*createdb, "live"], check=True, capture_output=True, timeout=120)
    catalogs = {
        "sqlite": f"sqlite:{tmp / 'live.sqlite'}",
        "postgres": postgres.replace("dbname=news", "dbname=live"),
    }
    procs = {
        (kind, name): subprocess.Popen(
            [
                str(NEWSETL),
                "run",
                str(tmp / f"corpus-{name}"),
                "--warehouse",
                str(tmp / f"live-{kind}-{name}"),
                "--catalog",
                catalog,
                "--no-models",
                "-q",
            ],
            cwd=ROOT,
            env=dict(env, PREFECT_LOGGING_LEVEL="WARNING"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind, catalog in catalogs.items()
        for name in ("east", "west")
    }
    results = {k: (p.wait(timeout=900), p.stderr.read()) for k, p in procs.items()}
    return {"catalogs": catalogs, "results": results, "tmp": tmp}


def live_con(catalog: str):
    from flows import ducklake

    con = duckdb.connect()
    ducklake.attach(con, catalog, read_only=True)
    return con


def expected_rows(lake) -> dict[str, list[tuple]]:
    """The rows of the two single-file warehouses of the same inputs (run columns left out)."""
    from tests.tables import RUN_COLUMNS

    con = duckdb.connect()
    try:
        for name, wh in lake["warehouses"].items():
            con.execute(f"ATTACH '{wh / 'news.duckdb'}' AS {name} (READ_ONLY)")
        out = {}
        for table in LIVE_TABLES:
            cols = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
                    "'east' AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            sel = ", ".join(f'"{c}"' for c in cols)
            out[table] = (cols, con.execute(
                f"SELECT {sel} FROM east.main.{table} UNION ALL "
                f"SELECT {sel} FROM west.main.{table} ORDER BY ALL"
            ).fetchall())  # fmt: skip
        return out
    finally:
        con.close()


def differing_rows(got: list[tuple], want: list[tuple]) -> dict[str, list]:
    """The rows only one side has (first five each), for a failure's message."""
    from collections import Counter

    g, w = Counter(got), Counter(want)
    return {"only_got": list((g - w).elements())[:5], "only_want": list((w - g).elements())[:5]}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_two_concurrent_runs_commit_into_a_ducklake_warehouse(live, lake, kind):
    for name in ("east", "west"):
        code, err = live["results"][(kind, name)]
        assert code == 0, (kind, name, err[-3000:])
    con = live_con(live["catalogs"][kind])
    try:
        for table, (cols, want) in expected_rows(lake).items():
            sel = ", ".join(f'"{c}"' for c in cols)
            got = con.execute(f"SELECT {sel} FROM lake.main.{table} ORDER BY ALL").fetchall()
            # nothing lost, nothing twice; on failure say which rows differ
            assert got == want, (table, cols, differing_rows(got, want), live["results"])
        assert len(want) == 2  # rejects: the empty file of each input (not vacuous)
        runs = con.execute("SELECT status, articles_new, rejected FROM lake.main.runs").fetchall()
        assert sorted(runs) == [("completed", 3, 1), ("completed", 3, 1)]
    finally:
        con.close()
    # The batches' parts were only staged: committed, then removed (DuckLake has the data).
    for name in ("east", "west"):
        assert not list((live["tmp"] / f"live-{kind}-{name}" / "lake").rglob("*.parquet"))


def test_rerun_on_a_ducklake_replaces_a_changed_article_and_builds_the_models(live, lake):
    """Re-running is safe: an unchanged input adds nothing; a changed article replaces its
    old version (deleted by key, its rows with it) and the models build on the DuckLake."""
    from flows.etl import news_etl

    catalog = live["catalogs"]["sqlite"]
    corpus = live["tmp"] / "corpus-east"  # the same source paths: the module's last test
    changed = corpus / ARTICLES[0]
    text = changed.read_text()
    changed.write_text(text + "\nThe union said the strike would go on.\n")
    try:
        summary = news_etl(
            sources=[str(corpus)], warehouse_dir=str(live["tmp"] / "live-sqlite-east"),
            catalog=catalog, n_process=1,
        )  # fmt: skip
    finally:
        changed.write_text(text)
    assert (summary["articles_changed"], summary["articles_new"]) == (1, 0), summary
    assert summary["articles_unchanged"] == 2 and summary["models"]["success"], summary
    con = live_con(catalog)
    try:
        assert con.execute("SELECT count(*) FROM lake.main.articles").fetchone()[0] == 6
        bodies = con.execute(
            "SELECT count(*) FROM lake.main.articles WHERE body LIKE '%strike would go on%'"
        ).fetchone()[0]
        assert bodies == 1
        for table, key in (("mentions", "mention_id"), ("quotes", "quote_id")):
            # No row of the old version is left (each belongs to a loaded article), none twice.
            orphans, rows, keys = con.execute(
                f"SELECT count(*) FILTER (WHERE article_id NOT IN "
                f"(SELECT article_id FROM lake.main.articles)), count(*), count(DISTINCT {key}) "
                f"FROM lake.main.{table}"
            ).fetchone()
            assert orphans == 0 and rows == keys > 0, table
        marts = con.execute("SELECT count(*) FROM lake.marts.fct_quotes").fetchone()[0]
        quotes = con.execute("SELECT count(*) FROM lake.main.quotes").fetchone()[0]
        assert marts == quotes > 0
    finally:
        con.close()


def test_the_catalog_setting_is_checked():
    from flows.settings import SettingsError, load_settings

    assert load_settings("wh", env={"NEWSETL_CATALOG": "sqlite:/x/c.sqlite"}).catalog == (
        "sqlite:/x/c.sqlite"
    )
    assert load_settings("wh", env={}).catalog is None  # the single-file warehouse: default
    with pytest.raises(SettingsError, match="must be postgres:…, sqlite:PATH or duckdb:PATH"):
        load_settings("wh", env={}, catalog="mysql:news")


def test_a_commit_that_lost_a_race_is_retried_whole_and_other_errors_are_not(monkeypatch):
    """Two first runs at once: DuckLake's commit can read a table the other run's commit made
    without its columns yet (seen in the suite, DuckLake 1.5.5); the start is retried whole.
    An error that says nothing of a race is raised at once, as one line."""
    from flows import ducklake

    monkeypatch.setattr(ducklake.time, "sleep", lambda _s: None)
    raced = (
        "TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction. "
        'Failed to load DuckLake - Table entry "mentions" does not have any columns'
    )
    calls = []

    def start():
        calls.append(1)
        if len(calls) < 3:
            raise duckdb.TransactionException(raced)
        return "started"

    assert ducklake.retried_start(start) == "started"
    assert len(calls) == 3

    def broken():
        calls.append(1)
        raise duckdb.CatalogException('Table with name "mentions" does not exist!')

    calls.clear()
    with pytest.raises(ducklake.DuckLakeError, match=r"^starting the run in the DuckLake: Cat"):
        ducklake.retried_start(broken)
    assert len(calls) == 1


def test_a_live_session_translates_what_ducklake_lacks_and_refuses_other_upserts(tmp_path):
    """On a real DuckLake (SQLite catalog): the primary key is left out, _meta's upserts become
    MERGE INTO (replace, and keep-the-first), any other upsert is refused."""
    from flows import ducklake
    from flows.settings import load_settings

    settings = load_settings(tmp_path / "wh", env={}, catalog=f"sqlite:{tmp_path / 'c.sqlite'}")
    with ducklake.live_connection(settings) as con:
        con.execute("CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", ["a", "1"])
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", ["a", "2"])
        con.execute("INSERT OR IGNORE INTO _meta VALUES ('b', 'first')")
        con.execute("INSERT OR IGNORE INTO _meta VALUES ('b', 'second')")
        assert con.execute("SELECT * FROM _meta ORDER BY 1").fetchall() == [
            ("a", "2"),
            ("b", "first"),
        ]
        with pytest.raises(ducklake.DuckLakeError, match="no upsert by key in a DuckLake"):
            con.execute("INSERT INTO _meta VALUES ('a', '3') ON CONFLICT (key) DO NOTHING")
    assert (tmp_path / "wh" / "ducklake").is_dir()  # its data files: in the warehouse's lake


def test_two_runs_inserting_one_new_meta_key_at_once_conflict(postgres, tmp_path):
    """On a PostgreSQL catalog DuckLake commits two concurrent inserts of one new ``_meta`` key
    both (no key in a DuckLake): two ``warehouse_id``s, and the schema check's scalar read
    failed. Each upsert rewrites ``_meta``'s guard row, so the second commit conflicts (the
    run's retry then finds the first one's key). Without the guard both commit: fails."""
    from flows import ducklake, warehouse
    from flows.settings import load_settings

    port = postgres.split("port=")[1].split()[0]
    createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres"]
    subprocess.run([*createdb, "metarace"], check=True, capture_output=True, timeout=120)
    catalog = postgres.replace("dbname=news", "dbname=metarace")
    settings = load_settings(tmp_path / "wh", env={}, catalog=catalog)
    with ducklake.live_connection(settings) as a, ducklake.live_connection(settings) as b:
        warehouse.ensure_schema(a)
        assert a.execute("SELECT value FROM _meta WHERE key = '_meta_writer'").fetchall() == [("",)]
        a.execute("BEGIN TRANSACTION")
        b.execute("BEGIN TRANSACTION")
        a.execute("INSERT OR IGNORE INTO _meta VALUES ('checked', 'a')")
        b.execute("INSERT OR IGNORE INTO _meta VALUES ('checked', 'b')")
        a.execute("COMMIT")
        with pytest.raises(duckdb.TransactionException, match="Transaction conflict"):
            b.execute("COMMIT")
        assert a.execute("SELECT value FROM _meta WHERE key = 'checked'").fetchall() == [("a",)]
        # Outside a transaction an upsert is its own, retried: b's now finds a's key.
        b.execute("INSERT OR IGNORE INTO _meta VALUES ('checked', 'b')")
        b.execute("INSERT OR REPLACE INTO _meta VALUES ('replaced', 'b')")
        assert b.execute("SELECT * FROM _meta WHERE key IN ('checked', 'replaced') ORDER BY 1"
                         ).fetchall() == [("checked", "a"), ("replaced", "b")]  # fmt: skip


def test_a_meta_key_stored_twice_by_an_earlier_race_is_kept_once(tmp_path):
    """A DuckLake warehouse whose first runs raced before the guard row holds keys twice: the
    next run's schema check sees it (no scalar-subquery error) and keeps one value per key,
    the highest, so that whichever run repairs it, the warehouse keeps one identity."""
    from flows import ducklake, migrations, warehouse
    from flows.settings import load_settings

    settings = load_settings(tmp_path / "wh", env={}, catalog=f"sqlite:{tmp_path / 'c.sqlite'}")
    with ducklake.live_connection(settings) as con:
        warehouse.ensure_schema(con)
        (wid,) = con.execute("SELECT value FROM _meta WHERE key = 'warehouse_id'").fetchone()
        (digest,) = con.execute("SELECT value FROM _meta WHERE key = 'schema_digest'").fetchone()
        con.execute("INSERT INTO _meta VALUES ('warehouse_id', 'ffffffff'), ('schema_digest', ?)",
                    [digest])  # fmt: skip
        assert not migrations.schema_current(con, digest, warehouse._INTERNAL_DDL)
        warehouse.ensure_schema(con)
        rows = con.execute("SELECT key, value FROM _meta WHERE key IN ('warehouse_id', "
                           "'schema_digest') ORDER BY 1").fetchall()  # fmt: skip
        assert rows == [("schema_digest", digest), ("warehouse_id", max(wid, "ffffffff"))]
        assert migrations.schema_current(con, digest, warehouse._INTERNAL_DDL)
