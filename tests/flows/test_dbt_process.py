"""A run's dbt build in a process started ahead (flows/dbt_process.py): the same build, the
same failures, the same outputs as in-process; an in-process build when that process is gone.

Each test builds the hand-written rows' warehouse (tests/warehouse_rows.py) from its loaded
tables, as a run's first build does, in a real child process (dbt imported there: ~3 s)."""

from __future__ import annotations

import duckdb
import pytest

from flows import dbt_parse, dbt_process, models
from flows.models import ModelsFailed, run_models
from flows.settings import load_settings
from tests.flows.test_models import copy_warehouse, query

MARTS = "select * from marts.dim_entities order by all"


def _started(settings, monkeypatch) -> dbt_process.BuildProcess:
    """The run's build process started for ``settings`` (this test process has dbt imported
    already: a run's process would not)."""
    monkeypatch.setattr(dbt_process, "_dbt_imported", lambda: False)
    dbt_process.arm(settings)
    dbt_process.prestart()
    proc = dbt_process._STATE["process"]
    assert proc is not None and proc.alive()
    return proc


def _not_in_process(**request):
    raise AssertionError("built in the test's own process")


def test_the_started_process_builds_as_in_process_and_fails_naming_the_same_checks(
    models_warehouse, tmp_path, monkeypatch
):
    wh = copy_warehouse(models_warehouse["wh"], tmp_path / "wh")  # no dbt state: a first build
    for schema in models.MODEL_SCHEMAS:
        with duckdb.connect(str(wh / "news.duckdb")) as con:
            con.execute(f"drop schema if exists {schema} cascade")
    settings = load_settings(wh)
    # no saved parse (a new checkout): the process parses ahead, and saves the parse
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    proc = _started(settings, monkeypatch)
    monkeypatch.setattr(models, "_build", _not_in_process)
    summary = run_models(settings, log_level="none", if_changed=True)
    built = models_warehouse["summary"]
    assert (summary["models"], summary["tests"], summary["unit_tests"]) == (built["models"], 28, 0)
    assert summary["success"] and summary["incremental"] is False
    assert summary["parse"] == "saved"
    assert len(list((tmp_path / "cache" / "newsetl" / "dbt").glob("parse-*.msgpack"))) == 1
    # the macros the build used, compiled ahead by the next build process
    used = dbt_parse.used_macros(models.parse_key(models.project_digest()))
    assert {
        "macro.newsetl.changed",
        "macro.newsetl.test_model_checks",
        "macro.dbt_duckdb.materialization_table_duckdb",
        "macro.dbt.materialization_view_default",
    } <= set(used)
    assert query(wh / "news.duckdb", MARTS) == query(models_warehouse["db"], MARTS)
    assert proc.proc.poll() == 0  # ended with the build
    assert dbt_process._STATE == {"settings": None, "process": None}

    # A planted row: the same failure, each check named and counted, as in-process.
    with duckdb.connect(str(wh / "news.duckdb")) as con:
        con.execute("update mentions set end_char = start_char where mention_id = 'm03'")
    _started(settings, monkeypatch)
    with pytest.raises(ModelsFailed) as caught:
        run_models(settings, log_level="none", select=["stg_mentions"])
    assert str(caught.value).startswith(
        "dbt build failed: 1 node(s) failed: test stg_mentions_checks on stg_mentions: "
        "2 failing rows (stg_mentions_span_is_ordered: 1; stg_mentions_text_matches_body: 1)"
    )
    assert [(f["name"], f["checks"]) for f in caught.value.failures] == [
        (
            "stg_mentions_checks",
            (("stg_mentions_span_is_ordered", 1), ("stg_mentions_text_matches_body", 1)),
        )
    ]
    duckdb.connect(str(wh / "news.duckdb")).close()  # the file is free again


def test_a_process_gone_before_the_build_means_an_in_process_build(
    models_warehouse, tmp_path, monkeypatch
):
    settings = load_settings(copy_warehouse(models_warehouse["wh"], tmp_path / "wh"))
    other = load_settings(tmp_path / "other")
    # started for another warehouse: not used, ended
    proc = _started(other, monkeypatch)
    assert dbt_process.take(settings) is None
    assert proc.proc.poll() is not None
    # ended before the build was handed over
    proc = _started(settings, monkeypatch)
    proc.proc.kill()
    proc.proc.wait()
    summary = run_models(settings, log_level="none", select=["stg_runs"])
    assert summary["success"] and summary["models"] == 1
    # a run that ends without building ends its process; one whose process has dbt, or of a
    # DuckLake, starts none
    proc = _started(settings, monkeypatch)
    dbt_process.discard()
    assert proc.proc.poll() is not None
    monkeypatch.setattr(dbt_process, "_dbt_imported", lambda: True)
    dbt_process.arm(settings)
    dbt_process.prestart()
    assert dbt_process._STATE == {"settings": None, "process": None}


def test_a_batchs_prefetch_starts_the_armed_build_process_before_the_workers(tmp_path, monkeypatch):
    """flows/batches.py _prefetch: the build process first — a first run's first prefetch
    waits there for the workers' fork server, and dbt's imports use that wait — and only for a
    batch with articles to parse."""
    from types import SimpleNamespace

    from flows import batches
    from tests.flows.test_planning import article

    calls: list[str] = []
    monkeypatch.setattr(dbt_process, "prestart", lambda: calls.append("dbt"))

    class Workers:
        def prefetch(self, inputs, model):
            calls.append(f"workers: {len(inputs)}")

    run = SimpleNamespace(settings=load_settings(str(tmp_path / "wh")))
    batches._prefetch(run, Workers(), [])
    assert calls == []
    batches._prefetch(run, Workers(), [article("a1", "u1", "s1"), article("a2", "u2", "s2")])
    assert calls == ["dbt", "workers: 2"]
