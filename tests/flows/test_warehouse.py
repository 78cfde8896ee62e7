"""flows/warehouse.py on real DuckDB files: the schema and its forward migrations."""

from __future__ import annotations

import datetime as dt

from flows import warehouse
from flows.settings import load_settings

#: The runs ledger as warehouses before 2026-12 have it: a count column per NLP table.
OLD_RUNS = """CREATE TABLE runs (
  "run_id" VARCHAR PRIMARY KEY, "flow_run_id" VARCHAR, "started_at" TIMESTAMPTZ NOT NULL,
  "finished_at" TIMESTAMPTZ, "status" VARCHAR NOT NULL, "sources" VARCHAR[] NOT NULL,
  "nlp_version" VARCHAR, "full_refresh" BOOLEAN NOT NULL, "records_seen" BIGINT NOT NULL,
  "articles_new" BIGINT NOT NULL, "articles_changed" BIGINT NOT NULL,
  "articles_unchanged" BIGINT NOT NULL, "articles_reprocessed" BIGINT NOT NULL,
  "rejected" BIGINT NOT NULL, "mentions_written" BIGINT NOT NULL,
  "quotes_written" BIGINT NOT NULL, "events_written" BIGINT NOT NULL,
  "nlp_articles" BIGINT NOT NULL, "seconds" DOUBLE, "error" VARCHAR)"""


def test_an_old_ledger_moves_its_counts_into_rows_written(tmp_path):
    settings = load_settings(tmp_path / "wh")
    started = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    with warehouse.connection(settings, read_only=False) as con:
        con.execute(OLD_RUNS)
        con.execute(
            "INSERT INTO runs VALUES ('r1', NULL, ?, ?, 'completed', ['/c'], 'v', false, "
            "3, 3, 0, 0, 0, 0, 17, 2, 5, 3, 1.5, NULL)",
            [started, started],
        )
        warehouse.ensure_schema(con)
        warehouse.ensure_schema(con)  # a second time changes nothing
        cols = [r[0] for r in con.execute("DESCRIBE runs").fetchall()]
        got = con.execute("SELECT run_id, records_seen, rows_written FROM runs").fetchall()
        # the ledger takes new rows with the map
        warehouse.start_run(
            con,
            {
                "run_id": "r2",
                "flow_run_id": None,
                "started_at": started,
                "finished_at": None,
                "status": "running",
                "sources": ["/c"],
                "nlp_version": "v",
                "full_refresh": False,
                "records_seen": 0,
                "articles_new": 0,
                "articles_changed": 0,
                "articles_unchanged": 0,
                "articles_reprocessed": 0,
                "rejected": 0,
                "nlp_articles": 0,
                "rows_written": {"articles": 0},
                "seconds": None,
                "error": None,
            },
        )
        r2 = con.execute("SELECT rows_written FROM runs WHERE run_id = 'r2'").fetchone()
    assert [c for c in cols if c.endswith("_written")] == ["rows_written"]
    assert got == [("r1", 3, {"mentions": 17, "quotes": 2, "events": 5})]
    assert r2 == ({"articles": 0},)
