"""Planning a batch (flows/planning.py): the pure classification (``plan_articles``) and the
task that reads the warehouse for it (``plan_batch.fn``, on a real DuckDB file): identities,
duplicates, bodies moving between sources, identities of older versions taken over."""

from __future__ import annotations

import pytest

from flows import warehouse
from flows.planning import Loaded, plan_articles
from flows.settings import load_settings
from flows.tasks import plan_batch
from tests.warehouse_rows import build_warehouse, rows
from transforms.parse import Article, Reject
from transforms.schemas import to_table

NLP = "test"


def article(article_id: str, uri: str, sha: str = "s") -> Article:
    return Article(article_id, uri, None, None, "T", None, "body", 1, sha, "utf-8", [])


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    given = rows()
    uris = {"a1": "/c/feed.jsonl#L1", "a2": "/c/feed.jsonl#x", "a3": "/c/a3.txt"}
    for row in given["articles"]:
        row["source_uri"] = uris.get(row["article_id"], row["source_uri"])
    wh = tmp_path_factory.mktemp("plan") / "wh"
    build_warehouse(wh, given)
    return load_settings(wh)


def plan(settings, articles, seen=None):
    return plan_batch.fn(articles, [], settings, seen or {}, NLP, False)


def test_an_old_positional_identity_is_taken_over_by_the_content_identity(settings):
    p = plan(settings, [article("a1", "/c/feed.jsonl#body:a1", "sha-a1")])
    assert (p.changed, p.new, p.rejects) == (1, 0, [])
    assert [a.source_uri for a in p.process] == ["/c/feed.jsonl#body:a1"]


def test_the_same_body_from_another_file_is_a_duplicate_kept_for_a_second_chance(settings):
    p = plan(settings, [article("a1", "/c/other.jsonl#body:a1")])
    assert [(r.source_uri, r.reason) for r in p.rejects] == [
        ("/c/other.jsonl#body:a1", "duplicate_body")
    ]
    assert [a.source_uri for a in p.duplicates] == ["/c/other.jsonl#body:a1"]


def test_a_body_given_up_in_the_same_batch_moves_to_its_new_record(settings):
    # x held a2's body; now x holds a new body and y holds a2's: y takes it over.
    p = plan(settings, [article("a2", "/c/feed.jsonl#y"), article("new", "/c/feed.jsonl#x")])
    assert p.rejects == []
    assert (p.changed, p.new) == (2, 0)


def test_repeated_identities_in_one_run_are_numbered_copies(settings):
    p = plan(
        settings,
        [article("n1", "/c/f.jsonl#body:n1"), article("n1", "/c/f.jsonl#body:n1")],
        seen={"/c/f.jsonl#body:n1": 1},
    )
    assert [(r.source_uri, r.reason) for r in p.rejects] == [
        ("/c/f.jsonl#body:n1~2", "duplicate_body"),
        ("/c/f.jsonl#body:n1~3", "duplicate_body"),
    ]
    q = plan(settings, [article("n2", "/c/g.jsonl#7")], seen={"/c/g.jsonl#7": 1})
    assert [(r.source_uri, r.reason) for r in q.rejects] == [("/c/g.jsonl#7~2", "duplicate_source")]


# --------------------------------------------------------------------------- pure planning

LOADED = Loaded(
    by_source={
        "/c/a.txt": ("ida", "sha-a", NLP, "en"),
        "/c/b.txt": ("idb", "sha-b", "older", "en"),
        "/c/c.txt": ("idc", "sha-c", NLP, "en"),
    },
    by_article={"ida": "/c/a.txt", "idb": "/c/b.txt", "idc": "/c/c.txt"},
)


def test_each_article_is_new_changed_unchanged_or_reprocessed():
    batch = [
        article("ida", "/c/a.txt", "sha-a"),  # same body, same bytes, same NLP: no work
        article("idb", "/c/b.txt", "sha-b"),  # same, but loaded with an older NLP version
        article("idc", "/c/c.txt", "sha-c2"),  # same body, other bytes (a new title)
        article("idn", "/c/n.txt", "sha-n"),  # never seen
    ]
    p = plan_articles(batch, [], LOADED, {}, NLP, full_refresh=False)
    assert (p.new, p.changed, p.unchanged, p.reprocessed) == (1, 1, 1, 1)
    assert [a.source_uri for a in p.process] == ["/c/b.txt", "/c/c.txt", "/c/n.txt"]
    assert p.kinds == {"/c/b.txt": "reprocessed", "/c/c.txt": "changed", "/c/n.txt": "new"}
    full = plan_articles(batch[:1], [], LOADED, {}, NLP, full_refresh=True)
    assert (full.reprocessed, [a.source_uri for a in full.process]) == (1, ["/c/a.txt"])


def test_a_body_twice_in_one_batch_is_loaded_once():
    p = plan_articles(
        [article("idn", "/c/n.txt"), article("idn", "/c/m.txt")], [], LOADED, {}, NLP, False
    )
    assert [a.source_uri for a in p.process] == ["/c/n.txt"]
    assert [(r.source_uri, r.reason, r.detail) for r in p.rejects] == [
        ("/c/m.txt", "duplicate_body", "same body as article idn from /c/n.txt")
    ]
    assert p.duplicates == []  # no loaded original to replace later: no second chance


def test_the_parse_rejects_are_kept_first():
    parse_reject = Reject("/c/e.txt", "empty", "no text")
    p = plan_articles([article("idn", "/c/n.txt")], [parse_reject], LOADED, {}, NLP, False)
    assert p.rejects == [parse_reject] and p.new == 1


def test_languages_are_detected_only_for_the_articles_to_load(settings):
    """The flow parses with detect_language=False: an unchanged article keeps the language
    stored when it was loaded (the detector is never asked: it costs ~2 ms an article and
    seconds to load); a new one is detected before it is loaded — by the NLP worker, before
    the parse (a German article without a German pipeline is detected, not parsed)."""
    import datetime as dt

    from flows.nlp_runner import NlpRunner
    from flows.tasks import transform_batch
    from transforms.parse import SourceItem, parse_item

    german = (
        "date 2024-03-04 Neues Gesetz\n\nDie Bundesregierung hat am Montag in Berlin ein neues "
        "Gesetz zum Schutz der Wälder beschlossen. Die Ministerin sagte, dass die Länder nun "
        "mehr Geld für die Aufforstung erhalten sollen, während die Opposition das Vorhaben "
        "als viel zu spät und zu klein kritisierte.\n"
    )
    [new] = parse_item(
        SourceItem("/c/de.txt", "text", german.encode()),
        today=dt.date(2026, 1, 1),
        detect_language=False,
    )
    assert (new.language_pending, new.language) == (True, None)
    with pytest.raises(ValueError, match="language not resolved"):
        new.row(run_id="r", ingested_at=dt.datetime(2026, 1, 1), nlp_version=NLP)
    import duckdb

    from flows import near_dups

    with duckdb.connect(str(settings.db_path)) as con:
        con.execute(near_dups.DDL)  # as a run creates it: the new article is compared
    unchanged = article("a4", "/corpus/a4.txt", "sha-a4")
    unchanged.language_pending = True  # as parse_item(detect_language=False) leaves it
    p = plan(settings, [unchanged, new])
    assert (p.unchanged, p.new, [a.article_id for a in p.process]) == (1, 1, [new.article_id])
    assert unchanged.language_pending  # never detected
    assert (new.language_pending, p.link) == (True, True)  # detected with its NLP
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with NlpRunner(settings.model, 1) as runner:
        tables, failed, fps = transform_batch.fn(
            p.process, runner, "r1", now, NLP, settings, link=True
        )
    assert (new.language_pending, new.language, failed) == (False, "de", [])
    assert tables["articles"].select(["language", "nlp_version", "duplicate_of"]).to_pylist() == [
        {"language": "de", "nlp_version": "none:language", "duplicate_of": None}
    ]
    assert (runner.articles_processed, tables["mentions"].num_rows) == (0, 0)  # not parsed
    assert list(fps) == [new.article_id] and len(fps[new.article_id]) == 32  # band hashes
    [eager] = parse_item(
        SourceItem("/c/de.txt", "text", german.encode()), today=dt.date(2026, 1, 1)
    )
    assert (eager.language_pending, eager.language) == (False, "de")


def test_near_duplicates_are_found_among_loaded_articles_by_their_stored_bands(tmp_path):
    """near_dups.assign reads the loaded candidates sharing a band with the batch (the bands
    handed to DuckDB as an Arrow column, warehouse.values_table), and the plan's lookups of
    the batch's sources and ids likewise."""
    from flows import near_dups, warehouse

    given = rows()
    story = " ".join(f"The council voted {n} times on the harbour budget." for n in range(30))
    given["articles"][0]["body"] = story
    loaded_id, loaded_uri = given["articles"][0]["article_id"], given["articles"][0]["source_uri"]
    settings = load_settings(tmp_path / "wh")
    build_warehouse(settings.warehouse_dir, given)
    reprint = Article(
        "r1", "/other/r1.txt", None, None, "T", None, story + " More.", 1, "x", "u", []
    )
    other = Article(
        "r2", "/other/r2.txt", None, None, "T", None, story.upper()[::-1], 1, "y", "u", []
    )
    with warehouse.connection(settings, read_only=False) as con:
        near_dups.ensure(con)  # indexes the loaded bodies' bands
        assert con.execute("SELECT count(*) FROM _near_dup_bands").fetchone()[0] > 32
        fps = near_dups.assign(con, [reprint, other])
        assert warehouse.existing_by_source(con, [loaded_uri, "/nowhere"]) == {
            loaded_uri: (loaded_id, f"sha-{loaded_id}", "test", "en")
        }
        assert warehouse.existing_by_article(con, ["r1", loaded_id]) == {loaded_id: loaded_uri}
    assert (reprint.duplicate_of, other.duplicate_of) == (loaded_id, None)
    assert reprint.duplicate_similarity == 1.0  # the loaded body is contained in the reprint
    assert len(fps["r1"]) == 32  # its band hashes, recorded once it is loaded


def test_the_band_index_is_checked_again_only_once_the_warehouse_changed(tmp_path):
    """near_dups.ensure indexes the loaded articles without bands, then skips its scans while
    nothing was loaded, replaced or deleted: a band row deleted by hand stays missing until a
    load changes the warehouse's state, and an article inserted by hand is indexed at once."""
    from flows import changes, near_dups, warehouse

    settings = load_settings(tmp_path / "wh")
    build_warehouse(settings.warehouse_dir, rows())
    bands = "SELECT count(DISTINCT article_id) FROM _near_dup_bands"
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
        assert near_dups.ensure(con) == 4
        con.execute("DELETE FROM _near_dup_bands WHERE article_id = 'a1'")
        assert (near_dups.ensure(con), con.execute(bands).fetchone()) == (0, (3,))
        changes.bump_versions(con, ["articles"], "r9")  # as a load does
        assert (near_dups.ensure(con), con.execute(bands).fetchone()) == (1, (4,))
        con.execute(
            "INSERT INTO articles SELECT * REPLACE ('a9' AS article_id, '/c/a9.txt' AS "
            "source_uri) FROM articles WHERE article_id = 'a1'"
        )
        assert (near_dups.ensure(con), con.execute(bands).fetchone()) == (1, (5,))
        assert near_dups.ensure(con) == 0


def test_a_batch_with_nothing_new_has_nothing_to_write_unless_a_verdict_changed(tmp_path):
    """Unchanged articles and rejects already recorded with the same verdict: nothing to
    write (flows/batches.process starts no load for it); a reject whose verdict changed, or
    one not recorded yet, is written."""
    given = rows()
    wh = tmp_path / "wh"
    build_warehouse(wh, given)
    settings = load_settings(wh)
    stored = Reject("/c/empty.txt", "empty", "no bytes")
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.upsert_rejects(
            con, to_table("rejects", [stored.row(run_id="r0", rejected_at=warehouse.utcnow())])
        )
    a3 = next(r for r in given["articles"] if r["article_id"] == "a3")
    unchanged = article("a3", a3["source_uri"], a3["content_sha256"])

    def planned(rejects):
        return plan_batch.fn([unchanged], rejects, settings, {}, NLP, False)

    p = planned([Reject("/c/empty.txt", "empty", "no bytes")])
    assert (p.unchanged, p.process, p.rejects_recorded) == (1, [], True)
    assert not planned([Reject("/c/empty.txt", "empty", "whitespace only")]).rejects_recorded
    assert not planned([Reject("/c/empty.txt", "empty", "no bytes", "sha")]).rejects_recorded
    assert not planned([stored, Reject("/c/new.txt", "empty", "no bytes")]).rejects_recorded
    assert planned([]).rejects_recorded is False  # no rejects: nothing asked


def test_a_batch_planned_early_is_planned_again_when_the_batch_before_loaded_its_keys(
    tmp_path, prefect_harness
):
    """A first run plans each batch once, early (flows.batches._early_plan), unless the batch
    loaded in between holds one of its bodies or identities: one article a batch, the second
    file's body is the first's (a duplicate only once the first is loaded), the third's is
    new (its early plan is kept), the fourth repeats the third's identity (a numbered copy)."""
    import duckdb

    from flows.etl import news_etl

    body = "The council voted on Tuesday to close the old bridge to traffic, the mayor said."
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "1_a.txt").write_text(f"Bridge closed\n\n{body}\n")
    (corpus / "2_b.txt").write_text(f"Bridge shut\n\n{body}\n")
    (corpus / "3_c.jsonl").write_text(
        '{"id": "c", "title": "Dock strike", "body": "Dock workers in Antwerp walked out."}\n'
        '{"id": "c", "title": "Dock strike", "body": "Dock workers in Antwerp walked out."}\n'
    )
    wh = tmp_path / "wh"
    result = news_etl(sources=[str(corpus)], warehouse_dir=str(wh), batch_size=1, run_models=False)
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    arts = con.execute("SELECT source_uri, article_id FROM articles ORDER BY 1").fetchall()
    rejects = con.execute("SELECT source_uri, reason, detail FROM rejects ORDER BY 1").fetchall()
    con.close()
    a_id = dict(arts)[f"{corpus}/1_a.txt"]
    assert [uri for uri, _ in arts] == [f"{corpus}/1_a.txt", f"{corpus}/3_c.jsonl#c"]
    assert rejects == [
        (
            f"{corpus}/2_b.txt",
            "duplicate_body",
            f"same body as article {a_id} from {corpus}/1_a.txt",
        ),
        (
            f"{corpus}/3_c.jsonl#c~2",
            "duplicate_source",
            f"copy 2 of the source identity {corpus}/3_c.jsonl#c in this run",
        ),
    ]
    assert (result["articles_new"], result["rejected"], result["batches"]) == (2, 2, 4)


def test_an_article_whose_rows_break_the_contract_is_rejected_alone(tmp_path):
    """transform_batch converts each table once when every row fits (tasks._whole_tables);
    when one article's row does not, that article alone is an nlp_error reject and the
    others' rows are the same as without it."""
    import dataclasses
    import datetime as dt

    from flows.nlp_runner import NlpRunner
    from flows.tasks import transform_batch
    from transforms.parse import SourceItem, parse_item

    texts = {
        "/c/a.txt": "Bridge closed\n\nMayor Ana Lopes said the old bridge in Porto would close.",
        "/c/b.txt": "Strike\n\nDock workers in Antwerp walked out, the union ABVV said on Monday.",
    }
    arts = [
        parse_item(SourceItem(uri, "text", t.encode()), today=dt.date(2026, 1, 1))[0]
        for uri, t in texts.items()
    ]
    settings = load_settings(tmp_path / "wh", n_process=1)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with NlpRunner(settings.model, 1) as real:

        def broken(inputs, model=None):  # the real NLP, then b's first mention made invalid
            result = real(inputs, model)
            row = next(r for r in result.tables["mentions"] if r["article_id"] == b_id)
            row["start_char"] = "not a number"
            return result

        b_id = arts[1].article_id
        good, good_failed = transform_batch.fn(arts, real, "r1", now, NLP, settings)
        tables, failed = transform_batch.fn(
            [dataclasses.replace(a) for a in arts], broken, "r1", now, NLP, settings
        )
    assert good_failed == [] and good["mentions"].num_rows > 2
    assert [(f.source_uri, f.reason) for f in failed] == [("/c/b.txt", "nlp_error")]
    assert failed[0].detail.startswith("mentions rows do not fit the contract: ContractError")
    for table, data in tables.items():
        expected = good[table].filter(
            [aid != b_id for aid in good[table].column("article_id").to_pylist()]
        )
        assert data.to_pylist() == expected.to_pylist(), table


def test_a_batch_connection_runs_duckdb_on_one_thread_while_the_workers_are_busy(settings):
    """The batch's link and load (flows.batches._BatchConnection): while the NLP workers work
    on the next batch they have every core, and DuckDB is held to one thread; with the
    workers idle (the last batch) or no runner it keeps its threads."""
    from types import SimpleNamespace

    from flows.batches import _BatchConnection

    def threads(runner) -> int:
        with _BatchConnection(settings, runner) as connect:
            return connect().execute("SELECT current_setting('threads')").fetchone()[0]

    default = threads(None)
    assert default == threads(SimpleNamespace(busy=False)) >= 1
    assert threads(SimpleNamespace(busy=True)) == 1
    assert threads(None) == default  # not kept by the file once closed


def test_a_batch_connection_keeps_the_file_open_for_the_next_batch_while_the_workers_are_busy(
    tmp_path, monkeypatch
):
    """After a batch's load (flows/held.py): while the workers are busy and the next batch would
    be loaded within ``HOLD_SECONDS`` of the file's opening, the file stays open, its commit in
    DuckDB's log (not checkpointed), other processes kept out; in the run's process every open
    gets the held instance; the next batch's connection takes it over. It is let go
    (checkpointed: no log left) after a run's first batch (no batch's length known yet), past
    ``HOLD_SECONDS``, and when the workers are idle."""
    import subprocess
    import sys
    from types import SimpleNamespace

    from flows import held
    from flows.batches import _BatchConnection

    wh = tmp_path / "wh"
    build_warehouse(wh, rows())
    settings = load_settings(wh)
    wal = settings.db_path.with_name(settings.db_path.name + ".wal")
    busy, idle = SimpleNamespace(busy=True), SimpleNamespace(busy=False)
    other = [
        sys.executable,
        "-c",
        "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)",
    ]

    def count(con, table: str) -> int:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def load(runner, sql: str) -> None:
        with _BatchConnection(settings, runner) as connect:
            connect().execute(sql)
            connect.close(keep=True)

    with warehouse.connection(settings, read_only=True) as con:
        mentions, events = count(con, "mentions"), count(con, "events")
    assert mentions and events
    try:
        load(busy, "DELETE FROM quotes")  # the run's first batch: let go
        assert held.cursor(settings.db_path) is None and not wal.exists()
        load(busy, "DELETE FROM mentions")  # kept: the next batch would be loaded in time
        assert wal.stat().st_size > 0  # the commit is in the log
        refused = subprocess.run([*other, str(settings.db_path)], capture_output=True, text=True)
        assert refused.returncode == 1 and "lock" in refused.stderr, refused.stderr[-500:]
        with warehouse.connection(settings, read_only=True) as con:  # the held instance
            assert (count(con, "quotes"), count(con, "mentions"), count(con, "events")) == (
                0,
                0,
                events,
            )
        with _BatchConnection(settings, busy) as connect:
            assert connect().execute("SELECT current_setting('threads')").fetchone()[0] == 1
            connect().execute(
                "DELETE FROM events WHERE event_id = (SELECT min(event_id) FROM events)"
            )
            assert held.take(settings.db_path) is None  # taken over by this batch
            monkeypatch.setattr(held, "HOLD_SECONDS", 0.0)
            connect.close(keep=True)  # it would be held too long: let go
        assert held.cursor(settings.db_path) is None and not wal.exists()
        assert subprocess.run([*other, str(settings.db_path)]).returncode == 0
        with warehouse.connection(settings, read_only=True) as con:
            assert count(con, "events") == events - 1
        monkeypatch.setattr(held, "HOLD_SECONDS", 3600.0)
        load(idle, "DELETE FROM events")  # the last batch: workers idle
        assert held.cursor(settings.db_path) is None and not wal.exists()
    finally:
        held.let_go(settings.db_path)
    with warehouse.connection(settings, read_only=True) as con:
        assert count(con, "events") == 0
