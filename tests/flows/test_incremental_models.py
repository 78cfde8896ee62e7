"""The incremental marts give exactly the tables of a full rebuild.

A warehouse of hand-written rows (tests/warehouse_rows.py) is built, then changed the way runs
change it — an article added, an article replaced by a new version (another id, another day,
an entity dropped), an article reprocessed (the same id, an entity swapped, a quote gone) —
each time loaded by the project's loader (flows/warehouse.py, which records what changed) and
built incrementally by flows/models.py as a run builds it. After each step every mart is
compared row by row with a full rebuild of a copy of the same warehouse.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil

import duckdb
import pytest

from flows import changes, models, warehouse
from flows.settings import load_settings
from tests.warehouse_rows import ENTITIES, load_rows, rows

INCREMENTAL = {
    "agg_event_months",
    "dim_stories",
    "int_entity_articles",
    "dim_entities",
    "fct_events",
    "agg_speakers",
    "agg_entity_daily_mentions",
    "agg_entity_monthly_tone",
    "agg_entity_pairs",
    "agg_speaker_monthly_tone",
    "fct_quotes",
}

KEY_INDEXES = "select table_name, expressions from duckdb_indexes() order by all"


@pytest.fixture(autouse=True)
def _lookup_indexes(monkeypatch):
    """mentions' entity_id index (flows/models.py, LOOKUP_INDEXES) on these few rows too: the
    incremental marts read the changed entities' mentions through it (DuckDB looks a list of
    up to index_scan_max_count keys up in an index), and must come out as a full rebuild."""
    monkeypatch.setattr(models, "LOOKUP_INDEX_MIN_ROWS", 1)


def _only(given: dict[str, list[dict]], article_id: str) -> dict[str, list[dict]]:
    return {t: [r for r in rs if r["article_id"] == article_id] for t, rs in given.items()}


def _load(settings, given: dict[str, list[dict]], run_id: str) -> None:
    with warehouse.connection(settings, read_only=False) as con:
        con.execute(  # the run's ledger row: the first run's, renamed
            "insert into runs select * replace (? as run_id) from runs limit 1", [run_id]
        )
        load_rows(con, settings, given, run_id)


def _new_version(given, article_id: str, new_id: str) -> dict[str, list[dict]]:
    """``article_id`` replaced by a new version: another id and run, published a day later,
    without its first mention (an entity dropped); every row id renewed."""
    out = copy.deepcopy(_only(given, article_id))
    for table, key in (("mentions", "mention_id"), ("quotes", "quote_id"), ("events", "event_id")):
        for r in out[table]:
            r[key] = f"{r[key]}-{new_id}"
            r["article_id"] = new_id
    for q in out["quotes"]:
        if q["speaker_mention_id"]:
            q["speaker_mention_id"] = f"{q['speaker_mention_id']}-{new_id}"
    dropped = out["mentions"].pop(0)["mention_id"]
    for q in out["quotes"]:
        if q["speaker_mention_id"] == dropped:
            q["speaker_mention_id"] = None
    (art,) = out["articles"]
    art.update(article_id=new_id, run_id="r2", content_sha256=f"sha-{new_id}")
    if art["published_date"]:
        art["published_date"] += dt.timedelta(days=1)
    return out


def _reprocessed(given, article_id: str) -> dict[str, list[dict]]:
    """``article_id`` parsed again (same id): a mention of one entity now names another, and
    its last quote is gone."""
    out = copy.deepcopy(_only(given, article_id))
    entities = sorted(ENTITIES)
    mention = next(m for m in out["mentions"] if m["entity_id"])
    other = next(e for e in entities if e != mention["entity_id"])
    mention.update(entity_id=other, canonical_name=ENTITIES[other][0])
    out["quotes"] = out["quotes"][:-1]
    out["articles"][0]["run_id"] = "r3"
    return out


def test_every_article_reprocessed_with_the_same_rows_keeps_the_marts_whole(
    models_warehouse, tmp_path
):
    """A new extraction version reprocesses every article and writes the same row ids: the
    loader deletes each table's rows and inserts them again, and the checkpoint compacts them
    back to the rowids they had. The last row a build recorded (flows/changes.py, tails) is at
    its rowid with its key again, but it is not the row the build saw: the changed rows are
    not all after it. Before its article's run was recorded beside it, the incremental build
    read the changed rows after that rowid (none) and fct_quotes, fct_events and the marts
    built on them came out empty (found by `make run` after a version bump, session 16)."""
    given = rows()
    shutil.copytree(models_warehouse["wh"], tmp_path / "wh")
    settings = load_settings(tmp_path / "wh")
    again = copy.deepcopy(given)
    for article in again["articles"]:
        article["run_id"] = "r2"
    _load(settings, again, "r2")
    with warehouse.connection(settings, read_only=False) as con:
        con.execute("checkpoint")
    after = _build_and_compare(settings, tmp_path, "every article reprocessed")
    assert len(after["fct_quotes"]) == len(given["quotes"]) > 0
    assert len(after["fct_events"]) == len(given["events"]) > 0


def _marts(db) -> dict[str, list[tuple]]:
    """Every table dbt built (intermediate, marts, reporting), its rows sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema "
            "in ('intermediate', 'marts', 'reporting') and table_type = 'BASE TABLE' order by 2"
        ).fetchall()
        return {
            n: sorted(con.execute(f"select * from {s}.{n}").fetchall(), key=repr) for s, n in names
        }
    finally:
        con.close()


def _build_and_compare(settings, tmp_path, step: str) -> dict[str, list[tuple]]:
    summary = models.run_models(settings, log_level="none", if_changed=True)
    assert summary["success"] and summary["incremental"] is True
    assert summary["unit_tests"] == 0  # the SQL did not change
    with warehouse.connection(settings, read_only=True) as con:
        assert con.execute("select count(*) from _changes").fetchone() == (0,)  # taken in
    full = tmp_path / f"full-{step}"
    shutil.copytree(settings.warehouse_dir, full, ignore=shutil.ignore_patterns("dbt"))
    rebuilt = models.run_models(
        load_settings(full),
        select=["path:models/intermediate", "path:models/marts", "path:models/reporting"],
        log_level="none",
    )
    assert rebuilt["incremental"] is False
    got, expected = _marts(settings.db_path), _marts(full / "news.duckdb")
    assert set(got) >= INCREMENTAL
    for name in expected:
        assert got[name] == expected[name], f"{step}: {name} differs from a full rebuild"
    assert set(got) == set(expected)
    # the marts' twelve key indexes (sql/macros/changed.sql): kept by the incremental build, dropped
    # before and created again by the full one (which swaps the tables in by renames)
    for db in (settings.db_path, full / "news.duckdb"):
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute(KEY_INDEXES).fetchall() == [
                ("agg_entity_daily_mentions", "[entity_id]"),
                ("agg_entity_monthly_tone", "[entity_id]"),
                ("agg_entity_pairs", "[entity_a_id]"),
                ("agg_entity_pairs", "[entity_b_id]"),
                ("agg_speaker_monthly_tone", "[speaker_entity_id]"),
                ("dim_entities", "[entity_id]"),
                ("fct_events", "[actor_entity_id]"),
                ("fct_events", "[article_id]"),
                ("fct_events", "[location_entity_id]"),
                ("fct_events", "[target_entity_id]"),
                ("fct_quotes", "[article_id]"),
                ("fct_quotes", "[speaker_entity_id]"),
                ("mentions", "[entity_id]"),  # the lookup index, made by the build
            ]
    return got


@pytest.mark.slow
def test_incremental_marts_equal_a_full_rebuild_after_adds_changes_and_reprocessing(
    models_warehouse, tmp_path
):
    given = rows()
    # the hand-written warehouse after its full build (conftest), with the build's state
    shutil.copytree(models_warehouse["wh"], tmp_path / "wh")
    settings = load_settings(tmp_path / "wh")
    before = _marts(settings.db_path)

    # one load: a5 added (a1 again under another id, a week later); a2 replaced by a new
    # version (its source, another id and day)
    added = _new_version(given, "a1", "a5")
    added["articles"][0].update(source_uri="/corpus/a5.txt", source_id="a5")
    added["articles"][0]["published_date"] += dt.timedelta(days=6)
    # a reprint of a1: a1's story gains an article
    added["articles"][0].update(duplicate_of="a1", duplicate_similarity=0.9)
    changed = _new_version(given, "a2", "a2v2")
    # and five copies of a1 from a wire (/wire): Warsaw and Duda in all five, its boilerplate
    wire = [_in_source(given, "a1", f"w{i}", "/wire") for i in range(5)]
    _load(
        settings, {t: added[t] + changed[t] + [r for w in wire for r in w[t]] for t in added}, "r2"
    )
    # a second load: a3 reprocessed (the same id, one mention's entity swapped, a quote gone)
    _load(settings, _reprocessed(given, "a3"), "r3")

    after = _build_and_compare(settings, tmp_path, "add+change+reprocess")
    ranking = {r[1]: r for r in after["rpt_entity_ranking"]}  # boilerplate articles: r[9]
    assert (ranking["e_warsaw"][9], ranking["e_duda"][9]) == (5, 5)
    assert after["dim_entities"] != before["dim_entities"]
    assert after["agg_entity_daily_mentions"] != before["agg_entity_daily_mentions"]
    quoted = {r[1] for r in after["fct_quotes"]}
    assert {"a5", "a2v2"} <= quoted and "a2" not in quoted
    a3_quotes = [r for r in after["fct_quotes"] if r[1] == "a3"]
    assert len(a3_quotes) == sum(q["article_id"] == "a3" for q in given["quotes"]) - 1

    # nothing loaded since: no build at all
    again = models.run_models(settings, log_level="none", if_changed=True)
    assert again == {"command": "build", "success": True, "skipped": True}

    # a new speaker outranks one no load touches: Poland quoted in a6 and a7 (a3 again, in
    # sources of their own); a4 moved to another source (the same id: both sources' counts move)
    ranks = {r[1]: r[0] for r in after["agg_speakers"]}
    assert ranks == {"e_carney": 1, "e_duda": 2}
    copies = [_quoted_by_poland(given, aid) for aid in ("a6", "a7")]
    moved = copy.deepcopy(_only(given, "a4"))
    moved["articles"][0].update(source_uri="/elsewhere/a4.txt", run_id="r4")
    # two copies of a4 on the wire (Carney alone): Warsaw and Duda are in 5 of its 7 articles,
    # no longer its boilerplate — though no load names them (the ranking's source rule)
    wire = [_in_source(given, "a4", f"w{i}", "/wire") for i in (5, 6)]
    wire[1]["articles"][0].update(duplicate_of="w5", duplicate_similarity=0.9)  # a reprint
    loaded = [*copies, moved, *wire]
    _load(settings, {t: [r for one in loaded for r in one[t]] for t in moved}, "r4")
    after = _build_and_compare(settings, tmp_path, "new speaker+moved source")
    ranking = {r[1]: r for r in after["rpt_entity_ranking"]}
    assert (ranking["e_warsaw"][9], ranking["e_duda"][9]) == (0, 0)
    ranks = {r[1]: r[0] for r in after["agg_speakers"]}
    assert ranks == {"e_carney": 1, "e_poland": 2, "e_duda": 3}
    sources = {r[1]: (r[2], r[-2]) for r in after["int_entity_articles"]}  # source, its size
    assert sources["a4"] == ("/elsewhere", 1) and sources["a1"] == ("/corpus", 4)
    stories = {r[0]: r[5] for r in after["dim_stories"]}  # story_id: article_count
    assert (stories["a1"], stories["w5"]) == (2, 2) and "w6" not in stories  # a5, w6: reprints

    # entities whose last rows go: a2v2 reprocessed without its mention of Ottawa (the only
    # one left) and without Duda's quote (his only one)
    last = _new_version(given, "a2", "a2v2")
    last["mentions"] = [m for m in last["mentions"] if m["entity_id"] != "e_ottawa"]
    for e in last["events"]:
        if e["location_entity_id"] == "e_ottawa":
            e["location_entity_id"] = None
    last["quotes"] = [q for q in last["quotes"] if q["speaker_entity_id"] != "e_duda"]
    last["articles"][0]["run_id"] = "r5"
    _load(settings, last, "r5")
    after = _build_and_compare(settings, tmp_path, "last mention and quote gone")
    assert "e_ottawa" not in {r[0] for r in after["dim_entities"]}
    assert "e_ottawa" not in {r[0] for r in after["int_entity_articles"]}
    assert {r[1]: r[0] for r in after["agg_speakers"]} == {"e_carney": 1, "e_poland": 2}

    # an entity's name moves with no load of the articles it is named in: a8 (a2 again) names
    # Carney as "Carney, Mark" 16 times, outvoting "Mark Carney"; the events and quotes of the
    # articles no load touched now carry the new name (fct_events, fct_quotes: updated in place)
    renamed = _new_version(given, "a2", "a8")
    renamed["articles"][0].update(source_uri="/corpus/a8.txt", source_id="a8", run_id="r6")
    carney = next(m for m in renamed["mentions"] if m["entity_id"] == "e_carney")
    carney["canonical_name"] = "Carney, Mark"
    renamed["mentions"] += [
        {**carney, "mention_id": f"{carney['mention_id']}-{i}"} for i in range(15)
    ]
    _load(settings, renamed, "r6")
    _build_and_compare(settings, tmp_path, "a name moved")
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        names = con.execute(
            "select (select actor_name from marts.fct_events where event_id = 'v2-a2v2'), "
            "(select speaker_display_name from marts.fct_quotes where quote_id = 'q1')"
        ).fetchone()
    finally:
        con.close()
    assert names == ("Carney, Mark", "Carney, Mark")

    # a story's first occurrence replaced (a1 by a1v2: its reprint a5 now stands for its own
    # story), a reprint of a8 loaded (a9) and the reprint w6 reprocessed as no reprint (w5's
    # story loses it)
    first = _new_version(given, "a1", "a1v2")
    first["articles"][0]["run_id"] = "r7"
    again = _in_source(given, "a4", "w6", "/wire")
    again["articles"][0]["run_id"] = "r7"
    reprint = _new_version(given, "a2", "a9")
    reprint["articles"][0].update(
        source_uri="/corpus/a9.txt",
        source_id="a9",
        run_id="r7",
        duplicate_of="a8",
        duplicate_similarity=0.95,
    )
    _load(settings, {t: first[t] + reprint[t] + again[t] for t in first}, "r7")
    after = _build_and_compare(settings, tmp_path, "first occurrence replaced, reprints")
    stories = {r[0]: r[5] for r in after["dim_stories"]}  # story_id: article_count
    assert (stories["a5"], stories["a8"], stories["a1v2"]) == (1, 2, 1)
    assert (stories["w5"], stories["w6"]) == (1, 1)
    assert "a1" not in stories and "a9" not in stories


def _in_source(given, article_id: str, new_id: str, folder: str) -> dict[str, list[dict]]:
    """``article_id`` again as ``new_id`` (_new_version), read from ``folder``."""
    out = _new_version(given, article_id, new_id)
    out["articles"][0].update(source_uri=f"{folder}/{new_id}.txt", source_id=new_id)
    return out


def _quoted_by_poland(given, new_id: str) -> dict[str, list[dict]]:
    """a3 again as ``new_id``, in a source of its own, its quote attributed to Poland."""
    out = _new_version(given, "a3", new_id)
    out["articles"][0].update(source_uri=f"/{new_id}/{new_id}.txt", source_id=new_id)
    poland = next(m for m in out["mentions"] if m["entity_id"] == "e_poland")
    for q in out["quotes"]:
        q.update(
            speaker_entity_id="e_poland",
            speaker_mention_id=poland["mention_id"],
            speaker_name="Poland",
            speaker_kind="organisation",
        )
    return out


def _mentions_text(db, mention_id: str, text: str) -> None:
    con = duckdb.connect(str(db))
    try:  # by hand, as no load writes: the loader records nothing
        con.execute("update mentions set text = ? where mention_id = ?", [text, mention_id])
    finally:
        con.close()


@pytest.mark.slow
def test_an_incremental_build_rebuilds_the_tables_and_tests_the_changed_articles_rows(
    capfd, models_warehouse, tmp_path
):
    given = rows()
    shutil.copytree(models_warehouse["wh"], tmp_path / "wh")
    settings = load_settings(tmp_path / "wh")
    full = models_warehouse["summary"]
    # a row of an article no load changes, broken by hand (the table's size unchanged)
    kept = next(m for m in given["mentions"] if m["article_id"] == "a1" and m["text"])
    _mentions_text(settings.db_path, kept["mention_id"], "not in the body")

    # a5 loaded: the views and the seed are in place, only the tables are built; every data
    # test runs, the row-level ones on the per-article views on a5's rows only
    added = _new_version(given, "a1", "a5")
    added["articles"][0].update(source_uri="/corpus/a5.txt", source_id="a5")
    _load(settings, added, "r2")
    capfd.readouterr()
    summary = models.run_models(settings, log_level=models.FLOW_LOG_LEVEL, if_changed=True)
    assert summary["incremental"] is True
    # at a run's log level dbt prints nothing: not a warning for each of the selection's
    # intersections that select nothing by design (the run ledger feeds views only)
    assert capfd.readouterr() == ("", "")
    # 30 models, 10 views; every data test but the seed's (no reject loaded, but the rejects'
    # checks read the runs: flows/models.py, scheduled_selection)
    assert (summary["models"], summary["tests"]) == (20, full["tests"] - 1)
    assert full["models"] == 30

    # a6 loaded with a mention whose text is not its span: its own rows are tested
    broken = _new_version(given, "a1", "a6")
    broken["articles"][0].update(source_uri="/corpus/a6.txt", source_id="a6")
    bad = next(m for m in broken["mentions"] if m["text"])
    good_text, bad["text"] = bad["text"], "not in the body"
    _load(settings, broken, "r3")
    with pytest.raises(models.ModelsFailed) as failed:
        models.run_models(settings, log_level="none", if_changed=True)
    assert (
        "test stg_mentions_checks on stg_mentions: 1 failing row "
        "(stg_mentions_text_matches_body: 1)" in str(failed.value)
    )

    # a7 loaded, its quote's speaker an entity its article does not name (Ottawa: a2 does) and
    # a mention no article has: the parents are looked up among the changed articles' mentions
    # first, then among every mention — the entity is found there, the mention nowhere
    odd = _new_version(given, "a1", "a7")
    odd["articles"][0].update(source_uri="/corpus/a7.txt", source_id="a7")
    (quote,) = odd["quotes"]
    quote.update(speaker_entity_id="e_ottawa", speaker_mention_id="m_nowhere")
    _load(settings, odd, "r4")
    with pytest.raises(models.ModelsFailed) as failed:
        models.run_models(settings, log_level="none", if_changed=True)
    assert (
        "test stg_quotes_checks on stg_quotes: 1 failing row "
        "(relationships(speaker_mention_id -> stg_mentions.mention_id): 1)" in str(failed.value)
    )

    # a full build tests every row: a6's, a7's and the one broken by hand
    with pytest.raises(models.ModelsFailed) as failed:
        models.run_models(settings, log_level="none")
    assert (
        "test stg_mentions_checks on stg_mentions: 2 failing rows "
        "(stg_mentions_text_matches_body: 2)" in str(failed.value)
    )
    assert (
        "test stg_quotes_checks on stg_quotes: 1 failing row "
        "(relationships(speaker_mention_id -> stg_mentions.mention_id): 1)" in str(failed.value)
    )

    # both mended by hand, then a row inserted by hand: rows no load recorded, so the next
    # build is a full one, and it fails on that row
    _mentions_text(settings.db_path, kept["mention_id"], kept["text"])
    _mentions_text(settings.db_path, bad["mention_id"], good_text)
    con = duckdb.connect(str(settings.db_path))
    con.execute("update quotes set speaker_mention_id = null where article_id = 'a7'")
    con.close()
    models.run_models(settings, log_level="none")
    con = duckdb.connect(str(settings.db_path))
    con.execute(
        "insert into mentions select * replace ('planted' as mention_id, 'planted' as text) "
        "from mentions where mention_id = ?",
        [kept["mention_id"]],
    )
    con.close()
    with pytest.raises(models.ModelsFailed) as failed:
        models.run_models(settings, log_level="none", if_changed=True)
    assert "on stg_mentions: 1 failing row (stg_mentions_text_matches_body: 1)" in str(failed.value)


#: A set check narrowed to the changed rows (sql/macros/changed.sql, covers_changed): the
#: planted table, the test of its model, and the rows duplicated: one of a changed key (a5's:
#: a1 again, naming Canada, Poland, Warsaw, Carney and Duda) and one of a key no load touched
#: (a2's, Ottawa's) where there is one (every pair of entities and every speaker has one a5
#: names).
PLANTED = {
    "marts.dim_entities": (
        "dim_entities_checks",
        "entity_id = 'e_carney'",
        "entity_id = 'e_ottawa'",
    ),
    "marts.agg_entity_daily_mentions": (
        "agg_entity_daily_mentions_checks",
        "entity_id = 'e_carney'",
        "entity_id = 'e_ottawa'",
    ),
    "marts.agg_entity_monthly_tone": (
        "agg_entity_monthly_tone_checks",
        "entity_id = 'e_carney'",
        "entity_id = 'e_ottawa'",
    ),
    "marts.agg_entity_pairs": (
        "agg_entity_pairs_checks",
        "entity_a_id = 'e_carney' and entity_b_id = 'e_duda'",
        None,
    ),
    "marts.agg_speaker_monthly_tone": (
        "agg_speaker_monthly_tone_checks",
        "speaker_entity_id = 'e_carney'",
        None,
    ),
    "marts.agg_speakers": ("agg_speakers_checks", "speaker_entity_id = 'e_carney'", None),
    "marts.fct_quotes": ("fct_quotes_checks", "article_id = 'a5'", "article_id = 'a2'"),
    "marts.fct_events": ("fct_events_checks", "article_id = 'a5'", "article_id = 'a2'"),
    "intermediate.int_entity_articles": (
        "int_entity_articles_checks",
        "article_id = 'a5' and entity_id = 'e_carney'",
        "article_id = 'a2' and entity_id = 'e_ottawa'",
    ),
    "marts.dim_stories": ("dim_stories_checks", "story_id = 'a5'", "story_id = 'a2'"),
    "reporting.rpt_entity_ranking": (
        "rpt_entity_ranking_checks",
        "entity_id = 'e_carney'",
        "entity_id = 'e_ottawa'",
    ),
    # per-article views: their rows are the loaded table's (an event's key renewed)
    "main.events": (
        "stg_events_checks",
        "article_id = 'a5' and is_top_event",
        "article_id = 'a2' and is_top_event",
    ),
    "main.articles": ("int_article_sources_checks", "article_id = 'a5'", "article_id = 'a2'"),
}
#: The checks failing on them, (scheduled build, full build): each narrowed check counts the
#: changed key's duplicate alone, then both. rpt_entity_ranking's and agg_speakers' ranks are
#: tested whole (every build may move them): the copies' ranks in both.
FAILING = {
    "dim_entities_checks": {"unique(entity_id)": (1, 2)},
    "agg_entity_daily_mentions_checks": {"unique_combination(entity_id, mention_date)": (1, 2)},
    "agg_entity_monthly_tone_checks": {"unique_combination(entity_id, month_start)": (1, 2)},
    "agg_entity_pairs_checks": {"unique_combination(entity_a_id, entity_b_id)": (1, 1)},
    "agg_speaker_monthly_tone_checks": {
        "unique_combination(speaker_entity_id, month_start)": (1, 1)
    },
    "agg_speakers_checks": {
        "unique(speaker_entity_id)": (1, 1),
        "unique(speaker_rank)": (1, 1),
        "relationships(example_quote_id -> fct_quotes.quote_id)": (2, 2),
    },
    "fct_quotes_checks": {"unique(quote_id)": (1, 2)},
    "fct_events_checks": {"unique(event_id)": (1, 2)},
    "int_entity_articles_checks": {"unique_combination(entity_id, article_id)": (1, 2)},
    "dim_stories_checks": {"unique(story_id)": (1, 2)},
    "rpt_entity_ranking_checks": {"unique(entity_id)": (1, 2), "unique(entity_rank)": (2, 2)},
    "stg_events_checks": {"unique_combination(article_id, sentence_index)": (1, 2)},
    "int_article_sources_checks": {"unique(article_id)": (1, 2)},
}


def test_a_scheduled_builds_set_checks_read_the_changed_rows_and_fail_on_a_planted_duplicate(
    models_warehouse, tmp_path
):
    """A unique or grain check whose columns hold the columns that tell a model's changed rows
    reads those rows alone in a scheduled build: a row sharing a changed row's tested values is
    itself a changed row. The checks are run as the build runs them (after the models, with
    the build's changes and scopes): a duplicate planted on a changed key fails each, one
    planted on a key no load touched is left to the full build, which counts both."""
    given = rows()
    shutil.copytree(models_warehouse["wh"], tmp_path / "wh")
    settings = load_settings(tmp_path / "wh")
    added = _new_version(given, "a1", "a5")
    # from a source of its own: int_entity_articles' scope is its changed articles' sources
    added["articles"][0].update(source_uri="/elsewhere/a5.txt", source_id="a5")
    _load(settings, added, "r2")
    previous = json.loads(models.state_path(settings).read_text())
    with warehouse.connection(settings, read_only=True) as con:
        recorded = con.execute("select * from _changes").fetchall()
    assert models.run_models(settings, log_level="none", if_changed=True)["incremental"]

    # the build's state while its tests ran: its changes, its scopes, the models built
    with warehouse.connection(settings, read_only=False) as con:
        con.executemany("insert into _changes values (?, ?, ?)", recorded)
        models._set_changes_since(
            con, previous["change_seq"], changes.rows_after(con, previous["tails"])
        )
        for table, (_, *duplicated) in PLANTED.items():
            renewed = " replace (event_id || '-2' as event_id)" if table == "main.events" else ""
            for where in filter(None, duplicated):
                row = f"select *{renewed} from {table} where {where} limit 1"
                assert con.execute(f"insert into {table} {row}").fetchone() == (1,), where
        # and a changed speaker's example a quote that is not there (both its rows); a speaker
        # no load touched (none here: a5 quotes both) would be left to the full build
        con.execute(
            "update marts.agg_speakers set example_quote_id = 'q_nowhere' "
            "where speaker_entity_id = 'e_carney'"
        )

    def failures() -> dict[str, dict[str, int]]:
        with pytest.raises(models.ModelsFailed) as caught:
            tests = [test for test, *_ in PLANTED.values()]
            models._build(settings, tests, "none", incremental=True, command="test")
        return {f["name"]: dict(f["checks"]) for f in caught.value.failures}

    assert failures() == {t: {c: n[0] for c, n in checks.items()} for t, checks in FAILING.items()}
    with warehouse.connection(settings, read_only=False) as con:
        models._set_changes_since(con, -1)  # a full build's checks: every row
    assert failures() == {t: {c: n[1] for c, n in checks.items()} for t, checks in FAILING.items()}
