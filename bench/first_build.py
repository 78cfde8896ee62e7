"""A first run's dbt build alone, code trees alternated: CPU seconds of the build stage.

    nice .venv/bin/python bench/first_build.py LOADED_WH --tree /tmp/base --tree . --repeat 2

LOADED_WH is a warehouse folder whose loaded tables a first run made and whose models no build
has made yet (``newsetl run … --no-models``; or a copy of a built one with its ``dbt/`` folder
removed and its schemas ``staging``, ``intermediate``, ``marts`` and ``reporting`` dropped).
Each round copies it afresh for each tree and times what a first run's models stage runs,
``run_models(if_changed=True)`` (a full build without the unit tests), in a fresh process
(bench/models_step.py's): its build process started ``--ahead`` seconds before the stage, as a
run starts it while it parses. A round 0 first (untimed: each tree's saved parse is made).
Prints the stage's wall clock and its CPU seconds (the process's and the build process's from
the request on), dbt's node seconds by kind, and the load average; the machine is shared:
compare the CPU seconds.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from models_step import child, restore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path, help="a loaded, never built warehouse (copied)")
    parser.add_argument("--tree", action="append", type=Path, help="a checkout (default: .)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--ahead", type=float, default=3.0, help="the build process's head start")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsetl-first-build"))
    args = parser.parse_args(argv)
    trees = [t.resolve() for t in args.tree or [Path(".")]]
    print(f"load average {os.getloadavg()}", flush=True)
    for rnd in range(args.repeat + 1):
        for k, src in enumerate(trees):
            wh = args.work / f"tree{k}" / "wh"  # one work folder per tree: its saved parse
            wh.parent.mkdir(parents=True, exist_ok=True)
            restore(args.warehouse, wh)
            row = child(src, wh, args.ahead)
            if rnd == 0:
                continue
            kinds = row["nodes"].get("kinds", {})
            print(
                f"round {rnd} {src}: stage {row['run_s']:.2f} s, {row['stage_cpu_s']:.2f} CPU-s; "
                f"nodes {kinds}",
                flush=True,
            )
    print(f"load average {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
