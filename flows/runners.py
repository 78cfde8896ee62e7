"""Where the NLP step runs: this machine's worker pool (default) or a Dask cluster.

``--runner dask`` (``NEWSETL_RUNNER=dask``) hands each batch's articles to Prefect's
``DaskTaskRunner`` (prefect-dask): the batch is split into as many chunks of similar text
length as the cluster has worker threads, and each chunk is one Prefect task run
(:func:`analyse_chunk`) on a Dask worker. Without ``--dask-address`` a temporary local cluster
of ``n_process`` single-threaded worker processes is started for the run and stopped after it;
with ``--dask-address tcp://host:8786`` the run uses that existing cluster (its workers must
have this project installed, the same version, and its model).

Each worker loads the spaCy model once: ``flows.dask_worker.WarmModel`` (a worker plugin) loads it
when the worker joins, and ``transforms.nlp.get_pipeline`` keeps it for the life of the
process, so later batches find it loaded.

**Each worker writes its own Parquet parts** (:func:`transform_chunk`): it runs the batch's
transform on its chunk (``flows.tasks.transform_batch``, the very function of the default
runner, with the NLP in the worker's process), writes the chunk's tables into the lake
(``part-<run>-<batch>.<chunk>.parquet``; a local folder every worker sees, or ``s3://…``) and
returns only a :class:`Manifest`: the parts (path, rows, SHA-256), the articles it rejected and
the rows per table. The flow checks every part of the manifests (present, and for a local lake
its checksum) and the loader commits them as it commits its own parts: the same rows and ids
as the default runner (ids are hashes of content and spans, never of the worker or the order).
A worker that dies returns no manifest: whatever it wrote is registered nowhere, and the next
run removes it as an orphan (``flows.lake.remove_orphans``); Dask reruns its chunk elsewhere,
which writes the same file names again.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import interrupt, lake
from flows.nlp_runner import BUDGET_SECONDS, NlpRunner, _merge, run_bounded, split_balanced
from flows.warehouse import WarehouseError
from transforms.batch import BatchResult, NlpInput
from transforms.parse import Article, Reject
from transforms.schemas import nlp_tables

RUNNERS = ("local", "dask")


@task(cache_policy=NO_CACHE)
def analyse_chunk(model: str, articles: list[NlpInput], budget_base: float) -> BatchResult:
    """The NLP pass over one chunk of a batch, on a Dask worker (model loaded once there)."""
    return run_bounded(model, articles, budget_base)


@dataclass
class ChunkJob:
    """What a worker needs besides its articles to transform a chunk and write its parts."""

    settings: object  # flows.settings.Settings (the lake's location, the models by language)
    run_id: str
    ingested_at: dt.datetime
    nlp_version: str
    batch: int
    budget_base: float = BUDGET_SECONDS


@dataclass
class Manifest:
    """What a worker returns for its chunk: never rows, only what it wrote."""

    parts: list[tuple[str, str, int, str]] = field(default_factory=list)  # table, path, rows, sha
    rejects: list[Reject] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    nlp_articles: int = 0


class _InWorker:
    """The NLP runner inside a worker: the pass in this process (its model loaded once)."""

    def __init__(self, model: str, budget_base: float):
        self.model, self.budget_base, self.articles_processed = model, budget_base, 0

    def __call__(self, articles: list[NlpInput], model: str | None = None) -> BatchResult:
        self.articles_processed += len(articles)
        if not articles:
            return BatchResult.empty()
        return run_bounded(model or self.model, articles, self.budget_base)


def transform_and_write(articles: list[Article], job: ChunkJob, chunk: int) -> Manifest:
    """The batch's transform on one chunk, its tables written as parts into the lake."""
    from flows.tasks import transform_batch  # the default runner's transform, unchanged

    settings = job.settings
    nlp = _InWorker(settings.model, job.budget_base)
    tables, failed = transform_batch.fn(
        articles, nlp, job.run_id, job.ingested_at, job.nlp_version, settings
    )
    failed_uris = {r.source_uri for r in failed}
    months = {
        a.article_id: lake.month_of(a.published_date)
        for a in articles
        if a.source_uri not in failed_uris
    }
    parts = lake.write_parts(
        settings.lake_dir, tables, months, run_id=job.run_id, batch=job.batch, chunk=chunk
    )
    return Manifest(
        parts=parts,
        rejects=failed,
        rows={name: data.num_rows for name, data in tables.items()},
        nlp_articles=nlp.articles_processed,
    )


@task(cache_policy=NO_CACHE)
def transform_chunk(articles: list[Article], job: ChunkJob, chunk: int) -> Manifest:
    """On a Dask worker: one chunk of a batch analysed and written into the lake."""
    return transform_and_write(articles, job, chunk)


def verify_parts(lake_base, parts: list[tuple[str, str, int, str]]) -> None:
    """Every part of the workers' manifests is in the lake (and, in a local lake, has the
    checksum the worker recorded) before the loader commits it; else one clear error."""
    for _, rel, _, digest in parts:
        path = lake_base / rel
        if not path.exists():
            raise WarehouseError(
                f"part {rel} written by a Dask worker is not in the lake at {lake_base}: the "
                "workers must reach the lake (a folder they share, or --lake-url s3://…)"
            )
        if not isinstance(path, lake.RemotePath) and lake.file_sha256(path) != digest:
            raise WarehouseError(f"part {rel} written by a Dask worker does not match its checksum")


class DaskNlpRunner:
    """Context manager with :class:`flows.nlp_runner.NlpRunner`'s interface, on Dask."""

    def __init__(
        self,
        model: str,
        n_workers: int = 2,
        budget_base: float = BUDGET_SECONDS,
        address: str | None = None,
    ):
        self.model = model
        self.n_workers = max(1, n_workers)
        self.budget_base = budget_base
        self.address = address
        self.articles_processed = 0
        self.task_runner = None

    def __enter__(self) -> DaskNlpRunner:
        return self

    def start(self) -> None:
        """Start (or connect to) the cluster: on the first batch with articles, so that a
        run with nothing new starts no cluster."""
        from prefect_dask import DaskTaskRunner

        from flows.dask_worker import WarmModel

        if self.address:
            runner = DaskTaskRunner(address=self.address)
        else:
            runner = DaskTaskRunner(
                cluster_kwargs={
                    "n_workers": self.n_workers,
                    "threads_per_worker": 1,
                    "processes": True,
                    "dashboard_address": ":0",
                    "host": "127.0.0.1",
                }
            )
        runner.__enter__()
        self.task_runner = runner
        try:
            client = runner.client
            client.register_plugin(WarmModel(self.model))
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc) -> None:
        if self.task_runner is not None:
            runner, self.task_runner = self.task_runner, None
            runner.__exit__(*exc)

    def __getstate__(self) -> dict:
        # The runner is a parameter of the transform task that calls it, and Prefect sends
        # that task's context (parameters included) with every chunk it submits: the cluster's
        # client is a handle valid only in this process and is left out.
        return {**self.__dict__, "task_runner": None}

    def slots(self) -> int:
        """Worker threads of the cluster now (an existing cluster may grow or shrink)."""
        assert self.task_runner is not None
        threads = sum(self.task_runner.client.nthreads().values())
        return max(1, threads)

    #: ``flows.batches.process`` hands whole batches to :meth:`transform` (workers write parts).
    writes_parts = True

    def transform(
        self, articles: list[Article], job: ChunkJob
    ) -> tuple[list[tuple[str, str, int, str]], list[Reject], dict[str, int]]:
        """The batch on the cluster, each chunk transformed and written into the lake by a
        worker; returns the parts (checked), the rejects and the rows per table."""
        job.budget_base = self.budget_base
        # A relative warehouse folder means nothing in a worker's process: resolved here.
        job.settings = replace(job.settings, warehouse_dir=job.settings.warehouse_dir.resolve())
        rows = dict.fromkeys(("articles", *nlp_tables()), 0)  # as the default runner counts
        if not articles:
            return [], [], rows
        if self.task_runner is None:
            self.start()
        futures = [
            self.task_runner.submit(transform_chunk, {"articles": chunk, "job": job, "chunk": i})
            for i, chunk in enumerate(split_balanced(articles, self.slots()))
        ]
        while not all(f.wrapped_future.done() for f in futures):
            interrupt.checkpoint()  # Ctrl-C: the `with` cancels the cluster's work
            time.sleep(0.2)
        manifests: list[Manifest] = [f.result(raise_on_failure=True) for f in futures]
        parts = [p for m in manifests for p in m.parts]
        verify_parts(job.settings.lake_base, parts)
        for m in manifests:
            for name, n in m.rows.items():
                rows[name] = rows.get(name, 0) + n
        self.articles_processed += sum(m.nlp_articles for m in manifests)
        return parts, [r for m in manifests for r in m.rejects], rows

    def __call__(self, articles: list[NlpInput], model: str | None = None) -> BatchResult:
        """Run the NLP pass (with ``model``, default the runner's) on the cluster."""
        model = model or self.model
        self.articles_processed += len(articles)
        merged = BatchResult.empty()
        if not articles:
            return merged
        if self.task_runner is None:
            self.start()
        futures = [
            self.task_runner.submit(
                analyse_chunk,
                {"model": model, "articles": chunk, "budget_base": self.budget_base},
            )
            for chunk in split_balanced(articles, self.slots())
        ]
        while not all(f.wrapped_future.done() for f in futures):
            interrupt.checkpoint()  # Ctrl-C: the `with` cancels the cluster's work
            time.sleep(0.2)
        for fut in futures:
            _merge(merged, fut.result(raise_on_failure=True))
        return merged


def make_runner(settings) -> NlpRunner | DaskNlpRunner:
    """The NLP runner the settings ask for (use it as a context manager)."""
    if settings.runner == "dask":
        return DaskNlpRunner(
            settings.model, settings.n_process, settings.nlp_timeout, settings.dask_address
        )
    return NlpRunner(settings.model, settings.n_process, settings.nlp_timeout)
