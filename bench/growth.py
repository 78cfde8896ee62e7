"""Growth with the warehouse: a synthetic warehouse of 1M articles, and what a run costs on it.

    nice .venv/bin/python bench/growth.py --articles 1000000 --keep /tmp/wh-1m --setup-only
    nice .venv/bin/python bench/growth.py --articles 1000000 --keep /tmp/wh-1m   # reuses it
    nice .venv/bin/python bench/growth.py --articles 100000                      # all in one go
    nice .venv/bin/python bench/growth.py --seed /tmp/wn --seed-sources SRC --articles 100000

A set-up (seed, synthesis, full build) is long at 1M: with ``--keep DIR`` it is done once and
reused by the next runs of the bench, which take new stories further on in ``--source`` each
time (``DIR/growth-setup.json`` records how many were used). A kept warehouse this code would
reprocess (articles of an older NLP version, an older near-duplicate index) is refused with a
message, never reprocessed; its models are rebuilt in full only when the SQL project changed
since their last build (or with ``--full-models``). A stale ``--seed`` (it is small) is brought
up to date by a run of its sources before it is cloned.

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
#: Articles cloned per INSERT (each its own transaction).
CHUNK_ARTICLES = 100_000
#: The bench's record of a warehouse it set up (kept with --keep): size, timings, records used.
SETUP_FILE = "growth-setup.json"


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
            # the seed's rows apart (small), so that no INSERT reads the clones made before it
            con.execute(f"create temp table seed_{table} as select * from {table}")
            # one INSERT … SELECT per CHUNK_ARTICLES articles' clones, each its own transaction:
            # memory bounded whatever the size (one INSERT of 1M articles' 56 M mentions was
            # still running after 33 min, session 10)
            step = max(1, CHUNK_ARTICLES // seed)
            for lo in range(1, clones + 1, step):
                con.execute(
                    f"insert into {table} select {', '.join(exprs)} from seed_{table} t "
                    "join seed_ids s on s.article_id = t.article_id "
                    "join k on k.k between ? and ? where k.k < ? or s.n <= ?",
                    [lo, lo + step - 1, clones, last],
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


def stale_reason(db: Path, *, every_article_indexed: bool = False) -> str | None:
    """Why a ``newsetl run`` on this warehouse would redo its articles' work (None: it would
    not): articles of another NLP version than this code makes are reprocessed, and a missing
    or older near-duplicate index is rebuilt, a MinHash per article (flows/near_dups.py).
    ``every_article_indexed`` also checks that each article has its band hashes (a seed:
    the clones copy them)."""
    import duckdb

    from flows import near_dups
    from flows.languages import expected_version
    from flows.settings import load_settings
    from transforms import dedup
    from transforms.nlp import nlp_version

    settings = load_settings(db.parent)
    main_version = nlp_version(settings.model)
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        }
        if "articles" not in tables:
            return "it has no articles table"
        versions = con.execute(
            "select language, nlp_version, count(*) from articles group by all order by all"
        ).fetchall()
        index = None
        if "_meta" in tables:
            index = con.execute(
                "select value from _meta where key = ?", [near_dups.META_KEY]
            ).fetchone()
        unindexed = 0
        if every_article_indexed and "_near_dup_bands" in tables:
            unindexed = con.execute(
                "select count(*) from articles where article_id not in "
                "(select article_id from _near_dup_bands)"
            ).fetchone()[0]
    finally:
        con.close()
    for language, version, count in versions:
        wanted = expected_version(language, settings, main_version)
        if version != wanted:
            return (
                f"{count:,} of its articles (language {language}) carry NLP version {version}, "
                f"this code makes {wanted}"
            )
    if "_near_dup_bands" not in tables:
        return "it has no near-duplicate index (_near_dup_bands)"
    if index is None or index[0] != dedup.INDEX_VERSION:
        found = index[0] if index else "none"
        return f"its near-duplicate index is {found}, this code's is {dedup.INDEX_VERSION}"
    if unindexed:
        return f"{unindexed:,} of its articles have no near-duplicate band hashes"
    return None


def prepare_seed(args, big: Path, cli: list[str], env: dict, seed_sources: list[str]) -> float:
    """The seed warehouse in ``big``: ``--seed`` copied (and brought up to date by a run of its
    sources when this code would reprocess it: it is small), else a run of the seed sources.
    Returns the seconds it took."""
    started = time.perf_counter()
    if args.seed:
        shutil.copytree(args.seed, big, ignore=shutil.ignore_patterns("dbt", "lake"))
        reason = stale_reason(big / "news.duckdb", every_article_indexed=True)
        if reason:
            print(f"seed {args.seed} is stale ({reason}): running its sources on a copy")
            run_cli([*cli, "run", *seed_sources, "--warehouse", str(big)], env)
    else:
        run_cli([*cli, "run", *seed_sources, "--warehouse", str(big)], env)
    reason = stale_reason(big / "news.duckdb", every_article_indexed=True)
    if reason:
        raise SystemExit(f"the seed is still stale after a run of {seed_sources}: {reason}")
    return time.perf_counter() - started


def set_up(args, big: Path, cli: list[str], env: dict, seed_sources: list[str]) -> dict:
    """The synthetic warehouse in ``big``: a reused one (refused if stale or of another size),
    else seed + synthesis; then a full ``newsetl models`` unless its last passing build was of
    this SQL project. Writes and returns its record (``SETUP_FILE``)."""
    from flows.models import STATE_FILE, project_digest

    record_path = big / SETUP_FILE
    if (big / "news.duckdb").exists():
        try:
            record = json.loads(record_path.read_text())
        except (OSError, ValueError):
            raise SystemExit(
                f"{big} holds a warehouse this bench did not set up (no {SETUP_FILE}): "
                "remove it or pass another --keep"
            ) from None
        if record.get("articles") != args.articles or record.get("groups") != args.entity_groups:
            raise SystemExit(
                f"{big} was set up with {record.get('articles')} articles and "
                f"{record.get('groups')} entity groups, not {args.articles} and "
                f"{args.entity_groups}: remove it or pass another --keep"
            )
        reason = stale_reason(big / "news.duckdb")
        if reason:
            raise SystemExit(
                f"the synthetic warehouse in {big} is stale: {reason}, so a run would reprocess "
                f"all {args.articles:,} articles. Remove it (rm -r {big}) to set it up again "
                f"(synthesis took {record.get('synthesize_s')} s last time)."
            )
        print(f"reusing the synthetic warehouse in {big} (set up {record.get('set_up_at')})")
        if record.get("seed_sources") and not args.seed_sources:
            # the seed's articles were loaded from these paths: others are other articles
            seed_sources[:] = record["seed_sources"]
    else:
        record = {"articles": args.articles, "groups": args.entity_groups, "records_used": 0}
        record["seed_sources"] = [str(Path(s).resolve()) for s in seed_sources]
        record["seed_s"] = round(prepare_seed(args, big, cli, env, seed_sources), 1)
        print(f"seed: {record['seed_s']} s", flush=True)
        started = time.perf_counter()
        record["rows"] = synthesize(big / "news.duckdb", args.articles, args.entity_groups)
        (big / "dbt" / STATE_FILE).unlink(missing_ok=True)  # the seed's build: not the clones'
        record["synthesize_s"] = round(time.perf_counter() - started, 1)
        record["set_up_at"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        print(f"synthesized in {record['synthesize_s']} s: {record['rows']}", flush=True)
        record_path.write_text(json.dumps(record, indent=2))
    size = (big / "news.duckdb").stat().st_size
    print(f"news.duckdb: {size / 1e9:.2f} GB", flush=True)
    try:
        built = json.loads((big / "dbt" / STATE_FILE).read_text()).get("project")
    except (OSError, ValueError):
        built = None
    if args.full_models or built != project_digest():
        wall, _, _, cpu = run_cli([*cli, "models", "--warehouse", str(big)], env)
        record["full_models"] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}
        print(f"full `newsetl models` at this size: {wall:.1f}s wall, {cpu:.1f}s CPU", flush=True)
    else:
        print("its models were last built by this SQL project: no full build (--full-models)")
    record_path.write_text(json.dumps(record, indent=2))
    return record


def new_batches(args, big: Path, record: dict, tmp: Path) -> tuple[list[str], str]:
    """Three batches of ``--new`` stories and one story, from records no earlier run of this
    bench loaded into the kept warehouse (each run moves past the ones it used)."""
    skip = args.skip + record.get("records_used", 0)
    lines = args.source.read_bytes().splitlines(keepends=True)
    if skip + 3 * args.new + 1 > len(lines):
        raise SystemExit(f"{args.source} has too few records after the first {skip}")
    batches = [
        write_records(lines[skip + i * args.new : skip + (i + 1) * args.new], tmp / f"new{i}.jsonl")
        for i in range(3)
    ]
    one = write_records(lines[skip + 2 * args.new :][:1], tmp / "one.jsonl")
    record["records_used"] = record.get("records_used", 0) + 2 * args.new + 1
    (big / SETUP_FILE).write_text(json.dumps(record, indent=2))
    print(f"new stories: records {skip}..{skip + 2 * args.new} of {args.source}", flush=True)
    return batches, one


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
    parser.add_argument(
        "--setup-only", action="store_true", help="set up the big warehouse (--keep) and stop"
    )
    parser.add_argument(
        "--full-models", action="store_true", help="time a full build of a reused warehouse"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.seed and not args.seed_sources:
        parser.error("--seed needs --seed-sources (its sources: the nothing-new run reads them)")
    if args.setup_only and not args.keep:
        parser.error("--setup-only needs --keep")

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
    # the seed's sources (a reused warehouse's: those it recorded, see set_up)
    seed_sources = args.seed_sources or [str(ROOT / "data" / "sample")]
    try:
        big = args.keep or tmp / "big"
        started = time.perf_counter()
        figures["setup"] = set_up(args, big, cli, env, seed_sources)
        figures["setup_wall_s"] = round(time.perf_counter() - started, 1)
        print(f"set-up: {figures['setup_wall_s']} s", flush=True)
        if args.setup_only:
            return 0
        batches, one = new_batches(args, big, figures["setup"], tmp)

        wall, _, out, cpu = run_cli([*cli, "run", *seed_sources, "--warehouse", str(big)], env)
        figures["nothing_new_wall_s"] = round(wall, 1)
        figures["nothing_new_cpu_s"] = round(cpu, 1)
        print(f"nothing new: {wall:.1f}s wall, {cpu:.1f}s CPU (goal <= 5 s wall)", flush=True)

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
            cpu_ratio = runs[name]["cpu_s"] / runs["into_empty"]["cpu_s"]
            figures[f"{name}_over_empty_flow"] = round(ratio, 2)
            print(
                f"{name} / into_empty: flow {ratio:.2f}, wall {wall_ratio:.2f}, CPU "
                f"{cpu_ratio:.2f} (goal <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})"
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
