"""flows/lake.py on real Parquet files: parts per table and month, written atomically with
their checksums, orphans removed, parts rewritten without replaced articles."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from flows import lake
from tests.warehouse_rows import rows
from transforms.schemas import to_table

# The hand-written rows: a1 (2024-02) has 8 mentions, 1 quote, 2 events; a2 and a3 (2024-03)
# 8 + 3 mentions, 2 + 1 quotes, 2 + 2 events; a4 (undated) 2 mentions, 1 quote, 1 event.
MONTHS = {"a1": "2024-02", "a2": "2024-03", "a3": "2024-03", "a4": "unknown"}


def test_month_of():
    assert lake.month_of(None) == "unknown"
    assert lake.month_of(dt.date(2024, 3, 9)) == "2024-03"


@pytest.fixture
def written(tmp_path):
    tables = {name: to_table(name, table_rows) for name, table_rows in rows().items()}
    parts = lake.write_parts(tmp_path / "lake", tables, MONTHS, run_id="r1", batch=7)
    return tmp_path, tables, parts


def test_parts_per_table_and_month_articles_last(written):
    wh, _, parts = written
    got = [(table, rel, n) for table, rel, n, _ in parts]
    part = "part-r1-00007.parquet"
    assert got == [
        ("mentions", f"lake/mentions/published_month=2024-02/{part}", 8),
        ("mentions", f"lake/mentions/published_month=2024-03/{part}", 11),
        ("mentions", f"lake/mentions/published_month=unknown/{part}", 2),
        ("quotes", f"lake/quotes/published_month=2024-02/{part}", 1),
        ("quotes", f"lake/quotes/published_month=2024-03/{part}", 3),
        ("quotes", f"lake/quotes/published_month=unknown/{part}", 1),
        ("events", f"lake/events/published_month=2024-02/{part}", 2),
        ("events", f"lake/events/published_month=2024-03/{part}", 4),
        ("events", f"lake/events/published_month=unknown/{part}", 1),
        ("articles", f"lake/articles/published_month=2024-02/{part}", 1),
        ("articles", f"lake/articles/published_month=2024-03/{part}", 2),
        ("articles", f"lake/articles/published_month=unknown/{part}", 1),
    ]
    for _, rel, n, digest in parts:
        assert lake.file_sha256(wh / rel) == digest
        assert pq.ParquetFile(wh / rel).metadata.num_rows == n
    assert not [p for p in lake.lake_files(wh / "lake") if p.suffix != ".parquet"]  # no .tmp


def test_parts_hold_the_rows_and_the_schema(written):
    wh, tables, parts = written
    rel = next(r for t, r, *_ in parts if t == "events" and "2024-03" in r)
    back = pq.read_table(wh / rel)
    assert back.schema.equals(tables["events"].schema)
    assert sorted(back.column("event_id").to_pylist()) == ["v2", "v3", "v4", "v5"]
    assert pq.read_metadata(wh / rel).row_group(0).column(0).compression == "ZSTD"


def test_remove_orphans_keeps_registered_parts_and_drops_empty_folders(written):
    wh, _, parts = written
    registered = {rel for _, rel, *_ in parts if "unknown" not in rel}
    (wh / "lake" / "quotes" / "published_month=unknown" / "x.parquet.tmp").write_bytes(b"half")
    removed = lake.remove_orphans(wh / "lake", registered)
    assert removed == [
        "lake/articles/published_month=unknown/part-r1-00007.parquet",
        "lake/events/published_month=unknown/part-r1-00007.parquet",
        "lake/mentions/published_month=unknown/part-r1-00007.parquet",
        "lake/quotes/published_month=unknown/part-r1-00007.parquet",
        "lake/quotes/published_month=unknown/x.parquet.tmp",
    ]
    assert not any(p.name == "published_month=unknown" for p in (wh / "lake").rglob("*"))
    assert {p.relative_to(wh).as_posix() for p in lake.lake_files(wh / "lake")} == registered


def test_rewrite_without_drops_the_articles_rows_only(written):
    wh, _, parts = written
    rel = next(r for t, r, *_ in parts if t == "mentions" and "2024-03" in r)
    new_rel = rel.replace(".parquet", "~r2.parquet")
    kept, digest = lake.rewrite_without(wh, rel, {"a2", "a9"}, new_rel)
    assert kept == 3 and digest == lake.file_sha256(wh / new_rel)
    assert set(pq.read_table(wh / new_rel).column("article_id").to_pylist()) == {"a3"}
    assert (wh / rel).exists()  # the caller removes the old part once the registry says so
    # a part without those articles is left alone; dropping every article keeps nothing
    assert lake.rewrite_without(wh, rel, {"a1"}, "lake/unused.parquet") is None
    assert lake.rewrite_without(wh, rel, {"a2", "a3"}, "lake/none.parquet") == (0, None)
    assert not (wh / "lake" / "none.parquet").exists()
