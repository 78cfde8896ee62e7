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
process, so later batches find it loaded. The rows come back to the flow, which writes the
Parquet parts and loads them exactly as with the default runner: the same rows and ids (ids
are hashes of content and spans, never of the worker or the order).
"""

from __future__ import annotations

import time

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import interrupt
from flows.nlp_runner import BUDGET_SECONDS, NlpRunner, _merge, run_bounded, split_balanced
from transforms.batch import BatchResult, NlpInput

RUNNERS = ("local", "dask")


@task(cache_policy=NO_CACHE)
def analyse_chunk(model: str, articles: list[NlpInput], budget_base: float) -> BatchResult:
    """The NLP pass over one chunk of a batch, on a Dask worker (model loaded once there)."""
    return run_bounded(model, articles, budget_base)


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
