"""The CLI as a user meets it: names found without their schema, typos answered with the
tables that exist, aligned output."""

from __future__ import annotations

from flows.cli import main as cli_main
from flows.cli import table_lines


def test_query_finds_marts_and_staging_by_name(models_warehouse, capsys):
    wh = str(models_warehouse["wh"])
    sql = (
        "select (select count(*) from top_speakers), (select count(*) from marts.top_speakers), "
        "(select count(*) from stg_quotes), (select count(*) from articles)"
    )
    assert cli_main(["query", sql, "--warehouse", wh, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "2,2,5,4"


def test_a_table_typo_names_the_tables_that_exist(models_warehouse, capsys):
    wh = str(models_warehouse["wh"])
    assert cli_main(["query", "select * from top_speaker", "--warehouse", wh]) == 1
    err = capsys.readouterr().err
    assert err == (
        "newsetl: error: Catalog Error: Table with name top_speaker does not exist! "
        'Did you mean "top_speakers"? (tables and views — '
        "main: articles, events, mentions, quotes, rejects, runs; "
        "marts: dim_entities, entity_cooccurrence, entity_daily_mentions, entity_monthly_tone, "
        "event_timeline, fct_events, fct_quotes, speaker_monthly_tone, top_speakers; "
        "staging: stg_articles, stg_events, stg_mentions, stg_quotes, stg_rejects, stg_runs)\n"
    )
    assert cli_main(["query", "select titl from articles", "--warehouse", wh]) == 1
    err = capsys.readouterr().err
    assert err.startswith('newsetl: error: Binder Error: Referenced column "titl" not found')
    assert 'Candidate bindings: "title"' in err and err.count("\n") == 1


def test_table_output_aligns_numbers_right_and_text_left():
    lines = list(
        table_lines(["name", "n", "share"], [("Kenya", 12, 0.5), ("EU", 7, None)], max_width=60)
    )
    assert lines == [
        "name  |  n | share",
        "------+----+------",
        "Kenya | 12 |   0.5",
        "EU    |  7 |  NULL",
        "(2 rows)",
    ]
