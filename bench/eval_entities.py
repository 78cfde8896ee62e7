"""The labels users see first: the entities with the most articles, checked against a list.

    .venv/bin/newsetl run ../shared/corpus/wikinews/articles --warehouse /tmp/wn --no-models
    .venv/bin/newsetl models --warehouse /tmp/wn
    .venv/bin/python bench/eval_entities.py /tmp/wn --gold bench/gold/entities_wikinews.tsv

Reads ``marts.dim_entities`` of a built warehouse (read-only), ranks the entities by
``article_count`` (then ``mention_count``, then name) and looks each of the top ``--top`` (100)
up in a checked list (``bench/gold/entities_*.tsv``: name, the right OntoNotes label or labels,
or ``-`` for a non-entity such as a time zone, a fragment, a table heading or a by-line tag).
Names compare case-, accent- and whitespace-blind. Prints the share of the top entities that
carry a right label, the non-entities among them, the wrong labels, and the names the list
does not have yet (``unchecked``: extend the list, never guess). ``--show`` lists every row.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goldset import fold

NON_ENTITY = "-"


@dataclass(frozen=True)
class Verdict:
    rank: int
    name: str
    label: str
    articles: int
    gold: str | None  # the gold label(s), "-", or None (unchecked)

    @property
    def status(self) -> str:
        if self.gold is None:
            return "unchecked"
        if self.gold == NON_ENTITY:
            return "non-entity"
        return "right" if self.label in self.gold.split("|") else "wrong"


def key(name: str) -> str:
    return " ".join(fold(name).split())


def load_gold(path: Path) -> dict[str, str]:
    """name key -> label(s) or "-", from a TSV with a ``name label note`` header (``#`` lines
    are comments)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        gold: dict[str, str] = {}
        for row in rows:
            k = key(row["name"])
            if k in gold:
                raise SystemExit(f"eval_entities: error: {row['name']!r} twice in {path}")
            gold[k] = row["label"].strip()
    return gold


def top_entities(warehouse: Path, n: int) -> list[tuple[str, str, int]]:
    import duckdb

    db = warehouse / "news.duckdb"
    if not db.exists():
        raise SystemExit(f"eval_entities: error: no warehouse at {db}")
    with duckdb.connect(str(db), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'dim_entities'"
        ).fetchone()[0]
        if not exists:
            raise SystemExit(
                f"eval_entities: error: {db} has no marts.dim_entities "
                f"(run `newsetl models --warehouse {warehouse}` first)"
            )
        return con.execute(
            "select canonical_name, entity_label, article_count from marts.dim_entities "
            "order by article_count desc, mention_count desc, canonical_name limit ?",
            [n],
        ).fetchall()


def judge(rows: list[tuple[str, str, int]], gold: dict[str, str]) -> list[Verdict]:
    return [
        Verdict(rank, name, label, articles, gold.get(key(name)))
        for rank, (name, label, articles) in enumerate(rows, start=1)
    ]


def summary(verdicts: list[Verdict]) -> dict[str, float | int]:
    n = len(verdicts)
    count = {s: sum(v.status == s for v in verdicts) for s in ("right", "wrong", "non-entity")}
    count["unchecked"] = n - sum(count.values())
    return {"top": n, **count, "right_share": count["right"] / n if n else float("nan")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("warehouse", type=Path, help="a warehouse directory with the marts built")
    ap.add_argument("--gold", type=Path, required=True, help="bench/gold/entities_*.tsv")
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--show", action="store_true", help="list every entity with its verdict")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)

    verdicts = judge(top_entities(args.warehouse, args.top), load_gold(args.gold))
    s = summary(verdicts)
    print(
        f"top {s['top']} entities by articles: {s['right']} right label "
        f"({s['right_share']:.1%}), {s['wrong']} wrong label, {s['non-entity']} non-entities, "
        f"{s['unchecked']} not in {args.gold.name}"
    )
    for status in ("non-entity", "wrong", "unchecked"):
        rows = [v for v in verdicts if v.status == status]
        if rows:
            print(f"{status}:")
            for v in rows:
                want = f" (gold {v.gold})" if status == "wrong" else ""
                print(f"  {v.rank:4} {v.name!r} {v.label}{want}, {v.articles} articles")
    if args.show:
        for v in verdicts:
            print(f"{v.rank:4} {v.status:10} {v.label:12} {v.articles:6}  {v.name}")
    if args.json:
        args.json.write_text(json.dumps({**s, "rows": [v.__dict__ for v in verdicts]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
