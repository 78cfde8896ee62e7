"""What every command shares: its settings (resolved once), its verbosity, its sources checked."""

from __future__ import annotations

import argparse
import glob
import os

from flows.errors import UserError

#: The console level of Prefect's log handler, by verbosity (its records still reach the
#: Prefect API, so the UI keeps every INFO line); and dbt's console level.
PREFECT_CONSOLE_LEVEL = {"quiet": "ERROR", "default": "WARNING", "verbose": "INFO"}
DBT_LOG_LEVEL = {"quiet": "none", "default": "warn", "verbose": "info"}


def settings_of(args: argparse.Namespace):
    """The command's settings, resolved once: the environment, then the flags given."""
    from flows.settings import load_settings

    flags = ("batch_size", "n_process", "lock_timeout", "runner", "dask_address", "lake_url")
    flags += ("catalog",) if args.command == "run" else ()  # publish's --catalog is its target
    return load_settings(args.warehouse, **{f: getattr(args, f, None) for f in flags})


def verbosity(args: argparse.Namespace) -> str:
    """``quiet`` (-q), ``verbose`` (-v) or ``default``."""
    if getattr(args, "quiet", False):
        return "quiet"
    return "verbose" if getattr(args, "verbose", False) else "default"


def check_sources(sources: list[str]) -> None:
    """Fail in one line when a local source names nothing (URLs are checked by the run)."""
    for source in sources:
        if "://" in source:
            continue  # a URL: feeds, pages and object storage are checked by the run
        if not os.path.lexists(source) and not glob.glob(source, recursive=True):
            where = "" if os.path.isabs(source) else f" (looked in {os.getcwd()})"
            raise UserError(f"source not found: {source}{where}")
