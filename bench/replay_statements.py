"""A scheduled build's SQL, statement by statement, by CPU: what each node's statements cost.

    nice .venv/bin/python bench/replay_statements.py SNAPSHOT --work /tmp/x --log DBT_LOG \
        [--top 30] [--dump DIR]      # run with the tree that built on PYTHONPATH

DBT_LOG is the ``dbt.log`` of a build with dbt's file log at debug level and one thread (a
copy of the tree with ``threads: 1`` in ``sql/profiles.yml`` and ``"--log-level-file",
"debug"`` in ``flows/models.py``, replayed by ``bench/replay_build.py … --keep``): every
statement dbt sent, in order. They are run again, in that order, in one DuckDB connection on
a fresh copy of SNAPSHOT (the warehouse before that build, its ``_meta`` set as
``flows.models.run_models`` sets it), and each one's CPU seconds (``time.process_time``: this
process's threads, whatever the machine's load) are summed per node. Walls of a shared machine
move 2-3x from run to run; these move by a few hundredths of a second. ``--dump DIR`` writes
each statement to a file named by its order, CPU seconds and node (for ``EXPLAIN ANALYZE``).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import re
import shutil
import sys
import time
from pathlib import Path

_PREFIX = re.compile(r"^\d\d:\d\d:\d\d\.\d+ +\[\w+ *\] \[[^\]]*\]: ")
_ON = re.compile(r"On ([\w.]+): (.*)$")


def statements(log: Path) -> list[tuple[str, str]]:
    """(node, SQL) of every statement of the log's last dbt invocation, in order."""
    lines = log.read_text(errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if "Running with dbt=" in line]
    out: list[tuple[str, str]] = []
    current: tuple[str, list[str]] | None = None
    for line in lines[starts[-1] if starts else 0 :]:
        prefix = _PREFIX.match(line)
        if not prefix:
            if current is not None:
                current[1].append(line)
            continue
        body = line[prefix.end() :]
        if current is not None and body.startswith("SQL status"):
            out.append((current[0], "\n".join(current[1])))
            current = None
        elif (on := _ON.match(body)) and "SQL status" not in body:
            current = (on.group(1), [on.group(2)])
    return out


def node_name(node: str) -> str:
    """model.newsetl.fct_events -> fct_events; test.newsetl.fct_events_checks.8fc3 -> …_checks."""
    parts = node.split(".")
    return parts[2] if len(parts) > 3 else parts[-1]


def run(con, sql: str) -> str | None:
    """Run one statement as dbt's connections did (their BEGIN/COMMIT interleave: a BEGIN
    inside a transaction commits it first; an aborted one is rolled back). None or the error."""
    for attempt in range(2):
        try:
            con.execute(sql)
            with contextlib.suppress(Exception):  # a statement without a result
                con.fetchall()
            return None
        except Exception as exc:  # reported, the replay goes on
            message = str(exc)
            if attempt == 0 and "within a transaction" in message:
                con.execute("COMMIT")
                continue
            if attempt == 0 and "aborted" in message:
                con.execute("ROLLBACK")
                continue
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            return message
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True, help="dbt.log (debug, 1 thread)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", type=Path, help="write each statement to a file here")
    args = parser.parse_args(argv)

    import duckdb

    from flows import changes, models
    from flows.settings import Settings

    todo = statements(args.log)
    wh = args.work / "wh"
    shutil.rmtree(wh, ignore_errors=True)
    shutil.copytree(args.snapshot, wh)
    previous = json.loads(models.state_path(Settings(warehouse_dir=wh)).read_text())
    con = duckdb.connect(str(wh / "news.duckdb"))
    models._set_changes_since(  # as run_models does before an incremental build
        con, previous["change_seq"], changes.rows_after(con, previous.get("tails"))
    )
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    per_node: collections.Counter[str] = collections.Counter()
    timed = []
    for i, (node, sql) in enumerate(todo, 1):
        started = time.process_time()
        error = run(con, sql)
        cpu = time.process_time() - started
        name = node_name(node)
        if error:
            print(f"error in {name}: {error[:200]}")
        per_node[name] += cpu
        text = " ".join(re.sub(r"/\*.*?\*/", "", sql, flags=re.S).split())
        timed.append((cpu, name, text[:160]))
        if args.dump:
            (args.dump / f"{i:03d}-{cpu:.2f}-{name[:60]}.sql").write_text(sql)
    con.close()
    print(f"{len(todo)} statements, {sum(per_node.values()):.2f} CPU-s")
    for name, cpu in per_node.most_common(args.top):
        print(f"{cpu:7.2f} {name}")
    print("--- the costliest statements")
    for cpu, name, text in sorted(timed, reverse=True)[: args.top]:
        print(f"{cpu:7.2f} {name}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
