"""The dbt models on a DuckLake: a live DuckLake warehouse's build, and ``newsetl publish``'s
command (publish, then ``--models``). Apart from flows/ducklake.py so that the DuckLake's
connection code, which flows/warehouse.py uses, does not depend on flows/models.py."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from flows import models
from flows.ducklake import prepare_for_dbt, publish, retryable
from flows.models import ModelsFailed, format_summary
from flows.settings import Settings


def build_live_models(settings: Settings, log_level: str = "warn") -> dict:
    """The dbt build of a run on its DuckLake warehouse, in a folder of its own (runs at the
    same time must not share dbt's target/); built again, a few times, when it lost a commit
    conflict with another run's build (both replace the same marts)."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        with tempfile.TemporaryDirectory(prefix="dbt-", dir=settings.warehouse_dir) as work:
            try:
                return build_models(settings.catalog, Path(work), log_level=log_level)
            except ModelsFailed as exc:
                if attempt == 2 or not retryable(exc):
                    raise
        time.sleep(0.5 * (1 + random.random()))
    raise AssertionError("unreachable")


def build_models(catalog: str, work_dir: Path, log_level: str = "warn") -> dict:
    """``dbt build`` of the project on the DuckLake (the ``ducklake`` target of
    sql/profiles.yml); dbt's target and logs under ``work_dir``. Raises ModelsFailed."""
    from dbt.cli.main import dbtRunner

    prepare_for_dbt(catalog)
    variables = {"ducklake_catalog": f"ducklake:{catalog}"}
    args = models.dbt_args(work_dir / "target", work_dir / "logs", log_level, variables)
    args = ["build", *args, "--target", "ducklake", "--no-use-colors"]
    args += ["--full-refresh"]  # the incremental marts follow one warehouse's _changes
    started = time.monotonic()
    try:
        res = dbtRunner().invoke(args)
    finally:
        models._close_dbt_connection()
    return models._summarize(res, time.monotonic() - started, work_dir / "target")


def command(args, settings: Settings, verbosity: str, dbt_log_level: str) -> int:
    """``newsetl publish``: publish, then (``--models``) build the models on the DuckLake."""
    counts = publish(settings, args.catalog, args.data_path, args.origin)
    if verbosity != "quiet":
        print("published: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    if args.models:
        summary = build_models(
            args.catalog, settings.warehouse_dir / "dbt-ducklake", log_level=dbt_log_level
        )
        if verbosity != "quiet":
            print(format_summary(summary))
    return 0
