"""The dbt project in sql/: a real `dbt build` (in-process) against real DuckDB warehouses.

Most tests use a warehouse of hand-written rows (tests/warehouse_rows.py) so that quotes and
events are covered; one builds the Wikinews extraction output; the last one starts from
data/sample run through the real flow and plants a broken row.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.cli import main as cli_main
from flows.models import MERGED_CHECKS, SQL_DIR, ModelsFailed, run_models
from flows.settings import load_settings
from tests.conftest import SAMPLE
from tests.warehouse_rows import RUN_ID

MARTS = {
    "dim_entities",
    "fct_quotes",
    "fct_events",
    "agg_entity_daily_mentions",
    "agg_speakers",
    "agg_entity_pairs",
    "agg_event_months",
    "agg_entity_monthly_tone",
    "agg_speaker_monthly_tone",
    "dim_outlets",
    "dim_stories",
}
INTERMEDIATE = {"int_entity_mentions", "int_article_sources", "int_entity_articles"}
REPORTING = {
    "rpt_summary",
    "rpt_entity_ranking",
    "rpt_top_entities",
    "rpt_entity_months",
    "rpt_top_speakers",
    "rpt_speaker_quotes",
    "rpt_event_months",
    "rpt_top_pairs",
    "rpt_top_outlets",
    "rpt_run_history",
}
STAGING = {"stg_articles", "stg_mentions", "stg_quotes", "stg_events", "stg_rejects", "stg_runs"}
MODELS = STAGING | INTERMEDIATE | MARTS | REPORTING
#: Models with no data test because none could fail (their yml says why).
UNCHECKED_BY_CONSTRUCTION = {"int_entity_mentions"}
LAYERS = {"staging": STAGING, "intermediate": INTERMEDIATE, "marts": MARTS, "reporting": REPORTING}


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def copy_warehouse(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("dbt"))
    return dst


def test_dbt_vocabularies_agree_with_the_python_code():
    import yaml

    from transforms.dates import PRECISIONS, PUBLISHED
    from transforms.events.lexicon import EVENT_TYPES, MODALITIES, PLOVER_TYPES
    from transforms.events.plover import QUAD_CLASSES, all_modes
    from transforms.mentions.model import FAMILY, NON_ENTITY_LABELS, ORIGINS
    from transforms.parse import FLAGS, REASONS
    from transforms.quotes.referents import SPEAKER_KINDS

    project = yaml.safe_load((SQL_DIR / "dbt_project.yml").read_text())
    var = project["vars"]
    assert set(var["entity_labels"]) == set(FAMILY) | NON_ENTITY_LABELS
    assert set(var["non_entity_labels"]) == NON_ENTITY_LABELS
    assert tuple(var["mention_origins"]) == ORIGINS
    assert set(var["reject_reasons"]) == set(REASONS)
    assert set(var["article_flags"]) == set(FLAGS)
    assert set(var["month_placeable_precisions"]) < set(var["date_precisions"])
    assert tuple(var["event_types"]) == EVENT_TYPES
    assert tuple(var["plover_event_types"]) == PLOVER_TYPES
    assert tuple(var["quad_classes"]) == QUAD_CLASSES
    assert tuple(var["plover_modes"]) == all_modes()
    assert tuple(var["modalities"]) == MODALITIES
    assert tuple(var["speaker_kinds"]) == SPEAKER_KINDS
    assert tuple(var["date_precisions"]) == (*PRECISIONS, PUBLISHED)


def test_build_passes_with_every_model_tested(models_warehouse):
    summary = models_warehouse["summary"]
    assert summary["success"] and summary["failed"] == []
    assert summary["models"] == len(MODELS)
    assert summary["unit_tests"] >= 16
    # one model_checks test per model and seed but int_entity_mentions and the seven
    # reporting leaves (23), their one test (reporting_leaf_checks), and the four tests with
    # a severity of their own
    assert summary["tests"] == 28
    assert set(summary["statuses"]) <= {"pass", "success"}
    relations = query(
        models_warehouse["db"],
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts', 'reporting')",
    )
    expected = {(layer, m) for layer, names in LAYERS.items() for m in names}
    assert {(s, n) for s, n, _ in relations} == expected | {("reporting", "entity_fixes")}
    kinds = {s: {t for s2, _, t in relations if s2 == s} for s in LAYERS}
    assert kinds == {
        "staging": {"VIEW"},
        "intermediate": {"BASE TABLE", "VIEW"},
        "marts": {"BASE TABLE"},
        "reporting": {"BASE TABLE", "VIEW"},
    }
    # read by its tests and two reports: computed once per build, not once per reader
    tables = {n for s, n, t in relations if s == "intermediate" and t == "BASE TABLE"}
    assert tables == {"int_entity_articles"}
    views = {n for s, n, t in relations if s == "reporting" and t == "VIEW"}
    assert views == {"rpt_run_history", "rpt_summary"}  # current when the report is written


def test_build_passes_on_the_wikinews_tables(wikinews_warehouse):
    # Real extraction output (every event type, label and precision the code produces on
    # 294 real articles) must pass every model test: vocabularies cannot drift apart.
    summary, tables = wikinews_warehouse["summary"], wikinews_warehouse["tables"]
    assert summary["success"] and summary["failed"] == []
    assert summary["models"] == len(MODELS)
    counts = query(
        wikinews_warehouse["db"],
        "select (select count(*) from marts.fct_quotes), (select count(*) from marts.fct_events),"
        " (select count(*) from marts.dim_entities),"
        " (select count(distinct event_type) from marts.fct_events)",
    )[0]
    entities = {m["entity_id"] for m in tables["mentions"] if m["entity_id"] is not None}
    types = {e["event_type"] for e in tables["events"] if e["event_type"] is not None}
    assert counts == (len(tables["quotes"]), len(tables["events"]), len(entities), len(types))
    assert len(types) >= 15


def test_a_renamed_model_leaves_no_stale_table(models_warehouse, tmp_path):
    """A relation no model builds any more (a mart of an older version) is dropped by the
    build, so that no query goes on reading data that no longer updates."""
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    con = duckdb.connect(str(wh / "news.duckdb"))
    con.execute("create table marts.top_speakers as select 1 as speaker_rank")
    con.execute("create view staging.stg_old as select 1 as x")
    con.execute("create table main.kept_by_the_user as select 1 as x")
    con.close()
    run_models(load_settings(wh), log_level="none")
    left = query(
        wh / "news.duckdb",
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name in ('top_speakers', 'stg_old', 'kept_by_the_user')",
    )
    assert left == [("main.kept_by_the_user",)]  # only the project's schemas are cleaned


def test_every_model_states_its_grain_documents_its_columns_and_is_tested(models_warehouse):
    manifest = json.loads((models_warehouse["wh"] / "dbt" / "target" / "manifest.json").read_text())
    models = {
        n["unique_id"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"
    }
    tested: dict[str, int] = dict.fromkeys(models, 0)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node") in tested:
            # model_checks: one node, many checks
            metadata = node.get("test_metadata") or {}
            kwargs = metadata["kwargs"] if metadata.get("name") == "model_checks" else {}
            checks = sum(len(v) for k, v in kwargs.items() if k != "model") or 1
            tested[node["attached_node"]] += checks
    for name, checks in merged_checks(manifest).items():
        tested[f"model.newsetl.{name}"] += len(checks)
    unit_tested = {u["model"] for u in manifest["unit_tests"].values()}
    actual = {}
    for _schema, table, column in query(
        models_warehouse["db"],
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts', 'reporting')",
    ):
        actual.setdefault(table, set()).add(column)
    for uid, node in models.items():
        name = node["name"]
        assert node["description"].startswith("Grain: one row per"), name
        if name in UNCHECKED_BY_CONSTRUCTION:
            assert tested[uid] == 0, f"{name} is checked: take it out of UNCHECKED_BY_CONSTRUCTION"
            continue
        assert tested[uid] >= 3, f"{name} has {tested[uid]} data test checks"
        assert set(node["columns"]) == actual[name], f"{name}: documented columns differ"
        assert all(c["description"] for c in node["columns"].values()), name
    logic_heavy = {
        "dim_entities",
        "agg_entity_pairs",
        "agg_event_months",
        "fct_events",
        "fct_quotes",
        "agg_entity_daily_mentions",
        "agg_entity_monthly_tone",
        "agg_speaker_monthly_tone",
        "int_entity_mentions",
        "int_article_sources",
        "int_entity_articles",
        "rpt_entity_ranking",
        "rpt_entity_months",
        "rpt_top_speakers",
        "rpt_speaker_quotes",
        "rpt_event_months",
    }
    assert logic_heavy <= unit_tested


def test_int_entity_mentions_needs_no_check(models_warehouse):
    """int_entity_mentions has no data test (its yml says why): every row is a mention with an
    entity_id inner-joined to its article, and is_tag could be NULL only where the article's
    body or the mention's offsets are, which the loaded tables declare NOT NULL."""
    nullable = query(
        models_warehouse["db"],
        "select table_name || '.' || column_name, is_nullable from duckdb_columns() "
        "where schema_name = 'main' and (table_name, column_name) in "
        "(('articles', 'body'), ('mentions', 'start_char'), ('mentions', 'end_char')) order by 1",
    )
    assert nullable == [
        ("articles.body", False),
        ("mentions.end_char", False),
        ("mentions.start_char", False),
    ]
    view = (SQL_DIR / "macros" / "views.sql").read_text()
    body = view[view.index("macro int_entity_mentions_rows") :]
    assert "inner join articles on mentions.article_id = articles.article_id" in body
    assert "where mentions.entity_id is not null" in body


def test_dim_entities_and_daily_mentions(models_warehouse):
    db = models_warehouse["db"]
    assert query(
        db,
        "select entity_id, canonical_name, entity_label, country_code, "
        "first_seen_date::varchar, last_seen_date::varchar, mention_count, article_count, "
        "label_count from marts.dim_entities order by entity_id",
    ) == [
        ("e_canada", "Canada", "GPE", "CA", "2024-02-16", "2024-03-05", 4, 3, 1),
        ("e_carney", "Mark Carney", "PERSON", None, "2024-02-16", "2024-03-05", 4, 3, 1),
        ("e_duda", "Andrzej Duda", "PERSON", None, "2024-02-16", "2024-03-05", 3, 2, 1),
        ("e_ottawa", "Ottawa", "GPE", None, "2024-03-05", "2024-03-05", 1, 1, 1),
        ("e_poland", "Poland", "GPE", "PL", "2024-02-16", "2024-03-20", 4, 3, 2),
        ("e_warsaw", "Warsaw", "GPE", None, "2024-02-16", "2024-03-20", 2, 2, 1),
    ]
    # a4 is undated: its Canada and Carney mentions have no day.
    assert query(
        db,
        "select mention_date::varchar, mention_count from marts.agg_entity_daily_mentions "
        "where entity_id = 'e_carney' order by 1",
    ) == [("2024-02-16", 1), ("2024-03-05", 2)]


def test_tone_by_month_of_entities_and_speakers(models_warehouse):
    """tests/warehouse_rows.py: article tones a1 0.25 (Feb), a2 0.1 and a3 -0.3 (March), a4
    undated; quote tones q1 0.5 (Carney, Feb), q2 0.3 (Carney, March), q3 NULL (Duda), q5
    undated."""
    db = models_warehouse["db"]
    assert query(
        db,
        "select canonical_name, month_start::varchar, article_count, mention_count, avg_tone, "
        "negative_article_count from marts.agg_entity_monthly_tone order by 1, 2",
    ) == [
        ("Andrzej Duda", "2024-02-01", 1, 1, 0.25, 0),
        ("Andrzej Duda", "2024-03-01", 1, 2, 0.1, 0),
        ("Canada", "2024-02-01", 1, 2, 0.25, 0),
        ("Canada", "2024-03-01", 1, 1, 0.1, 0),  # a4 (undated) left out
        ("Mark Carney", "2024-02-01", 1, 1, 0.25, 0),
        ("Mark Carney", "2024-03-01", 1, 2, 0.1, 0),
        ("Ottawa", "2024-03-01", 1, 1, 0.1, 0),
        ("Poland", "2024-02-01", 1, 2, 0.25, 0),  # "Poland" and "Polish"
        ("Poland", "2024-03-01", 2, 2, -0.1, 1),  # (0.1 - 0.3) / 2
        ("Warsaw", "2024-02-01", 1, 1, 0.25, 0),
        ("Warsaw", "2024-03-01", 1, 1, -0.3, 1),
    ]
    assert query(
        db,
        "select speaker_name, month_start::varchar, quote_count, article_count, avg_tone, "
        "negative_quote_count from marts.agg_speaker_monthly_tone order by 1, 2",
    ) == [("Mark Carney", "2024-02-01", 1, 1, 0.5, 0), ("Mark Carney", "2024-03-01", 1, 1, 0.3, 0)]
    assert query(db, "select quote_id, tone from marts.fct_quotes order by 1") == [
        ("q1", 0.5),
        ("q2", 0.3),
        ("q3", None),
        ("q4", -0.6),
        ("q5", 0.4),
    ]


def test_quotes_speakers_and_cooccurrence(models_warehouse):
    db = models_warehouse["db"]
    assert query(
        db,
        "select speaker_rank, speaker_name, quote_count, direct_quote_count, article_count, "
        "example_quote_id from marts.agg_speakers order by 1",
    ) == [(1, "Mark Carney", 3, 3, 3, "q2"), (2, "Andrzej Duda", 1, 0, 1, "q3")]
    assert query(
        db,
        "select quote_id, speaker_display_name, published_date::varchar from marts.fct_quotes "
        "order by 1",
    ) == [
        ("q1", "Mark Carney", "2024-02-16"),
        ("q2", "Mark Carney", "2024-03-05"),
        ("q3", "Andrzej Duda", "2024-03-05"),
        ("q4", "Poland's interior ministry", "2024-03-20"),
        ("q5", "Mark Carney", None),
    ]
    assert query(
        db,
        "select entity_a_name, entity_b_name, article_count, sentence_count, jaccard "
        "from marts.agg_entity_pairs order by article_count desc, jaccard desc, 1, 2 limit 3",
    ) == [
        ("Canada", "Mark Carney", 3, 0, 1.0),  # always in different sentences
        ("Andrzej Duda", "Poland", 2, 2, 0.6667),
        ("Canada", "Andrzej Duda", 2, 2, 0.6667),
    ]


def test_events_and_timeline(models_warehouse):
    db = models_warehouse["db"]
    assert query(
        db,
        "select event_id, effective_date::varchar, effective_date_source, actor_name "
        "from marts.fct_events order by 1",
    ) == [
        ("v1", "2024-02-16", "event_date", "Canada"),
        ("v2", "2024-03-05", "event_date", "Mark Carney"),
        ("v3", "2024-03-05", "published_date", "Poland"),
        ("v4", "2024-03-20", "event_date", None),
        ("v5", "2024-03-20", "event_date", None),
        ("v6", None, None, "Canada"),
        ("v7", "2024-02-16", "event_date", "Andrzej Duda"),
    ]
    # v7 is untyped and v6 has no date: neither is on the timeline.
    assert query(
        db,
        "select event_month::varchar, event_type, event_count, asserted_count "
        "from marts.agg_event_months order by 1, 2",
    ) == [
        ("2024-02-01", "AGREE", 1, 1),
        ("2024-03-01", "COERCE", 1, 1),
        ("2024-03-01", "CONSULT", 1, 1),
        ("2024-03-01", "MOBILIZE", 1, 0),
        ("2024-03-01", "PROTEST", 1, 1),
    ]


def test_dbt_leaves_the_file_free_for_other_processes(models_warehouse):
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "print(con.execute('select count(*) from marts.dim_entities').fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(models_warehouse["db"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "6"


def test_planted_broken_rows_fail_the_build_naming_the_tests(models_warehouse, tmp_path):
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    con = duckdb.connect(str(wh / "news.duckdb"))
    # A mention that ends before it starts; a quote of an article that does not exist; an
    # event type nobody defined; a mention whose text is not what the body says there.
    con.execute("update mentions set end_char = start_char where mention_id = 'm03'")
    con.execute(
        "insert into quotes select * replace ('q9' as quote_id, 'nowhere' as article_id) "
        "from quotes where quote_id = 'q1'"
    )
    con.execute("update events set event_type = 'TELEPORT' where event_id = 'v1'")
    con.execute("update mentions set text = 'Kanada' where mention_id = 'm00'")
    con.execute(
        "insert into rejects values ('/corpus/x.txt', 'bogus', 'no such reason', null, now(), ?)",
        [RUN_ID],
    )
    con.close()
    with pytest.raises(ModelsFailed) as caught:
        run_models(load_settings(wh), log_level="none")
    message = str(caught.value)
    for name in (
        # m03's span is empty: its text is not the body's there either
        "test stg_mentions_checks on stg_mentions: 3 failing rows "
        "(stg_mentions_span_is_ordered: 1; stg_mentions_text_matches_body: 2)",
        "test stg_quotes_checks on stg_quotes: 1 failing row "
        "(relationships(article_id -> stg_articles.article_id): 1)",
        "test stg_events_checks on stg_events: 2 failing rows (accepted_values(event_type): 1;"
        " stg_events_quad_class_iff_plover_type: 1)",
        "(accepted_values(reason): 1)",
    ):
        assert name in message, name
    assert message.startswith("dbt build failed: ")
    assert "skipped" in message
    failed = {f["name"]: f["checks"] for f in caught.value.failures}
    assert failed["stg_mentions_checks"] == (
        ("stg_mentions_span_is_ordered", 1),
        ("stg_mentions_text_matches_body", 2),
    )
    # The failed build left the file free: a writer can open it.
    duckdb.connect(str(wh / "news.duckdb")).close()


def test_a_models_checks_fail_each_named_and_counted_as_dbts_own_tests_count(
    models_warehouse, tmp_path
):
    """model_checks (one node per model for all its checks): a failing row per failing check,
    named, with its count as dbt's test of that kind counts it (rows for not_null,
    relationships and expressions; duplicated values for unique and combinations; distinct
    values for accepted_values); the checks that pass are not listed. Rows planted in the
    marts, and only the tests run (the models would rebuild them)."""
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    con = duckdb.connect(str(wh / "news.duckdb"))
    quotes = "marts.fct_quotes"
    assert con.execute(f"select count(*) from {quotes}").fetchone()[0] == 5
    con.execute(f"insert into {quotes} select * from {quotes} where quote_id = 'q1'")
    con.execute(f"insert into {quotes} select * from {quotes} where quote_id = 'q1' limit 1")
    con.execute(f"update {quotes} set speaker_kind = 'alien' where quote_id in ('q2', 'q3')")
    con.execute(f"update {quotes} set speaker_kind = 'martian', end_char = start_char, "
                "quote_length = 0 where quote_id = 'q4'")  # fmt: skip
    con.execute(f"update {quotes} set article_id = 'nowhere' where quote_id = 'q5'")
    con.execute(f"update {quotes} set article_id = null where quote_id = 'q3'")
    con.execute(f"update {quotes} set speaker_entity_id = 'e_nobody' where quote_id = 'q2'")
    daily = "marts.agg_entity_daily_mentions"
    con.execute(
        f"insert into {daily} select * from {daily} where (entity_id, mention_date) in "
        "(('e_poland', date '2024-03-20'), ('e_duda', date '2024-02-16'))"
    )
    con.execute(f"insert into {daily} select * from {daily} where entity_id = 'e_poland' "
                "and mention_date = date '2024-03-20' limit 1")  # fmt: skip
    assert con.execute(f"select count(*) from {daily}").fetchone()[0] == 15
    con.execute(f"update {daily} set canonical_name = null where entity_id = 'e_canada'")
    con.execute(f"update {daily} set entity_label = null")
    con.close()
    # (not downstream of each other: a failing test skips the tests of the models below)
    tests = ["fct_quotes_checks", "agg_entity_daily_mentions_checks"]
    with pytest.raises(ModelsFailed) as caught:
        run_models(load_settings(wh), select=tests, log_level="none")
    failed = {f["name"]: (f["failures"], f["checks"]) for f in caught.value.failures}
    assert failed == {
        "fct_quotes_checks": (
            7,
            (
                ("accepted_values(speaker_kind)", 2),
                ("fct_quotes_span_is_ordered", 1),
                ("not_null(article_id)", 1),
                ("relationships(article_id -> stg_articles.article_id)", 1),
                ("relationships(speaker_entity_id -> dim_entities.entity_id)", 1),
                ("unique(quote_id)", 1),
            ),
        ),
        "agg_entity_daily_mentions_checks": (
            19,
            (
                ("not_null(canonical_name)", 2),
                ("not_null(entity_label)", 15),
                ("unique_combination(entity_id, mention_date)", 2),
            ),
        ),
    }
    assert "test fct_quotes_checks on fct_quotes: 7 failing rows (" in str(caught.value)


def merged_checks(manifest: dict) -> dict[str, set[str]]:
    """The checks of each relation that a merged test (flows.models.MERGED_CHECKS) runs, read
    off its compiled SQL ("select 'relation: ' || check_name" before each relation's)."""
    found: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node["name"] in MERGED_CHECKS:
            parts = re.split(r"select '(\w+): ' \|\| check_name", node["compiled_code"])
            for name, sql in zip(parts[1::2], parts[2::2], strict=True):
                found[name] = set(re.findall(r"'(\w+\([^']*\)|rpt_\w+)'", sql))
    return found


def test_the_reporting_leaves_are_checked_in_one_test_naming_each_failing_check(
    models_warehouse, tmp_path
):
    """sql/tests/reporting_leaf_checks.sql: the reporting relations nothing is built from, each
    with the checks its own model_checks test had, in one node. Each is a leaf (a failing test
    on it skipped nothing, so one test after them all stops what theirs stopped: the build);
    a failing check is named "relation: check", counted as its own test counted it. Rows
    planted in three of the tables, the test run: it fails the build, naming each."""
    manifest = json.loads((models_warehouse["wh"] / "dbt" / "target" / "manifest.json").read_text())
    leaves = {
        "rpt_top_outlets", "rpt_top_pairs", "rpt_event_months", "rpt_entity_months",
        "rpt_run_history", "rpt_summary", "rpt_speaker_quotes",
    }  # fmt: skip
    checked = merged_checks(manifest)
    assert set(checked) == leaves
    assert all(len(checks) >= 3 for checks in checked.values()), checked
    for name in leaves:  # no model, seed or snapshot below any of them: tests alone
        below = manifest["child_map"][f"model.newsetl.{name}"]
        assert {child.split(".")[0] for child in below} <= {"test", "unit_test"}, (name, below)
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    con = duckdb.connect(str(wh / "news.duckdb"))
    outlets = "reporting.rpt_top_outlets"
    con.execute(f"insert into {outlets} select * from {outlets} where outlet_rank = 1")
    con.execute("update reporting.rpt_event_months set event_count = -1")
    con.execute("update reporting.rpt_speaker_quotes set speaker_entity_id = 'e_nobody' "
                "where quote_id = 'q3'")  # fmt: skip
    rows = con.execute("select count(*) from reporting.rpt_event_months").fetchone()[0]
    assert rows == 10
    con.close()
    settings = load_settings(wh)
    with pytest.raises(ModelsFailed) as caught:
        run_models(settings, select=["reporting_leaf_checks"], log_level="none")
    failed = {f["name"]: (f["failures"], f["checks"]) for f in caught.value.failures}
    speaker = "speaker_entity_id"
    assert failed == {
        "reporting_leaf_checks": (
            2 + rows + 1,
            (
                ("rpt_event_months: rpt_event_months_counts_not_negative", rows),
                (f"rpt_speaker_quotes: relationships({speaker} -> rpt_top_speakers.{speaker})", 1),
                ("rpt_top_outlets: unique(outlet)", 1),
                ("rpt_top_outlets: unique(outlet_rank)", 1),
            ),
        )
    }


def test_models_command_and_a_warning(models_warehouse, tmp_path, capsys):
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    # A speaker without offsets breaks a plausibility rule: a warning, not a failure.
    con = duckdb.connect(str(wh / "news.duckdb"))
    con.execute(
        "update quotes set speaker_start_char = null, speaker_end_char = null where quote_id = 'q1'"
    )
    con.close()
    assert cli_main(["models", "--warehouse", str(wh), "--select", "staging"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "dbt build: 6 models" in out[-2]
    assert (
        out[-1] == "  warning: test stg_quotes_speaker_span_iff_text on stg_quotes: 1 failing row"
    )
    assert cli_main(["models", "--warehouse", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsetl: error: no warehouse at") and err.count("\n") == 1


def test_models_wait_for_a_reader_to_let_go(models_warehouse, tmp_path):
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")
    code = (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print('open', flush=True); time.sleep(3); con.close()"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code, str(wh / "news.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        started = time.monotonic()
        summary = run_models(load_settings(wh), select=["stg_runs"], log_level="none")
        assert summary["success"]
        assert time.monotonic() - started > 1.0  # it waited for the reader
    finally:
        reader.wait(timeout=30)


@pytest.mark.slow
def test_flow_runs_models_and_a_planted_row_fails_the_run(
    sample_warehouse, tmp_path, prefect_harness, capsys
):
    from flows.etl import news_etl

    first = sample_warehouse["summary"]  # data/sample, run with its models (conftest)
    assert first["models"]["success"] and first["models"]["models"] == len(MODELS)
    assert query(sample_warehouse["db"], "select count(*) from marts.dim_entities")[0][0] > 0
    wh = copy_warehouse(sample_warehouse["wh"], tmp_path / "wh")
    shutil.copytree(sample_warehouse["wh"] / "dbt", wh / "dbt")  # the last build's digest
    settings = load_settings(wh, n_process=1)
    # nothing loaded since a passing build: the models are current, dbt is not run again
    again = news_etl(sources=[str(SAMPLE)], settings=settings)
    assert again["articles_unchanged"] == first["articles_new"]
    assert again["models"] == {"command": "build", "success": True, "skipped": True}
    # a dropped mart is built again
    con = duckdb.connect(str(wh / "news.duckdb"))
    con.execute("drop table marts.agg_speakers")
    con.close()
    third = news_etl(sources=[str(SAMPLE)], settings=settings)
    assert third["models"]["models"] == len(MODELS)
    assert query(wh / "news.duckdb", "select count(*) from marts.agg_speakers")[0][0] > 0

    con = duckdb.connect(str(wh / "news.duckdb"))
    con.execute(
        "insert into mentions select * replace ('broken' as mention_id, start_char as end_char) "
        "from mentions limit 1"
    )
    con.close()
    assert cli_main(["run", str(SAMPLE), "--warehouse", str(wh), "--n-process", "1"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("newsetl:")]
    assert len(errors) == 1
    assert errors[0].startswith("newsetl: error: dbt build failed: ")
    assert "stg_mentions_span_is_ordered" in errors[0]
    runs = query(wh / "news.duckdb", "select status, error from runs order by started_at")
    assert [r[0] for r in runs] == ["completed", "completed", "completed", "failed"]
    assert runs[3][1].startswith("ModelsFailed: dbt build failed: ")
    assert "stg_mentions_span_is_ordered" in runs[3][1]
    # the failed build is not taken for current: the next run fails again
    assert cli_main(["run", str(SAMPLE), "--warehouse", str(wh), "--n-process", "1"]) == 1
    assert "stg_mentions_span_is_ordered" in capsys.readouterr().err


def test_a_scheduled_build_runs_only_what_the_loaded_tables_it_changed_feed(
    models_warehouse, tmp_path
):
    """A run's incremental build selects the tables and the data tests downstream of the
    loaded tables that changed. An article alone loaded (no mention, quote, event or reject):
    every table is rebuilt (all read the articles) and the tests reading the articles or the
    runs run (a model's checks, one node, run when any of them reads a changed table); the
    seed's, and the tests of the quotes or the events alone, do not; no unit test. dbt's
    manifest is not written, the node results are."""
    from flows import warehouse
    from tests.warehouse_rows import load_rows, rows

    wh = Path(shutil.copytree(models_warehouse["wh"], tmp_path / "wh"))  # its dbt state too
    settings = load_settings(wh)
    target = wh / "dbt" / "target"
    (target / "manifest.json").unlink()
    given = rows()
    article = dict(given["articles"][0], article_id="a9", source_uri="/corpus/a9.txt")
    article.update(source_id="a9", content_sha256="sha-a9", run_id="r9")
    new = {t: [] for t in given} | {"articles": [article]}
    with warehouse.connection(settings, read_only=False) as con:
        con.execute("insert into runs select * replace ('r9' as run_id) from runs limit 1")
        load_rows(con, settings, new, "r9")
    summary = run_models(settings, log_level="none", if_changed=True)
    assert summary["incremental"] is True
    assert (summary["models"], summary["tests"], summary["unit_tests"]) == (20, 24, 0)
    assert models_warehouse["summary"]["tests"] == 28  # a full build's

    def names(run_results: Path, kind: str) -> set[str]:
        results = json.loads(run_results.read_text())["results"]
        return {r["unique_id"].split(".")[2] for r in results if r["unique_id"].startswith(kind)}

    tests = names(models_warehouse["wh"] / "dbt" / "target" / "run_results.json", "test.")
    ran = names(target / "run_results.json", "")
    assert not (target / "manifest.json").exists()
    assert {
        "stg_articles_checks",
        "stg_mentions_checks",  # its spans read the articles' bodies
        "stg_rejects_checks",  # its relationships read the runs
        "dim_outlets",
        "reporting_leaf_checks",
    } <= ran
    assert "stg_mentions" not in ran
    # the seed's, and the quotes' and events' warnings (of those tables alone)
    assert tests - ran == {
        "entity_fixes_checks",
        "stg_quotes_speaker_span_iff_text",
        "stg_quotes_cue_span_iff_text",
        "stg_events_precision_iff_date",
    }


def test_a_new_warehouse_reuses_the_saved_parse_until_a_project_file_changes(
    models_warehouse, tmp_path, monkeypatch
):
    """dbt's parse of the project is saved once for every warehouse (flows/dbt_parse.py): a
    new warehouse's build parses nothing; an edited file of the project is parsed again, and
    the edit is built."""
    from flows import models

    sql = Path(shutil.copytree(SQL_DIR, tmp_path / "sql"))
    monkeypatch.setattr(models, "SQL_DIR", sql)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one = load_settings(copy_warehouse(models_warehouse["wh"], tmp_path / "one"))
    two = load_settings(copy_warehouse(models_warehouse["wh"], tmp_path / "two"))

    def build(settings) -> str:
        return run_models(settings, select=["stg_runs"], log_level="none")["parse"]

    assert build(one) == "dbt"
    assert build(two) == "saved"
    view = sql / "models" / "staging" / "stg_runs.sql"
    view.write_text(view.read_text().replace("select * from renamed", "select 1 as probe, *"
                                             " from renamed"))  # fmt: skip
    assert build(two) == "dbt"
    assert build(one) == "saved"
    for settings in (one, two):
        (probe,) = query(settings.db_path, "select distinct probe from staging.stg_runs")
        assert probe == (1,)
    assert len(list((tmp_path / "cache" / "newsetl" / "dbt").glob("parse-*.msgpack"))) == 2


def test_the_parse_cache_keeps_only_the_newest_saved_parses(tmp_path, monkeypatch):
    """Every edit of the project saves another parse (~1 MB): a save keeps the newest KEEP."""
    from flows import dbt_parse

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = dbt_parse.cache_dir()
    folder.mkdir(parents=True)
    for i in range(dbt_parse.KEEP + 3):  # parse-old00 the oldest
        old = folder / f"parse-old{i:02d}.msgpack"
        old.write_bytes(b"old")
        os.utime(old, ns=(1_000_000_000 * (i + 1),) * 2)
        dbt_parse.save_used_macros(f"old{i:02d}", [f"macro.newsetl.m{i}"])  # goes with it
    (folder / "notes.txt").write_text("not a parse")
    target = tmp_path / "target"
    target.mkdir()
    (target / dbt_parse.PARSE_FILE).write_bytes(b"new parse")
    dbt_parse.save("new", target)
    kept = sorted(p.name for p in folder.iterdir())
    newest_old = [
        f"parse-old{i:02d}.{kind}"
        for i in range(4, dbt_parse.KEEP + 3)
        for kind in ("macros", "msgpack")
    ]
    assert kept == ["notes.txt", "parse-new.msgpack", *newest_old]
    assert dbt_parse.used_macros("old04") == ["macro.newsetl.m4"]
    assert (folder / "parse-new.msgpack").read_bytes() == b"new parse"
