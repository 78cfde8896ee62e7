"""Settings are resolved once, from one mapping of environment variables and the flags given."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import build_parser, settings_of
from flows.settings import DEFAULT_MODEL, SettingsError, load_settings
from tests.conftest import ROOT


def test_settings_come_from_the_environment_given_then_the_options():
    env = {
        "NEWSETL_WAREHOUSE": "/data/wh",
        "NEWSETL_MODEL": "en_core_web_trf",
        "NEWSETL_N_PROCESS": "3",
        "NEWSETL_BATCH_SIZE": "64",
        "NEWSETL_LOCK_TIMEOUT": "2.5",
    }
    s = load_settings(env=env)
    assert (s.warehouse_dir, s.model, s.n_process, s.batch_size, s.lock_timeout) == (
        Path("/data/wh"),
        "en_core_web_trf",
        3,
        64,
        2.5,
    )
    assert (s.db_path, s.lake_dir, s.lock_path, s.report_path) == (
        Path("/data/wh/news.duckdb"),
        Path("/data/wh/lake"),
        Path("/data/wh/.newsetl.lock"),
        Path("/data/wh/report.html"),
    )
    assert s.dbt_dir == Path("/data/wh/dbt")
    # An option given wins; an option not given (None) keeps the environment's value.
    o = load_settings("/other", env=env, batch_size=8, n_process=None)
    assert (o.warehouse_dir, o.batch_size, o.n_process) == (Path("/other"), 8, 3)


def test_defaults_without_any_variable():
    s = load_settings(env={})
    # the checkout's warehouse/, wherever the command runs from
    assert (s.warehouse_dir, s.model, s.batch_size, s.lock_timeout) == (
        ROOT / "warehouse",
        DEFAULT_MODEL,
        256,
        30.0,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSETL_BATCH_SIZE": "ten"}, "NEWSETL_BATCH_SIZE must be a whole number, got 'ten'"),
        ({"NEWSETL_BATCH_SIZE": "0"}, "batch size (NEWSETL_BATCH_SIZE, --batch-size) must be"),
        ({"NEWSETL_LOCK_TIMEOUT": "inf"}, "NEWSETL_LOCK_TIMEOUT must be a finite number"),
    ],
)
def test_a_bad_variable_is_named(env, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env=env)


def test_the_cli_reads_the_environment_only_through_load_settings(monkeypatch):
    monkeypatch.setenv("NEWSETL_WAREHOUSE", "/from/env")
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "32")
    args = build_parser().parse_args(["run", "--n-process", "2"])
    assert args.warehouse is None  # no default read by the parser itself
    s = settings_of(args)
    assert (s.warehouse_dir, s.batch_size, s.n_process) == (Path("/from/env"), 32, 2)
    args = build_parser().parse_args(["query", "select 1", "--warehouse", "/flag"])
    assert settings_of(args).warehouse_dir == Path("/flag")


def test_the_flow_takes_settings_or_options_not_both():
    from flows.etl import news_etl

    with pytest.raises(ValueError, match="either settings or the options"):
        news_etl.fn(settings=load_settings(env={}), batch_size=3)
