"""flows/warehouse.py on real DuckDB files and real Parquet parts: the schema and its forward
migrations, one batch loaded in one transaction, replacement, compaction, rejects, staleness."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

from flows import changes, compaction, lake, migrations, models, warehouse
from flows.errors import WarehouseError
from flows.settings import load_settings
from tests.warehouse_rows import RUN_ID, rows
from transforms.parse import Reject
from transforms.schemas import duckdb_ddl, key_column, to_table

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


def test_an_up_to_date_schema_is_left_alone_but_a_missing_table_or_other_code_migrates(
    tmp_path, monkeypatch
):
    settings = load_settings(tmp_path / "wh")
    meta = "SELECT key, value FROM _meta WHERE key LIKE 'schema%' ORDER BY 1"
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        first = con.execute(meta).fetchall()
        con.execute("DELETE FROM _meta WHERE key = 'schema_version'")  # left alone: current
        warehouse.ensure_schema(con)
        assert con.execute(meta).fetchall() == [first[0]]
        con.execute("DROP TABLE _input_files")  # a table is missing: migrated
        warehouse.ensure_schema(con)
        assert con.execute(meta).fetchall() == first
        assert con.execute("SELECT count(*) FROM _input_files").fetchone() == (0,)
        con.execute("DELETE FROM _meta WHERE key = 'schema_version'")
        monkeypatch.setattr(migrations, "schema_digest", lambda *a: "other code")  # migrated
        warehouse.ensure_schema(con)
        assert con.execute(meta).fetchall() == [("schema_digest", "other code"), first[1]]
    assert [k for k, _ in first] == ["schema_digest", "schema_version"]


def test_a_lookup_index_is_made_past_its_threshold_and_kept_by_a_migration(tmp_path, monkeypatch):
    """The lookup index of mentions (flows/models.py, LOOKUP_INDEXES) is made by a build only
    on a table past the threshold, once; a migration still adds a column to the indexed table
    (DuckDB 1.5 alters a table with an index) and the index still finds its rows."""
    settings = load_settings(tmp_path / "wh")
    indexes = "SELECT index_name, table_name, expressions FROM duckdb_indexes()"
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        mention = rows()["mentions"][0]
        con.register("_given", to_table("mentions", [mention]))
        con.execute("INSERT INTO mentions SELECT * FROM _given")
        monkeypatch.setattr(models, "LOOKUP_INDEX_MIN_ROWS", 2)
        assert models.ensure_lookup_indexes(con) == []  # 1 row: below the threshold
        monkeypatch.setattr(models, "LOOKUP_INDEX_MIN_ROWS", 1)
        assert models.ensure_lookup_indexes(con) == ["mentions__entity_id"]
        assert models.ensure_lookup_indexes(con) == []  # there
        assert con.execute(indexes).fetchall() == [
            ("mentions__entity_id", "mentions", "[entity_id]")
        ]
        con.execute("DROP INDEX mentions__entity_id")
        con.execute("ALTER TABLE mentions DROP COLUMN origin")  # as an older schema had it
        assert models.ensure_lookup_indexes(con) == ["mentions__entity_id"]
        monkeypatch.setattr(migrations, "schema_digest", lambda *a: "newer code")
        warehouse.ensure_schema(con)
        assert "origin" in migrations.columns_in(con, "mentions")
        assert models.ensure_lookup_indexes(con) == []
        got = con.execute(
            "SELECT mention_id, origin FROM mentions WHERE entity_id = ?", [mention["entity_id"]]
        ).fetchall()
    assert got == [(mention["mention_id"], None)]


def test_a_version_1_warehouse_loses_its_loaded_tables_primary_keys(tmp_path):
    """Schema version 1 had a PRIMARY KEY on every table; version 2 kept it on ``articles``;
    version 3 keeps NOT NULL on the loaded tables' keys only. ensure_schema rebuilds them with
    the same rows; a view over them (as dbt's are) reads the rebuilt tables."""
    settings = load_settings(tmp_path / "wh")
    given = rows()
    with warehouse.connection(settings, read_only=False) as con:
        for name, table_rows in given.items():
            key = key_column(name)
            ddl = duckdb_ddl(name).replace(
                f'"{key}" VARCHAR NOT NULL', f'"{key}" VARCHAR PRIMARY KEY'
            )
            con.execute(ddl)
            con.register("_given", to_table(name, table_rows))
            con.execute(f"INSERT INTO {name} SELECT * FROM _given")
            con.unregister("_given")
        con.execute("CREATE VIEW stg_quotes AS SELECT quote_id, article_id FROM quotes")
        keyed = "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        old_keys = {r[0] for r in con.execute(keyed).fetchall()}
        dump = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in given}
        warehouse.ensure_schema(con)
        warehouse.ensure_schema(con)  # a second time changes nothing
        new_keys = {r[0] for r in con.execute(keyed).fetchall()}
        after = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in given}
        not_null = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'NOT NULL' AND table_name IN ('mentions', 'quotes', 'events') "
            "AND constraint_column_names[1] LIKE '%_id' ORDER BY ALL"
        ).fetchall()
        view = con.execute("SELECT count(*) FROM stg_quotes").fetchone()[0]
        version = con.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()
        leftovers = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%_v2'"
        ).fetchone()
    assert {"mentions", "quotes", "events", "articles"} <= old_keys
    assert {"mentions", "quotes", "events", "articles"}.isdisjoint(new_keys)
    assert {"rejects", "runs", "_meta"} <= new_keys
    assert after == dump
    assert [len(v) for v in after.values()] == [4, 21, 5, 7]
    assert ("events", ["event_id"]) in not_null and ("quotes", ["quote_id"]) in not_null
    assert ("mentions", ["mention_id"]) in not_null
    assert view == 5
    assert version == ("3",)
    assert leftovers == (0,)


# --------------------------------------------------------------------------- loading


NOW = dt.datetime(2024, 4, 2, tzinfo=dt.UTC)
MONTHS = {
    "a1": "2024-02",
    "a2": "2024-03",
    "a3": "2024-03",
    "a4": "unknown",
    "b1": "2024-02",
    "b2": "2024-03",
}


def batch(given: dict[str, list[dict]], settings, run_id: str, n: int):
    """Write a batch's parts and return load_batch's arguments for it."""
    tables = {name: to_table(name, table_rows) for name, table_rows in given.items()}
    parts = lake.write_parts(settings.lake_dir, tables, MONTHS, run_id=run_id, batch=n)
    incoming = [(a["article_id"], a["source_uri"]) for a in given["articles"]]
    return {"parts": parts, "incoming": incoming, "run_id": run_id, "batch": n}


def counts(con) -> dict[str, int]:
    tables = ("articles", "mentions", "quotes", "events", "rejects", "_lake_parts", "_lake_stale")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def reject_rows(*rejects: Reject, run_id: str = RUN_ID, at=NOW):
    return to_table("rejects", [r.row(run_id=run_id, rejected_at=at) for r in rejects])


@pytest.fixture
def loaded(tmp_path):
    """The hand-written warehouse (4 articles, 21 mentions, 5 quotes, 7 events) in batch 1."""
    settings = load_settings(tmp_path / "wh")
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        replaced = warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(Reject("/corpus/x.md", "unsupported_type", "not an article")),
            **batch(rows(), settings, RUN_ID, 1),
        )
    return settings, replaced


def changed_a1() -> dict[str, list[dict]]:
    """a1's source with a new body: a new article b1 (2024-02) replacing a1, no derived rows."""
    art = dict(next(a for a in rows()["articles"] if a["article_id"] == "a1"))
    art.update(article_id="b1", body=art["body"] + " More.", run_id="r2")
    return {"articles": [art], "mentions": [], "quotes": [], "events": []}


def test_a_batch_loads_every_table_and_registers_its_parts(loaded):
    settings, replaced = loaded
    with warehouse.connection(settings, read_only=True) as con:
        assert counts(con) == {
            "articles": 4,
            "mentions": 21,
            "quotes": 5,
            "events": 7,
            "rejects": 1,
            "_lake_parts": 12,  # 4 tables x 3 months
            "_lake_stale": 0,
        }
    assert replaced == 0


def test_a_changed_source_replaces_its_article_and_every_derived_row(loaded):
    settings, _ = loaded
    with warehouse.connection(settings, read_only=False) as con:
        replaced = warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            **batch(changed_a1(), settings, "r2", 1),
        )
        assert replaced == 1
        assert counts(con) == {
            "articles": 4,
            "mentions": 13,  # a1's 8 gone
            "quotes": 4,
            "events": 5,
            "rejects": 1,
            "_lake_parts": 13,  # + b1's article part
            "_lake_stale": 1,
        }
        assert con.execute("SELECT * FROM _lake_stale").fetchall() == [("a1", RUN_ID)]
        # compaction rewrites batch 1's 2024-02 parts (a1's rows) — empty now, so removed
        assert compaction.compact_lake(con, settings.warehouse_dir, run_id="r3") == 4
        assert counts(con)["_lake_parts"] == 9 and counts(con)["_lake_stale"] == 0
        parts = {r[0] for r in con.execute("SELECT path FROM _lake_parts").fetchall()}
    on_disk = {
        p.relative_to(settings.warehouse_dir).as_posix() for p in lake.lake_files(settings.lake_dir)
    }
    assert on_disk == parts
    ids = set()
    for rel in parts:
        if rel.startswith("lake/articles/"):
            ids |= set(pq.read_table(settings.warehouse_dir / rel).column("article_id").to_pylist())
    assert ids == {"a2", "a3", "a4", "b1"}


def test_compaction_keeps_the_other_articles_rows_of_a_part(loaded):
    settings, _ = loaded
    given = rows()
    art = dict(next(a for a in given["articles"] if a["article_id"] == "a2"))
    art.update(article_id="b2", body=art["body"] + " More.", run_id="r2")
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            **batch(
                {"articles": [art], "mentions": [], "quotes": [], "events": []}, settings, "r2", 1
            ),
        )
        assert compaction.compact_lake(con, settings.warehouse_dir, run_id="r3") == 4
        kept = con.execute(
            "SELECT path, row_count FROM _lake_parts WHERE path LIKE '%2024-03/part-r2024%' "
            "ORDER BY path"
        ).fetchall()
    # batch 1's 2024-03 parts held a2 and a3: rewritten (name ~r3) with a3's rows only
    assert kept == [
        ("lake/articles/published_month=2024-03/part-r20240401T000000_tests0-00001~r3.parquet", 1),
        ("lake/events/published_month=2024-03/part-r20240401T000000_tests0-00001~r3.parquet", 2),
        ("lake/mentions/published_month=2024-03/part-r20240401T000000_tests0-00001~r3.parquet", 3),
        ("lake/quotes/published_month=2024-03/part-r20240401T000000_tests0-00001~r3.parquet", 1),
    ]


def test_a_damaged_part_is_left_for_repair_and_stays_listed(loaded):
    settings, _ = loaded
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            **batch(changed_a1(), settings, "r2", 1),
        )
        damaged = (
            settings.lake_dir
            / "mentions"
            / "published_month=2024-02"
            / "part-r20240401T000000_tests0-00001.parquet"
        )
        damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")
        warnings = []

        class Log:
            def warning(self, *args):
                warnings.append(args[0] % args[1:])

        # the three intact parts are compacted; the damaged one is skipped, its run stays stale
        assert compaction.compact_lake(con, settings.warehouse_dir, run_id="r3", log=Log()) == 3
        assert con.execute("SELECT * FROM _lake_stale").fetchall() == [("a1", RUN_ID)]
    assert warnings == [
        "compaction skipped lake/mentions/published_month=2024-02/part-r20240401T000000_tests0-00001.parquet "
        "(part lake/mentions/published_month=2024-02/part-r20240401T000000_tests0-00001.parquet does not match its "
        "recorded checksum): run `newsetl check` / `newsetl repair`"
    ]


def test_a_failed_load_leaves_nothing_behind(loaded):
    settings, _ = loaded
    args = batch(changed_a1(), settings, "r2", 1)
    (settings.warehouse_dir / args["parts"][0][1]).unlink()  # the part vanished before loading
    with warehouse.connection(settings, read_only=False) as con:
        before = counts(con)
        with pytest.raises(Exception, match="No files found"):
            warehouse.load_batch(con, settings.warehouse_dir, rejects=reject_rows(), **args)
        assert counts(con) == before


def _b1_with_mentions(*mention_ids: str) -> dict[str, list[dict]]:
    """changed_a1() whose article b1 has one mention per id (a copy of a2's first mention)."""
    given = changed_a1()
    m = next(m for m in rows()["mentions"] if m["article_id"] == "a2")
    given["mentions"] = [dict(m, article_id="b1", mention_id=i) for i in mention_ids]
    return given


@pytest.mark.parametrize("case", ["twice in the batch", "another article's id"])
def test_a_duplicated_derived_id_fails_the_load_and_nothing_is_loaded(loaded, case):
    """The derived tables have no PRIMARY KEY: the loader's check is their uniqueness."""
    settings, _ = loaded
    with warehouse.connection(settings, read_only=True) as con:
        a2 = con.execute("SELECT min(mention_id) FROM mentions WHERE article_id = 'a2'").fetchone()[
            0
        ]
        before = counts(con)
    ids, held = (("m-new", "m-new"), "b1") if case == "twice in the batch" else ((a2,), "a2, b1")
    args = batch(_b1_with_mentions(*ids), settings, "r2", 1)
    with warehouse.connection(settings, read_only=False) as con:
        with pytest.raises(WarehouseError) as err:
            warehouse.load_batch(con, settings.warehouse_dir, rejects=reject_rows(), **args)
        assert counts(con) == before
    assert str(err.value) == (
        f"mentions: mention_id {ids[0]!r} would be held by 2 rows (articles {held}); "
        "ids must be unique: the batch is not loaded"
    )
    # the same batch with distinct new ids loads
    args = batch(_b1_with_mentions("m-new", "m-new2"), settings, "r2", 2)
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.load_batch(con, settings.warehouse_dir, rejects=reject_rows(), **args)
        got = con.execute(
            "SELECT mention_id FROM mentions WHERE article_id IN ('a1', 'b1') ORDER BY 1"
        ).fetchall()
    assert got == [("m-new",), ("m-new2",)]


def test_an_article_twice_in_the_batch_fails_the_load_and_nothing_is_loaded(loaded):
    """``articles`` has no PRIMARY KEY either (schema version 3): the loader's check is its
    uniqueness too."""
    settings, _ = loaded
    given = changed_a1()
    twin = dict(given["articles"][0], source_uri="/corpus/twin.md")
    given["articles"].append(twin)
    args = batch(given, settings, "r2", 1)
    with warehouse.connection(settings, read_only=False) as con:
        before = counts(con)
        with pytest.raises(WarehouseError) as err:
            warehouse.load_batch(con, settings.warehouse_dir, rejects=reject_rows(), **args)
        assert counts(con) == before
    assert str(err.value) == (
        "articles: article_id 'b1' would be held by 2 rows (articles b1); "
        "ids must be unique: the batch is not loaded"
    )


def test_rejects_keep_their_first_verdict_and_change_with_a_new_one(loaded):
    settings, _ = loaded
    later = NOW + dt.timedelta(days=1)
    with warehouse.connection(settings, read_only=False) as con:
        same = Reject("/corpus/x.md", "unsupported_type", "not an article")
        warehouse.upsert_rejects(con, reject_rows(same, run_id="r2", at=later))
        first = con.execute("SELECT run_id, rejected_at FROM rejects").fetchall()
        other = Reject("/corpus/x.md", "empty", "no text")
        warehouse.upsert_rejects(con, reject_rows(other, run_id="r3", at=later))
        second = con.execute("SELECT reason, run_id FROM rejects").fetchall()
    assert first == [(RUN_ID, NOW)]
    assert second == [("empty", "r3")]


def test_each_load_counts_the_changes_of_the_tables_it_changed(loaded):
    settings, _ = loaded
    with warehouse.connection(settings, read_only=False) as con:
        first = changes.table_versions(con)
        wid = con.execute("SELECT value FROM _meta WHERE key = 'warehouse_id'").fetchone()
        # the same reject again and no article: nothing changes, no counter moves
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            parts=[],
            incoming=[],
            rejects=reject_rows(Reject("/corpus/x.md", "unsupported_type", "not an article")),
            run_id="r2",
            batch=1,
        )
        same = changes.table_versions(con)
        # a1 replaced by b1 (no derived rows): articles and the derived tables a1 had change
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            **batch(changed_a1(), settings, "r3", 1),
        )
        replaced = changes.table_versions(con)
        recorded = con.execute("SELECT change_seq, kind, key FROM _changes ORDER BY ALL").fetchall()
        by = con.execute(
            "SELECT run_id, table_name FROM _table_versions WHERE version = 2 ORDER BY 2"
        ).fetchall()
        # a new verdict on the rejected source: rejects alone
        other = Reject("/corpus/x.md", "empty", "no text")
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            parts=[],
            incoming=[],
            rejects=reject_rows(other),
            run_id="r4",
            batch=1,
        )
        rejected = changes.table_versions(con)
        warehouse.ensure_schema(con)  # the file keeps its identity
        assert con.execute("SELECT value FROM _meta WHERE key = 'warehouse_id'").fetchone() == wid
    assert first == {"articles": 1, "mentions": 1, "quotes": 1, "events": 1, "rejects": 1}
    assert same == first
    # a1 had mentions, quotes and events (tests/warehouse_rows.py): all deleted with it
    assert replaced == {"articles": 2, "mentions": 2, "quotes": 2, "events": 2, "rejects": 1}
    assert by == [("r3", "articles"), ("r3", "events"), ("r3", "mentions"), ("r3", "quotes")]
    assert rejected == {**replaced, "rejects": 2}
    # what the incremental marts recompute: the first load's articles and entities (change 1),
    # then a1 (old) and b1 (new) and the entities a1's mentions and quotes named (change 2)
    a1 = {
        r["entity_id"] for r in rows()["mentions"] if r["article_id"] == "a1" and r["entity_id"]
    } | {
        r["speaker_entity_id"]
        for r in rows()["quotes"]
        if r["article_id"] == "a1" and r["speaker_entity_id"]
    }
    assert [c[1:] for c in recorded if c[0] == 2] == sorted(
        [("article", "a1"), ("article", "b1")] + [("entity", e) for e in a1]
    )
    assert {c[0] for c in recorded} == {1, 2}


def test_a_load_told_not_to_record_its_changes_lists_none_and_still_counts_them(loaded):
    settings, _ = loaded
    with warehouse.connection(settings, read_only=False) as con:
        con.execute("DELETE FROM _changes")  # the fixture's load, taken in
        seq = changes.change_seq(con)
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            record_changes=False,
            **batch(changed_a1(), settings, "r3", 1),
        )
        recorded = con.execute("SELECT count(*) FROM _changes").fetchone()[0]
        after = (changes.change_seq(con), changes.table_versions(con), counts(con))
    # a1 replaced by b1 as with its changes recorded: the rows, the counters, the change number
    assert recorded == 0
    assert after[0] == seq + 1
    assert after[1] == {"articles": 2, "mentions": 2, "quotes": 2, "events": 2, "rejects": 1}
    assert (after[2]["articles"], after[2]["_lake_stale"]) == (4, 1)


def test_stale_articles_oldest_first_skipping_this_run_and_failures(loaded):
    settings, _ = loaded
    with warehouse.connection(settings, read_only=False) as con:
        con.execute("UPDATE articles SET nlp_version = 'old' WHERE article_id IN ('a2', 'a3')")
        stale = warehouse.stale_articles(
            con, nlp_version="test", run_id="r9", everything=False, skip=["a3"], limit=10
        )
        everything = warehouse.stale_articles(
            con, nlp_version="test", run_id="r9", everything=True, skip=[], limit=2
        )
        none_from_this_run = warehouse.stale_articles(
            con,
            nlp_version="x",
            run_id="r20240401T000000_tests0",
            everything=True,
            skip=[],
            limit=9,
        )
    assert [a["article_id"] for a in stale] == ["a2"]
    assert [a["article_id"] for a in everything] == ["a1", "a2"]
    assert none_from_this_run == []


def test_a_load_keeps_a_complete_band_index_complete_and_checked(loaded):
    """near_dups.LoadBands: a load that starts from a checked index and brings the hashes of
    exactly its articles deletes the replaced versions' rows, inserts its own and records
    its state as checked (the next ensure has nothing to do, as a full check confirms); hashes
    missing for one of its articles, or an index not checked before, leave the check to the
    next ensure."""
    from flows import near_dups

    settings, _ = loaded
    bands = "SELECT article_id, list(band_hash ORDER BY band_hash) FROM _near_dup_bands GROUP BY 1"

    def checked(con):
        key = near_dups.CHECKED_KEY
        return con.execute("SELECT value FROM _meta WHERE key = ?", [key]).fetchone()[0]

    with warehouse.connection(settings, read_only=False) as con:
        assert near_dups.ensure(con) == 4
        a2 = dict(con.execute(bands).fetchall())["a2"]
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            also=near_dups.LoadBands({"b1": (7, 3)}),
            **batch(changed_a1(), settings, "r2", 1),
        )
        after = dict(con.execute(bands).fetchall())
        assert (sorted(after), after["b1"], after["a2"]) == (["a2", "a3", "a4", "b1"], [3, 7], a2)
        assert checked(con) == near_dups._state(con)  # the next ensure skips its scans
        con.execute("DELETE FROM _meta WHERE key = ?", [near_dups.CHECKED_KEY])
        assert near_dups.ensure(con) == 0  # checked in full: complete
        assert dict(con.execute(bands).fetchall()) == after
        # b2 (a new source) without its hashes: nothing written, the next ensure indexes it
        b2 = changed_a1()
        b2["articles"][0].update(article_id="b2", source_uri="/corpus/b2.txt", run_id="r3")
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            also=near_dups.LoadBands({}),
            **batch(b2, settings, "r3", 1),
        )
        assert "b2" not in dict(con.execute(bands).fetchall())
        assert checked(con) != near_dups._state(con)
        assert near_dups.ensure(con) == 1
        # an index not checked in the state the load starts from: the next ensure checks
        con.execute("DELETE FROM _meta WHERE key = ?", [near_dups.CHECKED_KEY])
        con.execute("DELETE FROM _near_dup_bands WHERE article_id = 'a3'")
        warehouse.load_batch(
            con,
            settings.warehouse_dir,
            rejects=reject_rows(),
            also=near_dups.LoadBands({"b2": (5,)}),
            **batch(b2, settings, "r4", 1),
        )
        assert dict(con.execute(bands).fetchall())["b2"] == [5]
        assert near_dups.ensure(con) == 1  # a3 indexed again
