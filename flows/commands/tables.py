"""The commands that read or rebuild a warehouse's tables: ``newsetl query``, ``models``,
``report``, ``check``, ``repair`` and ``publish``."""

from __future__ import annotations

import argparse
import os
import sys

from flows.commands.options import DBT_LOG_LEVEL, settings_of, verbosity
from flows.errors import EXIT_OK, UserError


def cmd_query(args: argparse.Namespace) -> int:
    from flows.query import write_result

    write_result(settings_of(args), args.sql, args.format, args.max_width, sys.stdout)
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from flows.models import format_summary, run_models
    from flows.warehouse import WarehouseError

    level = verbosity(args)
    settings = settings_of(args)
    try:
        if settings.catalog:  # a DuckLake warehouse: built on it, in full
            from flows.ducklake_models import build_live_models

            summary = build_live_models(settings, log_level=DBT_LOG_LEVEL[level])
        else:
            summary = run_models(
                settings, select=args.select, take_lock=True, log_level=DBT_LOG_LEVEL[level]
            )
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    if level != "quiet":
        print(format_summary(summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from flows.report import write_report

    if args.output and os.path.isdir(args.output):
        raise UserError(f"--output {args.output} is a directory: give a file name")
    path = write_report(settings_of(args), args.output)
    if verbosity(args) != "quiet":
        print(f"report written to {path}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from flows.ducklake_models import command

    return command(args, settings_of(args), verbosity(args), DBT_LOG_LEVEL[verbosity(args)])


def cmd_check(args: argparse.Namespace) -> int:
    from flows.integrity import check, format_check

    settings = settings_of(args)
    report = check(settings)
    if verbosity(args) != "quiet":
        print(format_check(report, settings), flush=True)
    if not report.ok:
        raise UserError(
            f"check found {len(report.problems)} problem(s) in {settings.warehouse_dir}: "
            f"`newsetl repair --warehouse {settings.warehouse_dir}` rebuilds the damaged side"
        )
    return EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    from flows.integrity import repair

    for line in repair(settings_of(args)):
        if verbosity(args) != "quiet":
            print(line)
    return EXIT_OK
