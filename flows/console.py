"""What the CLI prints while and after it works: the progress bar, the run summary, the
"nothing loaded" message, and Prefect's console kept to the CLI's one-line errors."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


def supported_formats() -> str:
    """The input formats, as the "nothing loaded" error lists them."""
    from flows.sources import FEED_EXTS, HTML_EXTS, JSON_EXTS, JSONL_EXTS, TEXT_EXTS

    def exts(group: set[str]) -> str:
        return "/".join(sorted(group))

    return (
        f"{exts(TEXT_EXTS)} (one article), {exts(JSON_EXTS)} (a record or a list), "
        f"{exts(JSONL_EXTS)} (a record per line), {exts(HTML_EXTS)} (a web page), "
        f"{exts(FEED_EXTS)} (a feed or a feed list), and URLs (feeds, pages, s3://…)"
    )


def nothing_loaded_message(sources: list[str], summary: dict) -> str:
    """Why a run loaded nothing, with the supported formats."""
    reasons = summary.get("reject_reasons", {})
    named = ", ".join(sources)
    if not summary["records_seen"]:
        what = f"no input file in {named}"
    elif set(reasons) == {"unsupported_type"}:
        what = (
            f"no supported file in {named} ({reasons['unsupported_type']:,} file(s) of "
            "other types rejected as unsupported_type)"
        )
    else:
        counts = ", ".join(
            f"{n:,} {r}" for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
        )
        what = (
            f"every input in {named} was rejected ({counts}; "
            '`newsetl query "select * from rejects"` says why)'
        )
    return f"nothing loaded: {what}; supported formats: {supported_formats()}"


class _NoErrorRecords:
    """A logging filter: Prefect's failure records (tracebacks) stay off the terminal."""

    def filter(self, record) -> bool:
        return record.levelno < 40 and not record.exc_info


def quiet_prefect_console() -> None:
    """Keep Prefect's error logs and tracebacks off stderr: the CLI prints the one line, and
    the full record still goes to the Prefect API (UI) and to the run ledger (``runs.error``)."""
    import logging

    import prefect  # noqa: F401  (configures Prefect's logging)

    names = ["", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.engine"]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if (
                isinstance(handler, logging.StreamHandler)
                and not isinstance(handler, logging.FileHandler)
                and not any(isinstance(f, _NoErrorRecords) for f in handler.filters)
            ):
                handler.addFilter(_NoErrorRecords())


@contextlib.contextmanager
def progress_bar(enabled: bool):
    """A progress bar on stderr for long runs (source files done / total); yields the hook the
    flow calls after every batch (None when disabled)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("files", total=None)

        def hook(done: int, total: int, counts) -> None:
            bar.update(
                task,
                completed=done,
                total=total,
                description=f"files ({counts.articles_new} new, {counts.rejected} rejected)",
            )

        yield hook


def format_summary(summary: dict) -> str:
    """The run's figures, labels aligned left and numbers right, one column for all."""
    rows: list[tuple[str, int]] = [
        ("records seen", summary["records_seen"]),
        ("new", summary["articles_new"]),
        ("changed", summary["articles_changed"]),
        ("unchanged", summary["articles_unchanged"]),
        ("reprocessed", summary["articles_reprocessed"]),
        ("rejected", summary["rejected"]),
    ]
    rows += [(f"  {reason}", n) for reason, n in sorted(summary.get("reject_reasons", {}).items())]
    rows += [
        (label, summary[key])
        for key, label in (
            ("near_duplicates", "reprints"),
            ("nlp_skipped_language", "other language"),
        )
        if summary.get(key)
    ]
    # rows written per table of the registry (flows.ledger.Counts.written), when any
    rows += [(f"{t} written", n) for t, n in summary.get("written", {}).items() if n]
    label = max(len(name) for name, _ in rows)
    number = max(len(f"{n:,}") for _, n in rows)
    lines = [f"run {summary['run_id']} → {summary['warehouse']} in {summary['seconds']:.1f}s"]
    lines += [f"  {name:<{label}}  {n:>{number},}" for name, n in rows]
    web = [
        ("fetched", "fetched"),
        ("not_modified", "not modified"),
        ("robots_skipped", "robots.txt"),
        ("fetch_failed", "fetch failed"),
    ]
    if any(summary.get(k) for k, _ in web):
        lines.append("  web: " + ", ".join(f"{label} {summary.get(k, 0):,}" for k, label in web))
    if summary.get("models"):
        from flows.models import format_summary as models_summary

        lines.append("  " + models_summary(summary["models"]))
    return "\n".join(lines)


def server_started_message(url: str) -> str:
    """The run's last line when it started the background Prefect server: it runs on after
    the run, for the next runs, until stopped."""
    return (
        f"  Prefect server started in the background (UI: {url.removesuffix('/api')}); "
        "later runs reuse it; `newsetl server stop` stops it"
    )


def serve_banner(name: str, url: str, schedule: dict) -> str:
    """What `serve` prints: the schedule, and commands that work from any shell (the
    environment's own `prefect`, which need not be on the PATH)."""
    prefect_bin = Path(sys.executable).with_name("prefect")
    when = (
        f'cron "{schedule["cron"]}"' if "cron" in schedule else f"every {schedule['interval']:g}s"
    )
    return (
        f"serving deployment news_etl/{name} on {url} ({when}); Ctrl-C to stop\n"
        f"run it now:  PREFECT_API_URL={url} {prefect_bin} deployment run 'news_etl/{name}'\n"
        f"runs in the UI: {url.removesuffix('/api')}/runs"
    )
