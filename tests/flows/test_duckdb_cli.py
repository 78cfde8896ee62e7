"""Any DuckDB opens the warehouse (the DuckDB CLI from PyPI, a dev dependency); any Parquet
reader opens the lake (pyarrow's dataset API, Polars)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

CLI = Path(sys.executable).parent / "duckdb"


def test_duckdb_cli_opens_the_warehouse_read_only_and_queries_a_mart(models_warehouse):
    if not CLI.exists():  # pragma: no cover - the dev dependencies install it
        pytest.fail(f"{CLI} is missing: run `make setup` (duckdb-cli is a dev dependency)")
    db = models_warehouse["db"]
    expected = duckdb.connect(str(db), read_only=True)
    try:
        want = expected.execute("select count(*) from marts.dim_entities").fetchone()[0]
        articles = expected.execute("select count(*) from articles").fetchone()[0]
    finally:
        expected.close()
    out = subprocess.run(
        [
            str(CLI),
            "-readonly",
            "-csv",
            "-noheader",
            str(db),
            "-c",
            "select count(*) from marts.dim_entities; select count(*) from main.articles;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(want), str(articles)]
    assert want > 0 and articles > 0
    version = subprocess.run([str(CLI), "-version"], capture_output=True, text=True, timeout=30)
    assert version.stdout.startswith("v1.5"), version.stdout


def test_any_parquet_reader_opens_the_lake(sample_run):
    """The lake of the sample warehouse, read by pyarrow's dataset API (articles) and by Polars
    (mentions, quotes), holds exactly the rows of the DuckDB tables, with the contract's
    columns and the month partition."""
    import polars as pl
    import pyarrow.dataset as ds

    from transforms.schemas import columns

    wh = sample_run["wh"]
    con = duckdb.connect(str(sample_run["db"]), read_only=True)
    try:
        keys = {
            t: sorted(r[0] for r in con.execute(f"select {k} from {t}").fetchall())
            for t, k in (
                ("articles", "article_id"),
                ("mentions", "mention_id"),
                ("quotes", "quote_id"),
            )
        }
    finally:
        con.close()
    assert all(keys.values()), keys

    articles = ds.dataset(wh / "lake" / "articles", format="parquet", partitioning="hive")
    table = articles.to_table()
    assert table.column_names == [*columns("articles"), "published_month"]
    assert sorted(table.column("article_id").to_pylist()) == keys["articles"]
    months = set(table.column("published_month").to_pylist())
    assert "unknown" in months and all(m == "unknown" or m[4] == "-" for m in months)

    for name, key in (("mentions", "mention_id"), ("quotes", "quote_id")):
        frame = pl.read_parquet(
            str(wh / "lake" / name / "**" / "*.parquet"), hive_partitioning=True
        )
        assert frame.columns == [*columns(name), "published_month"]
        assert sorted(frame[key].to_list()) == keys[name]
