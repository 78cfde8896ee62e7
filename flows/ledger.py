"""The run's state and its ledger: the counts of a run, the ``runs`` row written when it
starts and closed when it ends (also when it fails), and the Markdown summary published as a
Prefect artifact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import pyarrow as pa

from flows import interrupt, models, unique_keys, warehouse
from flows import web as webmod
from flows.errors import disk_full
from flows.settings import Settings
from transforms.parse import Reject
from transforms.schemas import lake_tables, to_table


@dataclass
class Counts:
    """What a run did; also the run ledger's figures."""

    records_seen: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    articles_reprocessed: int = 0
    rejected: int = 0
    nlp_articles: int = 0
    fetched: int = 0
    not_modified: int = 0
    robots_skipped: int = 0
    fetch_failed: int = 0
    nlp_skipped_language: int = 0
    near_duplicates: int = 0
    #: Rows written per table of the lake, in the registry's order.
    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(lake_tables(), 0))
    batches: int = 0
    parts_written: int = 0
    orphans_removed: int = 0
    parts_compacted: int = 0
    models: dict | None = None  # the dbt build's summary (flows.models.run_models)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def ledger(self) -> dict:
        """The figures of the run ledger (the ``runs`` table's columns)."""
        keep = {
            "records_seen",
            "articles_new",
            "articles_changed",
            "articles_unchanged",
            "articles_reprocessed",
            "rejected",
            "nlp_articles",
            "fetched",
            "not_modified",
            "robots_skipped",
            "fetch_failed",
            "nlp_skipped_language",
        }
        figures = {k: v for k, v in asdict(self).items() if k in keep}
        return {**figures, "rows_written": dict(self.written)}


#: Called after every batch with (entries done, entries total, counts): the CLI's progress bar.
ProgressHook = Callable[[int, int, Counts], None]


@dataclass
class Run:
    """The state of one flow run, passed to the stages."""

    settings: Settings
    run_id: str
    ingested_at: dt.datetime
    today: dt.date
    nlp_version: str
    full_refresh: bool
    counts: Counts
    logger: object
    web: webmod.WebContext | None = None
    progress: ProgressHook | None = None
    batch: int = 0
    #: The warehouse held no article when the run started (every article is then this run's).
    fresh: bool = False
    #: The loads list what they change in ``_changes`` for an incremental build: not in a
    #: warehouse no build has passed on (its next build is a full one; set by the run's start).
    track_changes: bool = True
    #: The keys the run's loads committed to the tables it found empty (set by the run's
    #: start; None: every batch's keys are checked against the whole tables).
    keys: unique_keys.RunKeys | None = None
    #: CPU seconds of the flow's process (all its threads) per stage: logged, not kept.
    stage_cpu: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage; the totals are logged and kept in the run summary."""
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = time.perf_counter() - t0
            self.stage_cpu[name] = self.stage_cpu.get(name, 0.0) + time.process_time() - c0
            self.counts.stage_seconds[name] = round(
                self.counts.stage_seconds.get(name, 0.0) + spent, 3
            )

    def reject_table(self, rejects: list[Reject]) -> pa.Table:
        return to_table(
            "rejects", [r.row(run_id=self.run_id, rejected_at=self.ingested_at) for r in rejects]
        )


def nothing_loaded(counts: dict) -> bool:
    """No input could be used (none found, or every one rejected) and no article was written
    (not even a backfill): the marts cannot have changed, and the CLI exits 3."""
    written = counts["articles_new"] + counts["articles_changed"] + counts["articles_reprocessed"]
    return counts["records_seen"] == counts["rejected"] and written == 0


def new_run_id() -> str:
    return f"r{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"


def web_counts(run: Run) -> None:
    """Copy the web context's counts into the run's."""
    c, w = run.counts, run.web.counts
    c.fetched, c.not_modified = w["fetched"], w["not_modified"]
    c.robots_skipped, c.fetch_failed = w["robots_skipped"], w["fetch_failed"]


def open_ledger(con, run: Run, flow_run_id: str | None, source_list: list[str]) -> None:
    """Write the run's ledger row (status ``running``)."""
    warehouse.start_run(
        con,
        {
            "run_id": run.run_id,
            "flow_run_id": flow_run_id,
            "started_at": run.ingested_at,
            "finished_at": None,
            "status": "running",
            "sources": source_list,
            "nlp_version": run.nlp_version,
            "full_refresh": run.full_refresh,
            **run.counts.ledger(),
            "seconds": None,
            "error": None,
        },
    )


def close_ledger(run: Run, error: BaseException | None, seconds: float) -> None:
    """Close the run ledger row (also when the run failed) and publish the summary artifact."""
    if error is None:
        status = "completed"
    elif isinstance(error, interrupt.Interrupted | KeyboardInterrupt) or interrupt.requested():
        status = "interrupted"
    else:
        status = "failed"
    message = None if error is None else f"{type(error).__name__}: {error}"[:2000]
    # A reader holding the file must not keep a failed run waiting twice: a row left
    # "running" is marked "aborted" by the next run.
    wait = min(run.settings.lock_timeout, 5.0)
    fields = {
        **run.counts.ledger(),
        "finished_at": warehouse.utcnow(),
        "status": status,
        "seconds": round(seconds, 3),
        "error": message,
    }
    if error is not None and disk_full(error):
        # Updating the MAP column rewrites the row (delete + insert under the primary key),
        # which DuckDB 1.5.5 cannot do after a write failed on a full disk: it aborts the
        # process (INTERNAL Error, duplicate key). The scalar figures are updated in place.
        del fields["rows_written"]
    with (
        contextlib.suppress(Exception),
        warehouse.connection(run.settings, read_only=False, timeout=wait) as con,
    ):
        warehouse.finish_run(con, run.run_id, fields)
    run.logger.info(
        "time per stage (s): %s",
        ", ".join(f"{k} {v:.2f}" for k, v in run.counts.stage_seconds.items()),
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.logger.info(
        "CPU per stage (s): %s; CPU (s): flow process %.2f, its finished worker processes %.2f",
        ", ".join(f"{k} {v:.2f}" for k, v in run.stage_cpu.items()),
        time.process_time(),
        children.ru_utime + children.ru_stime,
    )
    with contextlib.suppress(Exception):  # the artifact is a courtesy; never fail a run on it
        from prefect.artifacts import create_markdown_artifact

        create_markdown_artifact(
            key="news-etl-run",
            markdown=run_markdown(run, status, message, seconds),
            description=f"newsetl run {run.run_id}",
        )


def run_markdown(run: Run, status: str, error: str | None, seconds: float) -> str:
    """The run summary as Markdown (the Prefect artifact)."""
    c = run.counts
    lines = [
        f"# newsetl run `{run.run_id}` — {status}",
        "",
        f"Warehouse `{run.settings.warehouse_dir}`, NLP version `{run.nlp_version}`, "
        f"{seconds:.1f} s{', full refresh' if run.full_refresh else ''}.",
        "",
        "| articles | count |",
        "|---|---:|",
        f"| records seen | {c.records_seen} |",
        f"| new | {c.articles_new} |",
        f"| changed | {c.articles_changed} |",
        f"| unchanged | {c.articles_unchanged} |",
        f"| reprocessed | {c.articles_reprocessed} |",
        f"| rejected | {c.rejected} |",
        f"| near-duplicates linked | {c.near_duplicates} |",
        f"| not analysed (language) | {c.nlp_skipped_language} |",
        "",
        "| web | count |",
        "|---|---:|",
        f"| fetched | {c.fetched} |",
        f"| not modified (304) | {c.not_modified} |",
        f"| skipped by robots.txt | {c.robots_skipped} |",
        f"| failed | {c.fetch_failed} |",
        "",
        "| table | rows written |",
        "|---|---:|",
        *(f"| {table} | {n} |" for table, n in c.written.items()),
    ]
    if c.reject_reasons:
        lines += ["", "| reject reason | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in sorted(c.reject_reasons.items())]
    if c.models:
        lines += ["", models.format_summary(c.models)]
    if c.stage_seconds:
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in c.stage_seconds.items()]
    if error:
        lines += ["", f"**Error:** `{error}`"]
    return "\n".join(lines)
