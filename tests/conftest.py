"""Shared fixtures: paths to ../shared (tests skip without it) and one Prefect test harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_4c3023bb4e6f2f62.txt"
WIKINEWS = SHARED / "corpus" / "wikinews" / "articles"
SAMPLE = ROOT / "data" / "sample"

os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# One in-process spaCy model for the whole session; the worker pool has its own test.
os.environ.setdefault("NEWSETL_N_PROCESS", "1")


def need(path: Path) -> Path:
    """Skip the test when a ../shared input is absent (a user's clone has no ../shared)."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared data is not part of the repository)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return need(SEED)


@pytest.fixture(scope="session")
def wikinews_dir() -> Path:
    return need(WIKINEWS)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (started on first use)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def models_warehouse(tmp_path_factory):
    """A warehouse of hand-written rows (tests/warehouse_rows.py) after one real `dbt build`."""
    from flows.models import run_models
    from flows.settings import load_settings
    from tests.warehouse_rows import build_warehouse

    wh = tmp_path_factory.mktemp("models") / "wh"
    build_warehouse(wh)
    summary = run_models(load_settings(wh))
    return {"wh": wh, "db": wh / "news.duckdb", "summary": summary}
