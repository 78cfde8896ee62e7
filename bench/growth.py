"""Growth with the warehouse: a synthetic warehouse of 1M articles, and what a run costs on it.

    nice .venv/bin/python bench/growth.py                          # 1,000,000 articles
    nice .venv/bin/python bench/growth.py --articles 100000 --keep /tmp/wh-100k
    nice .venv/bin/python bench/growth.py --seed /tmp/wn --articles 1000000

Steps, all in this run:

1. **seed**: a small real warehouse — ``--seed DIR`` (copied), else ``newsetl run data/sample``
   into a temporary folder (the real flow: spaCy, the loader, the models);
2. **synthesize**: its rows cloned in DuckDB, in the project's schema, until the warehouse holds
   ``--articles`` articles (no spaCy): clone ``k`` of an article gets new article, mention,
   quote and event ids, its own source URI, a publication date moved by ``k`` days (over ten
   years), and entity ids spread over ``--entity-groups`` groups (``Q30`` → ``Q30~17``), so
   that entities, days and months grow with the warehouse as in real news. Bodies, spans and
   labels are the seed's, so every dbt data test holds. The lake has no parts for the clones
   (``newsetl check`` would say so; runs do not read them). Then one full ``newsetl models``
   (timed: the cost of a full rebuild at that size);
3. **nothing new**: ``newsetl run SEED-SOURCES`` on it (the seed's articles, all loaded);
4. **growth**: ``--new`` (50) Reuters stories (``--source``, records after the first
   ``--skip``) run into it, and the same into an empty warehouse: ratio of the flow times and
   of the wall clocks (goal ≤ 1.5), and the stages of both (the run's log);
5. a second batch of new stories into it, after the first built its models incrementally;
6. one new story into it.

After each run into the big warehouse, the slowest nodes of its ``dbt build`` (dbt's own
``run_results.json``) are printed and kept in the ``--json`` figures.

The load average is printed at the start and the end; every run's CPU seconds beside its wall
clock. The machine is shared: repeat a figure that looks noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import REUTERS, load_average, run_cli, stage_seconds, write_records  # noqa: E402

#: Columns renamed per clone (NULL stays NULL): ids, and the entity ids spread over groups.
ID_COLUMNS = {
    "article_id",
    "duplicate_of",
    "mention_id",
    "quote_id",
    "event_id",
    "speaker_mention_id",
    "source_uri",
    "source_id",
    "content_sha256",
}
ENTITY_COLUMNS = {
    "entity_id",
    "speaker_entity_id",
    "actor_entity_id",
    "target_entity_id",
    "location_entity_id",
}
#: The near-duplicate index too: a clone's body is its seed's, so are its band hashes; without
#: them the first run on the big warehouse indexed every clone (a MinHash per article).
CLONED = ("articles", "mentions", "quotes", "events", "_near_dup_bands")


def synthesize(db: Path, articles: int, groups: int) -> dict[str, int]:
    """Clone the seed's rows in ``db`` until it holds ``articles`` articles."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        seed = con.execute("select count(*) from articles").fetchone()[0]
        clones = max(0, -(-articles // seed) - 1)  # clones of every seed article
        last = articles - seed * clones  # clone number `clones` takes only the first ones
        con.execute("create temp table k as select range + 1 as k from range(?)", [clones])
        con.execute(
            "create temp table seed_ids as select article_id, row_number() over "
            "(order by article_id) as n from articles"
        )
        for table in CLONED:
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'main' "
                    "and table_name = ? order by column_index",
                    [table],
                ).fetchall()
            ]
            exprs = []
            for c in cols:
                if c in ID_COLUMNS:
                    exprs.append(f"t.{c} || '#' || k.k as {c}")
                elif c in ENTITY_COLUMNS:
                    exprs.append(f"t.{c} || '~' || (k.k % {groups}) as {c}")
                elif c == "published_date":
                    exprs.append(
                        f"t.{c} + cast((k.k * 7) % 3650 - 1825 as integer) as {c}"
                    )  # dates spread over ten years
                elif c == "published_at":  # on its date (a data test)
                    exprs.append(
                        f"t.{c} + to_days(cast((k.k * 7) % 3650 - 1825 as integer)) as {c}"
                    )
                elif c == "url":
                    exprs.append(f"t.{c} || '#' || k.k as {c}")
                else:
                    exprs.append(f"t.{c}")
            started = time.perf_counter()
            con.execute(
                f"insert into {table} select {', '.join(exprs)} from {table} t "
                "join seed_ids s on s.article_id = t.article_id cross join k "
                "where k.k < ? or s.n <= ?",
                [clones, last],
            )
            print(f"  {table}: cloned in {time.perf_counter() - started:.1f}s", flush=True)
        con.execute("checkpoint")
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CLONED}
    finally:
        con.close()


def flow_seconds(wh: Path) -> float:
    import duckdb

    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    try:
        return con.execute("select seconds from runs order by started_at desc limit 1").fetchone()[
            0
        ]
    finally:
        con.close()


def slowest_nodes(wh: Path, n: int = 8) -> list[list]:
    """The ``n`` slowest nodes of the warehouse's last ``dbt build``: [name, seconds]."""
    path = wh / "dbt" / "target" / "run_results.json"
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    timed = sorted(results, key=lambda r: -r["execution_time"])[:n]
    return [[r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 2)] for r in timed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--entity-groups", type=int, default=1000)
    parser.add_argument("--seed", type=Path, help="a warehouse to clone (default: data/sample)")
    parser.add_argument("--seed-sources", nargs="*", help="its sources (default: data/sample)")
    parser.add_argument("--source", type=Path, default=REUTERS, help="JSONL of new stories")
    parser.add_argument("--skip", type=int, default=10_000, help="records before the new ones")
    parser.add_argument("--new", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="build the big warehouse here and keep it")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="newsetl-growth-"))
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp / "prefect"),
        "NEWSETL_PREFECT_SERVER": "background",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    cli = [sys.executable, "-m", "flows.cli"]
    figures: dict[str, object] = {"load_start": load_average()}
    print(f"load average at the start: {figures['load_start']}", flush=True)
    seed_sources = args.seed_sources or [str(ROOT / "data" / "sample")]
    try:
        big = args.keep or tmp / "big"
        if args.keep and (big / "news.duckdb").exists():
            print(f"reusing the synthetic warehouse in {big}", flush=True)
        else:
            if args.seed:
                shutil.copytree(args.seed, big, ignore=shutil.ignore_patterns("dbt", "lake"))
            else:
                wall, _, out, cpu = run_cli(
                    [*cli, "run", *seed_sources, "--warehouse", str(big)], env
                )
                print(f"seed: {wall:.1f}s wall (the background server's start included)")
            started = time.perf_counter()
            counts = synthesize(big / "news.duckdb", args.articles, args.entity_groups)
            figures["synthesize_s"] = round(time.perf_counter() - started, 1)
            figures["rows"] = counts
            print(f"synthesized in {figures['synthesize_s']}s: {counts}", flush=True)
        size = (big / "news.duckdb").stat().st_size
        print(f"news.duckdb: {size / 1e9:.2f} GB", flush=True)

        wall, _, out, cpu = run_cli([*cli, "models", "--warehouse", str(big)], env)
        figures["full_models_wall_s"] = round(wall, 1)
        print(f"full `newsetl models` at this size: {wall:.1f}s wall, {cpu:.1f}s CPU", flush=True)

        wall, _, out, cpu = run_cli([*cli, "run", *seed_sources, "--warehouse", str(big)], env)
        figures["nothing_new_wall_s"] = round(wall, 1)
        figures["nothing_new_cpu_s"] = round(cpu, 1)
        print(f"nothing new: {wall:.1f}s wall, {cpu:.1f}s CPU (goal <= 5 s wall)", flush=True)

        lines = args.source.read_bytes().splitlines(keepends=True)
        batches = []
        for i in range(3):
            chunk = lines[args.skip + i * args.new : args.skip + (i + 1) * args.new]
            batches.append(write_records(chunk, tmp / f"new{i}.jsonl"))
        one = write_records(lines[args.skip + 2 * args.new :][:1], tmp / "one.jsonl")
        runs = {}
        for name, wh, src in (
            ("into_big", big, batches[0]),
            ("into_empty", tmp / "empty", batches[0]),
            ("into_big_again", big, batches[1]),
            ("one_into_big", big, one),
        ):
            wall, _, out, cpu = run_cli([*cli, "-v", "run", src, "--warehouse", str(wh)], env)
            flow = flow_seconds(wh)
            runs[name] = {"wall_s": round(wall, 1), "flow_s": flow, "cpu_s": round(cpu, 1)}
            runs[name]["stages"] = stage_seconds(out)
            print(f"{name}: flow {flow:.1f}s, wall {wall:.1f}s, CPU {cpu:.1f}s")
            print(f"  stages: {runs[name]['stages']}", flush=True)
            if wh == big:
                runs[name]["slowest_nodes"] = slowest_nodes(wh)
                print(f"  slowest dbt nodes: {runs[name]['slowest_nodes']}", flush=True)
        figures["runs"] = runs
        for name in ("into_big", "into_big_again"):
            ratio = runs[name]["flow_s"] / runs["into_empty"]["flow_s"]
            wall_ratio = runs[name]["wall_s"] / runs["into_empty"]["wall_s"]
            figures[f"{name}_over_empty_flow"] = round(ratio, 2)
            print(
                f"{name} / into_empty: flow {ratio:.2f}, wall {wall_ratio:.2f} (goal <= 1.5: "
                f"{'met' if ratio <= 1.5 else 'NOT met'})"
            )
    finally:
        run_cli([*cli, "server", "stop"], env)
        figures["load_end"] = load_average()
        print(f"load average at the end: {figures['load_end']}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, default=str))
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
