"""A run's timeline: when each stage starts and ends on the wall clock, beside the NLP workers'
chunks, to find the serial seconds of a first run (before the workers' first chunk, after
their last one).

    PYTHONPATH=TREE .venv/bin/python bench/timeline.py TIMELINE.json run SOURCE --warehouse WH
    .venv/bin/python bench/first_run.py --limit 4000 --timeline DIR --tree A --tree B

Runs ``newsetl`` in this process (``flows`` from ``PYTHONPATH``: any tree) with a few of its
functions wrapped to note the time (``CLOCK_BOOTTIME``, so that the process's own start, from
``/proc/self/stat``, is on the same clock) and this process's CPU seconds: the stages
(``Run.stage``), the run's start and its ledger's close, the workers' pool and each chunk
handed to them (submitted, done), the held file let go, and the models stage's parts (the
build in dbt's process, the state's reading and fingerprints). Writes the events to TIMELINE.json
and prints a summary: the seconds before the first chunk, the workers' time with fewer chunks
in flight than workers, and what follows the last chunk. Nothing of the run is changed.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import json
import os
import resource
import sys
import time

EVENTS: list[dict] = []


def now() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def note(what: str, start: float, end: float | None = None, **extra) -> None:
    EVENTS.append({"what": what, "start": start, "end": end, "cpu": time.process_time(), **extra})


def process_start() -> float:
    with open("/proc/self/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")  # starttime: field 22, after pid, comm


def timed(owner, name: str, label: str | None = None) -> None:
    """Wrap ``owner.name`` to note each call's start and end."""
    fn = getattr(owner, name, None)
    if fn is None:
        return

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t0 = now()
        try:
            return fn(*args, **kwargs)
        finally:
            note(label or name, t0, now())

    setattr(owner, name, wrapper)


#: The modules whose functions are noted, each wrapped once imported (not imported here: the
#: run imports them when it does, Prefect's after the workers' fork server is started).
WATCHED = (
    "flows.batches",
    "flows.dbt_process",
    "flows.etl",
    "flows.held",
    "flows.ledger",
    "flows.models",
    "flows.nlp_runner",
)


class _Watcher(importlib.abc.MetaPathFinder):
    """Wraps a watched module's functions right after the module is imported."""

    def find_spec(self, name, path, target=None):
        if name not in WATCHED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            PATCHES[name](module)

        spec.loader.exec_module = exec_and_patch
        return spec


def _patch_ledger(ledger) -> None:
    stage = ledger.Run.stage

    @contextlib.contextmanager
    def stage_noted(self, name):
        t0 = now()
        with stage(self, name):
            yield
        note(f"stage {name}", t0, now(), batch=self.batch)

    ledger.Run.stage = stage_noted


def _patch_nlp_runner(nlp_runner) -> None:
    timed(nlp_runner, "start_early", "start_early")
    timed(nlp_runner.NlpRunner, "__exit__", "NlpRunner.__exit__")
    submit = nlp_runner.NlpRunner._submit

    def submit_noted(self, model, articles):
        out = submit(self, model, articles)
        t0 = now()
        for fut, chunk in out:
            row = {"what": "chunk", "start": t0, "end": None, "n": len(chunk), "cpu": None}
            row["chars"] = sum(len(a.body) for a in chunk)
            EVENTS.append(row)
            fut.add_done_callback(lambda _f, row=row: row.__setitem__("end", now()))
        return out

    nlp_runner.NlpRunner._submit = submit_noted
    start_pool = nlp_runner.NlpRunner._start_pool

    def start_pool_noted(self):
        t0 = now()
        start_pool(self)
        note("NlpRunner._start_pool", t0, now())
        for fut in self._started:
            row = {"what": "worker ready", "start": now(), "end": None, "cpu": None}
            EVENTS.append(row)
            fut.add_done_callback(lambda _f, row=row: row.__setitem__("end", now()))

    nlp_runner.NlpRunner._start_pool = start_pool_noted


def _patch_names(*names: str):
    def patch(module) -> None:
        for name in names:
            timed(module, name, f"{module.__name__.rsplit('.', 1)[1]}.{name}")

    return patch


PATCHES = {
    "flows.batches": _patch_names("second_chance", "backfill_batches", "_record_inputs"),
    "flows.dbt_process": _patch_names("arm", "prestart", "build"),
    "flows.etl": _patch_names("_start", "close_ledger", "discover_sources"),
    "flows.held": _patch_names("let_go"),
    "flows.ledger": _patch_ledger,
    "flows.models": _patch_names("fingerprint", "_read_state"),
    "flows.nlp_runner": _patch_nlp_runner,
}


def idle_seconds(chunks: list[dict], workers: int, since: float, until: float) -> float:
    """Worker-seconds with fewer chunks in flight (submitted, not done) than workers."""
    marks = sorted([(c["start"], 1) for c in chunks] + [(c["end"], -1) for c in chunks])
    idle, inflight, t = 0.0, 0, since
    for when, step in marks:
        when = min(max(when, since), until)
        idle += max(0, workers - inflight) * (when - t)
        inflight, t = inflight + step, when
    return idle + max(0, workers - inflight) * (until - t)


def summary(events: list[dict], t0: float, end: float, workers: int) -> list[str]:
    chunks = [e for e in events if e["what"] == "chunk" and e["end"]]
    ready = [e["end"] for e in events if e["what"] == "worker ready" and e["end"]]
    if not chunks:
        return ["no chunk handed to workers"]
    first_sub = min(c["start"] for c in chunks)
    last_done = max(c["end"] for c in chunks)
    flow0 = next((e["start"] for e in events if e["what"].endswith("._start")), t0)
    flow1 = max((e["end"] for e in events if e["what"].endswith("close_ledger")), default=end)
    lines = [
        f"process start 0.00; flow (ledger) {flow0 - t0:.2f} .. {flow1 - t0:.2f} "
        f"= {flow1 - flow0:.2f} s; process end {end - t0:.2f}",
        f"first chunk submitted {first_sub - t0:.2f} (flow +{first_sub - flow0:.2f}); "
        f"workers ready {', '.join(f'{r - t0:.2f}' for r in ready)}; "
        f"last chunk done {last_done - t0:.2f} (flow end -{flow1 - last_done:.2f})",
    ]
    start_work = max([first_sub, *ready])
    lines.append(
        f"serial: before the first chunk {start_work - flow0:.2f} s of flow; after the last "
        f"{flow1 - last_done:.2f} s; workers idle (fewer chunks in flight than {workers}) "
        f"{idle_seconds(chunks, workers, start_work, last_done):.2f} worker-s in between"
    )
    after = [e for e in events if e["end"] and e["end"] > last_done and e["what"] != "chunk"]
    for e in sorted(after, key=lambda e: e["start"]):
        lines.append(
            f"  after: {e['what']:<32} {max(e['start'], last_done) - t0:7.2f} .. "
            f"{e['end'] - t0:7.2f} ({e['end'] - max(e['start'], last_done):.2f} s)"
        )
    before = [e for e in events if e["end"] and e["start"] < start_work and e["what"] != "chunk"]
    for e in sorted(before, key=lambda e: e["start"]):
        lines.append(
            f"  before: {e['what']:<31} {e['start'] - t0:7.2f} .. "
            f"{min(e['end'], start_work) - t0:7.2f}"
        )
    return lines


def main(argv: list[str]) -> int:
    out, args = argv[0], argv[1:]
    t0 = process_start()
    note("python's start", t0, now())
    sys.meta_path.insert(0, _Watcher())
    from flows import cli

    note("imports flows.cli", t0, now())
    try:
        code = cli.main(args)
    except SystemExit as exc:
        code = exc.code
    end = now()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    cpu = {
        "self": me.ru_utime + me.ru_stime,
        "children": children.ru_utime + children.ru_stime,
    }
    workers = int(os.environ.get("NEWSETL_N_PROCESS", os.cpu_count() or 1))
    with open(out, "w") as fh:
        json.dump({"t0": t0, "end": end, "cpu": cpu, "events": EVENTS}, fh)
    for line in summary(EVENTS, t0, end, workers):
        print("timeline: " + line, flush=True)
    print(
        f"timeline: CPU-s the process {cpu['self']:.2f}, its children {cpu['children']:.2f}",
        flush=True,
    )
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
