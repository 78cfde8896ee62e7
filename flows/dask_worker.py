"""What runs on a Dask worker for ``--runner dask`` (imported only with that runner)."""

from __future__ import annotations

from distributed import WorkerPlugin


class WarmModel(WorkerPlugin):
    """Load the spaCy model when a worker starts: once per worker process (the pipeline is
    cached for the life of the process by ``transforms.nlp.get_pipeline``)."""

    name = "newsetl-warm-model"

    def __init__(self, model: str):
        self.model = model

    def setup(self, worker) -> None:
        from transforms.nlp import get_pipeline

        get_pipeline(self.model)
