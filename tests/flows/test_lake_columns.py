"""A column added to a table after parts were written (``tone``): older parts read as NULL in
that column, so `newsetl check` passes and `newsetl repair` rebuilds the same tables."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from flows import lake
from flows.integrity import check, repair
from flows.settings import load_settings
from tests.warehouse_rows import build_warehouse, rows


def test_scan_sql_reads_a_missing_column_as_null(tmp_path):
    new, old = tmp_path / "new.parquet", tmp_path / "old.parquet"
    table = pa.table({"article_id": ["a1"], "tone": [0.5]})
    pq.write_table(table, new)
    pq.write_table(table.drop_columns(["tone"]).set_column(0, "article_id", [["a2"]]), old)
    con = duckdb.connect()
    sql = lake.scan_sql("articles", [str(new), str(old)])
    assert con.execute(
        f"SELECT article_id, tone, title, word_count FROM {sql} ORDER BY 1", [[str(new), str(old)]]
    ).fetchall() == [("a1", 0.5, None, None), ("a2", None, None, None)]
    # A column no part has is NULL of the schema's type.
    only_old = lake.scan_sql("articles", [str(old)])
    assert con.execute(f"SELECT typeof(tone) FROM {only_old}", [[str(old)]]).fetchall() == [
        ("DOUBLE",)
    ]


def _rows_without_tone() -> dict[str, list[dict]]:
    given = rows()
    for table in ("articles", "quotes"):
        for row in given[table]:
            row["tone"] = None
    return given


def test_parts_written_before_a_column_existed_pass_check_and_repair(tmp_path):
    wh = tmp_path / "wh"
    db = build_warehouse(wh, _rows_without_tone())
    settings = load_settings(wh)
    # Make the lake what a version without `tone` wrote: the column is not in the parts.
    con = duckdb.connect(str(db))
    dropped = set()
    for rel, table in con.execute("SELECT path, table_name FROM _lake_parts").fetchall():
        part = pq.read_table(wh / rel)
        if "tone" in part.column_names:
            digest = lake.write_table(part.drop_columns(["tone"]), wh / rel)
            con.execute("UPDATE _lake_parts SET sha256 = ? WHERE path = ?", [digest, rel])
            dropped.add(table)
    before = {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("articles", "mentions", "quotes", "events")
    }
    con.close()
    assert dropped == {"articles", "quotes"}

    report = check(settings)
    assert report.ok, report.problems
    db.unlink()
    assert repair(settings)[-1] == "check passes: the tables and the lake agree"
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, content in before.items():
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == content
    finally:
        con.close()
