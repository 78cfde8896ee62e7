"""The CLI as a user meets it: names found without their schema, typos answered with the
tables that exist, aligned output."""

from __future__ import annotations

from flows.cli import main as cli_main
from flows.query import table_lines


def test_query_finds_marts_and_staging_by_name(models_warehouse, capsys):
    wh = str(models_warehouse["wh"])
    sql = (
        "select (select count(*) from agg_speakers), (select count(*) from marts.agg_speakers), "
        "(select count(*) from stg_quotes), (select count(*) from articles)"
    )
    assert cli_main(["query", sql, "--warehouse", wh, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "2,2,5,4"


def test_a_table_typo_names_the_tables_that_exist(models_warehouse, capsys):
    wh = str(models_warehouse["wh"])
    assert cli_main(["query", "select * from agg_speaker", "--warehouse", wh]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "newsetl: error: Catalog Error: Table with name agg_speaker does not exist! "
        'Did you mean "agg_speakers"? (tables and views — '
        "main: articles, events, mentions, quotes, rejects, runs; marts: agg_entity_daily_mentions, "
    )
    marts = err[err.index("marts: ") + 7 : err.index("; staging")].split(", ")
    assert marts == sorted(marts) and {"agg_speakers", "dim_entities"} <= set(marts)
    # the search path's schemas first, then the others (intermediate, reporting) by name
    assert (
        "; staging: stg_articles, stg_events, stg_mentions, stg_quotes, stg_rejects, stg_runs; "
        "intermediate: int_article_sources, "
    ) in err
    assert err.endswith(", rpt_top_speakers)\n")
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


def test_a_default_run_is_quiet_and_its_summary_aligned(sample_run):
    """`make run`: nothing on stderr (no Prefect INFO lines, no dict), the summary on stdout
    with every figure in one column."""
    done = sample_run["done"]
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("run r") and f"→ {sample_run['wh']} in " in lines[0]
    figures = lines[1 : next(i for i, line in enumerate(lines) if "dbt build" in line)]
    assert [line.split()[0] for line in figures[:6]] == [
        "records",
        "new",
        "changed",
        "unchanged",
        "reprocessed",
        "rejected",
    ]
    assert len({len(line) for line in figures}) == 1, figures  # numbers end in one column
    assert figures[0].split()[-1] == "22" and figures[1].split()[-1] == "21"


def write_files(root, files: dict[str, str]):
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


FORMATS = (
    "supported formats: .text/.txt (one article), .json (a record or a list), "
    ".jsonl/.ndjson (a record per line), .htm/.html/.xhtml (a web page), "
    ".atom/.opml/.rss/.xml (a feed or a feed list), and URLs (feeds, pages, s3://…)"
)


def test_a_run_that_loads_nothing_exits_3_without_building_models(
    prefect_harness, tmp_path, capsys
):
    wh = tmp_path / "wh"
    other = write_files(tmp_path / "other", {"a.pdf": "%PDF-1.4", "b.csv": "a,b\n"})
    assert cli_main(["run", str(other), "--warehouse", str(wh), "-q"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"newsetl: error: nothing loaded: no supported file in {other} (2 file(s) of other "
        f"types rejected as unsupported_type); {FORMATS}\n"
    )
    bad = write_files(tmp_path / "bad", {"empty.txt": "", "broken.json": "{"})
    assert cli_main(["run", str(bad), "--warehouse", str(wh)]) == 3
    out, err = capsys.readouterr()
    assert "dbt build skipped: nothing loaded" in out
    assert err == (
        f"newsetl: error: nothing loaded: every input in {bad} was rejected (1 empty, "
        '1 malformed_json; `newsetl query "select * from rejects"` says why); '
        f"{FORMATS}\n"
    )
    empty = write_files(tmp_path / "empty", {".hidden.txt": "date 2024-01-01 T\n\nBody.\n"})
    assert cli_main(["run", str(empty), "--warehouse", str(wh), "-q"]) == 3
    assert capsys.readouterr().err == (
        f"newsetl: error: nothing loaded: no input file in {empty}; {FORMATS}\n"
    )
    # Every input is accounted for, and no model was built on the empty warehouse.
    assert (
        cli_main(
            [
                "query",
                "select reason, count(*) from rejects group by 1 order by 1",
                "--warehouse",
                str(wh),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == (
        "reason,count_star()\nempty,1\nmalformed_json,1\nunsupported_type,2\n"
    )
    assert not (wh / "dbt" / "built.json").exists()


def test_a_busy_warehouse_exits_75(prefect_harness, tmp_path, capsys):
    from flows.warehouse import writer_lock

    wh = tmp_path / "wh"
    wh.mkdir()
    src = write_files(tmp_path / "src", {"a.txt": "date 2024-01-01 T\n\nBody text.\n"})
    with writer_lock(wh / ".newsetl.lock", timeout=1):
        code = cli_main(["run", str(src), "--warehouse", str(wh), "--lock-timeout", "0"])
    err = capsys.readouterr().err
    assert code == 75
    assert (
        err.startswith("newsetl: error: another newsetl run is writing to") and err.count("\n") == 1
    )


def test_version_help_defaults_and_cwd_independence(monkeypatch, tmp_path, capsys):
    import pytest

    from flows.cli import build_parser, settings_of
    from tests.conftest import ROOT

    with pytest.raises(SystemExit) as stop:
        cli_main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("newsetl 0.1.0 (DuckDB 1.5.5, Prefect 3.9.1, ")
    for name in ("NEWSETL_WAREHOUSE", "NEWSETL_BATCH_SIZE", "NEWSETL_N_PROCESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    parser = build_parser()
    run = parser.parse_args(["run"])
    # no default in the parser: the settings resolve $NEWSETL_WAREHOUSE, else the checkout's
    assert run.warehouse is None and run.sources == []
    assert settings_of(run).warehouse_dir == ROOT / "warehouse"
    run_help = " ".join(parser._subparsers._group_actions[0].choices["run"].format_help().split())
    assert "--batch-size N articles per batch (default: $NEWSETL_BATCH_SIZE, else 256)" in run_help
    assert "(default: $NEWSETL_N_PROCESS, else the number of cores," in run_help
    assert f"SOURCE default: {ROOT / 'data' / 'sample'}" in run_help
    assert "--no-progress no progress bar" in run_help
    # -q / -v before or after the command
    assert parser.parse_args(["-q", "query", "x"]).quiet
    assert parser.parse_args(["query", "x", "-v"]).verbose
    assert cli_main(["run", "nowhere/at/all", "-q"]) == 1
    assert capsys.readouterr().err == (
        f"newsetl: error: source not found: nowhere/at/all (looked in {tmp_path})\n"
    )


def test_bash_completion_completes_commands_options_and_choices():
    import subprocess

    from flows.cli import completion_script

    script = completion_script("bash")
    probe = (
        'for line in "newsetl ru" "newsetl run --n" "newsetl query x --format c" '
        '"newsetl completion " "newsetl -q mo"; do COMP_WORDS=($line); '
        '[[ "$line" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); '
        '_newsetl; echo "${COMPREPLY[*]}"; done'
    )
    done = subprocess.run(
        ["bash", "-c", script + "\n" + probe], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.splitlines() == [
        "run",
        "--no-backfill --n-process --no-progress --no-models",
        "csv",
        "bash zsh",
        "models",
    ], done.stderr
    assert completion_script("zsh").startswith("autoload -U +X bashcompinit && bashcompinit\n")


def test_serve_banner_prints_a_command_that_works():
    import os
    import sys
    from pathlib import Path

    from flows.cli import serve_banner

    banner = serve_banner("nightly", "http://127.0.0.1:4200/api", {"interval": 900.0})
    prefect = Path(sys.executable).with_name("prefect")
    assert banner.splitlines() == [
        "serving deployment news_etl/nightly on http://127.0.0.1:4200/api (every 900s); "
        "Ctrl-C to stop",
        f"run it now:  PREFECT_API_URL=http://127.0.0.1:4200/api {prefect} deployment run "
        "'news_etl/nightly'",
        "runs in the UI: http://127.0.0.1:4200/runs",
    ]
    assert prefect.is_file() and os.access(prefect, os.X_OK)


CONFIGURE_THEN_STOP = """
import json, sys
from multiprocessing import forkserver
from flows import cli, nlp_runner
seen = []
def configure(args):
    seen.append(getattr(forkserver._forkserver, "_forkserver_pid", None) is not None)
    raise RuntimeError("stopped where the output is configured")
cli.configure_output = configure
for wh in sys.argv[2:]:
    cli.main(["run", sys.argv[1], "--warehouse", wh, "--n-process", "2"])
nlp_runner.stop_server()
print(json.dumps(seen))
"""


def test_a_first_run_starts_its_workers_fork_server_before_the_output_is_configured(tmp_path):
    """flows/commands/run.py start_early: before configure_output's imports (DuckDB, Arrow,
    dbt's settings), only for a run that will surely parse (a new warehouse, enough text)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    source = tmp_path / "big.jsonl"
    body = "The harbour authority closed the north pier on Monday. " * 20
    lines = [json.dumps({"id": f"a{i}", "title": f"Pier {i}", "body": body}) for i in range(60)]
    source.write_text("\n".join(lines) + "\n")
    assert source.stat().st_size >= 50_000  # flows.nlp_runner.MIN_POOL_CHARS
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "news.duckdb").touch()  # an existing warehouse: not a first run
    root = Path(__file__).resolve().parents[2]
    warehouses = [str(tmp_path / "old"), str(tmp_path / "new")]
    out = subprocess.run(
        [sys.executable, "-c", CONFIGURE_THEN_STOP, str(source), *warehouses],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, True]
