"""Prefect's walk of a batch's task parameters, plain and in ``quote`` (flows/batches.py).

    .venv/bin/python bench/task_params.py [--repeat 10]

Parses the first 256 Reuters records (a batch) and times, in CPU seconds, what Prefect does
to a task's parameters before the task runs (``collect_task_run_inputs_sync`` for the run's
inputs, ``resolve_inputs_sync`` for futures) for ``transform_batch``'s (the articles, the
settings) and ``load_warehouse``'s (the incoming keys, 32 band hashes an article, the
settings), then for the same collections wrapped in ``quote``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from prefect.utilities.annotations import quote  # noqa: E402
from prefect.utilities.engine import (  # noqa: E402
    collect_task_run_inputs_sync,
    resolve_inputs_sync,
)
from throughput import REUTERS  # noqa: E402

from flows.settings import load_settings  # noqa: E402
from flows.tasks import parse_items  # noqa: E402
from transforms.parse import SourceItem  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    with open(REUTERS, "rb") as fh:
        lines = list(itertools.islice(fh, 256))
    items = [SourceItem(str(REUTERS), "jsonl", x, position=f"L{i}") for i, x in enumerate(lines)]
    articles, _ = parse_items.fn(items, dt.date(2026, 12, 6), 10**6)
    with tempfile.TemporaryDirectory(prefix="newsetl-task-params-") as tmp:
        settings = load_settings(Path(tmp))
    keys = [(a.article_id, a.source_uri) for a in articles]
    bands = {a.article_id: tuple(range(32)) for a in articles}
    cases = {
        "transform_batch": {"articles": articles, "settings": settings},
        "load_warehouse": {"incoming": keys, "fingerprints": bands, "settings": settings},
        "transform_batch, quoted": {"articles": quote(articles), "settings": settings},
        "load_warehouse, quoted": {
            "incoming": quote(keys),
            "fingerprints": quote(bands),
            "settings": settings,
        },
    }
    for label, params in cases.items():
        c0 = time.process_time()
        for _ in range(args.repeat):
            collect_task_run_inputs_sync(params)
            resolve_inputs_sync(params)
        ms = (time.process_time() - c0) / args.repeat * 1000
        print(f"{label:<26} {len(articles)} articles: {ms:6.1f} ms of CPU a call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
