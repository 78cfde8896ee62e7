"""Every table of a warehouse, for comparing two runs that must give the same rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

#: Short sample articles: with batches of 3 and an empty file, three batches (one reject).
ARTICLES = (
    "003_portugal_rail_strike.txt",
    "005_bangladesh_floods_aid.txt",
    "006_slovenia_snap_election.txt",
    "009_sarb_rate_cut.txt",
    "010_tb_drug_trial.txt",
    "007_london_fraud_sentencing.txt",
)


#: Columns that name the run, not the data.
RUN_COLUMNS = {
    "run_id",
    "flow_run_id",
    "ingested_at",
    "rejected_at",
    "started_at",
    "finished_at",
    "changed_at",
    # _input_files: when a file was settled, and the state of the warehouse (its identity too)
    "recorded_at",
    "warehouse_state",
}


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows (run columns left out; lake parts: rows by table and month)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            if name in ("runs", "_lake_parts"):
                continue
            cols = [
                c
                for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{name}')").fetchall()
                if c not in RUN_COLUMNS
            ]
            sel = ", ".join(f'"{c}"' for c in cols)
            # The database file's identity (a _meta row) is not data either, nor the marks of
            # checks that hold it (flows/near_dups.py, flows/input_files.py StateMark).
            marks = "('warehouse_id', 'near_dup_checked', 'backfill_checked')"
            where = f"WHERE key NOT IN {marks}" if name == "_meta" else ""
            out[name] = con.execute(f'SELECT {sel} FROM "{name}" {where} ORDER BY ALL').fetchall()
        # Rows per table and partition (Dask workers write a batch as several parts).
        out["_lake_parts"] = con.execute(
            "SELECT table_name, regexp_replace(path, 'part-.*', ''), sum(row_count)::BIGINT "
            "FROM _lake_parts GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        out["runs"] = con.execute(
            "SELECT status, articles_new, rejected, nlp_articles FROM runs"
        ).fetchall()
        return out
    finally:
        con.close()
