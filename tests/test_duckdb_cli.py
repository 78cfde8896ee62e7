"""Any DuckDB opens the warehouse: the DuckDB CLI from PyPI (installed by the dev dependencies)."""

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
