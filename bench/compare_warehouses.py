"""Compare two warehouses table by table: row counts, ids, and every column of every row.

    .venv/bin/python bench/compare_warehouses.py /tmp/wh-before /tmp/wh-after
    .venv/bin/python bench/compare_warehouses.py A B --tables events,quotes --examples 10

A and B are warehouse folders (holding ``news.duckdb``) or database files. Both are attached
read-only in one DuckDB session. Every base table present in either (views and the internal
``_``-prefixed tables aside; ``--all`` keeps those) is compared:

* a table present on one side only is a difference;
* rows are matched by the table's primary key (a loaded table's declared key: they have
  none in DuckDB since schema version 3): keys only in A, only in B, and for the keys in
  both, each column that differs (how many rows, and ``--examples`` of them: key, A, B);
* columns that name the run rather than the data (``--ignore``, default ``run_id``,
  ``flow_run_id``, ``ingested_at``, ``rejected_at``, ``started_at``, ``finished_at``,
  ``seconds``) are left out; a table whose key is one of them (``runs``) is compared as a
  multiset of its remaining columns;
* a column present on one side only is a difference.

Prints one block per table and a last line ``identical`` or ``N table(s) differ``; exits 0 when
identical, 1 otherwise (2 on a usage error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.schemas import TABLES, key_column  # noqa: E402

DEFAULT_IGNORE = (
    "run_id",
    "flow_run_id",
    "ingested_at",
    "rejected_at",
    "started_at",
    "finished_at",
    "seconds",
)


def database_file(arg: str) -> Path:
    path = Path(arg)
    if path.is_dir():
        path = path / "news.duckdb"
    if not path.is_file():
        raise SystemExit(f"compare_warehouses: error: no warehouse database at {path}")
    return path


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Comparison:
    def __init__(self, con: duckdb.DuckDBPyConnection, ignore: set[str], examples: int):
        self.con = con
        self.ignore = ignore
        self.examples = examples

    def tables(self, db: str, include_internal: bool) -> dict[str, str]:
        """'schema.table' -> qualified name, for the base tables of an attached database."""
        rows = self.con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ?", [db]
        ).fetchall()
        return {
            f"{s}.{t}": f"{q(db)}.{q(s)}.{q(t)}"
            for s, t in rows
            if include_internal or not t.startswith("_")
        }

    def columns(self, qualified: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"describe {qualified}").fetchall()]

    def key(self, db: str, name: str) -> list[str]:
        schema, table = name.split(".", 1)
        rows = self.con.execute(
            """select constraint_column_names from duckdb_constraints()
               where database_name = ? and schema_name = ? and table_name = ?
                 and constraint_type = 'PRIMARY KEY'""",
            [db, schema, table],
        ).fetchall()
        if rows:
            return list(rows[0][0])
        # the loaded tables have no PRIMARY KEY (schema versions 2, 3): their declared key
        return [key_column(table)] if schema == "main" and table in TABLES else []

    def compare(self, name: str, a: str, b: str) -> list[str]:
        """The differences of one table (empty when identical)."""
        con = self.con
        out: list[str] = []
        cols_a, cols_b = self.columns(a), self.columns(b)
        for c in cols_a:
            if c not in cols_b:
                out.append(f"column {c} only in A")
        for c in cols_b:
            if c not in cols_a:
                out.append(f"column {c} only in B")
        cols = [c for c in cols_a if c in cols_b and c not in self.ignore]
        n_a = con.execute(f"select count(*) from {a}").fetchone()[0]
        n_b = con.execute(f"select count(*) from {b}").fetchone()[0]
        if n_a != n_b:
            out.append(f"row count {n_a} in A, {n_b} in B")
        key = self.key("a", name) or self.key("b", name)
        if not key or any(k in self.ignore or k not in cols for k in key):
            return out + self.compare_multiset(a, b, cols)
        k = ", ".join(q(c) for c in key)
        for side, x, y in (("A", a, b), ("B", b, a)):
            missing = con.execute(
                f"select {k} from {x} except select {k} from {y} order by all"
            ).fetchall()
            if missing:
                shown = ", ".join(_show(r) for r in missing[: self.examples])
                out.append(f"{len(missing)} key(s) only in {side}: {shown}")
        join = " and ".join(f"x.{q(c)} = y.{q(c)}" for c in key)
        for c in cols:
            if c in key:
                continue
            diff = con.execute(
                f"""select {", ".join("x." + q(kc) for kc in key)}, x.{q(c)}, y.{q(c)}
                    from {a} x join {b} y on {join}
                    where x.{q(c)} is distinct from y.{q(c)}
                    order by all"""
            ).fetchall()
            if diff:
                out.append(f"column {c} differs on {len(diff)} row(s):")
                for r in diff[: self.examples]:
                    out.append(f"    {_show(r[: len(key)])}: A={r[-2]!r} B={r[-1]!r}")
        return out

    def compare_multiset(self, a: str, b: str, cols: list[str]) -> list[str]:
        sel = ", ".join(q(c) for c in cols)
        out = []
        for side, x, y in (("A", a, b), ("B", b, a)):
            extra = self.con.execute(
                f"select {sel} from {x} except all select {sel} from {y}"
            ).fetchall()
            if extra:
                out.append(f"{len(extra)} row(s) only in {side} (no usable key; compared whole)")
                for r in extra[: self.examples]:
                    out.append(f"    {dict(zip(cols, r, strict=True))}")
        return out


def _show(key: tuple) -> str:
    return "/".join(str(v) for v in key)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a", help="warehouse folder or .duckdb file (A)")
    ap.add_argument("b", help="warehouse folder or .duckdb file (B)")
    ap.add_argument("--tables", help="comma-separated table names (default: every table)")
    ap.add_argument(
        "--ignore",
        default=",".join(DEFAULT_IGNORE),
        help="columns left out of the comparison (default: %(default)s)",
    )
    ap.add_argument("--examples", type=int, default=5, help="differences shown per column")
    ap.add_argument("--all", action="store_true", help="also the internal _ tables")
    args = ap.parse_args(argv)

    con = duckdb.connect()
    con.execute(f"attach '{database_file(args.a)}' as a (read_only)")
    con.execute(f"attach '{database_file(args.b)}' as b (read_only)")
    cmp = Comparison(con, {c for c in args.ignore.split(",") if c}, args.examples)
    tables_a = cmp.tables("a", args.all)
    tables_b = cmp.tables("b", args.all)
    names = sorted(set(tables_a) | set(tables_b))
    if args.tables:
        wanted = {t if "." in t else f"main.{t}" for t in args.tables.split(",")}
        names = [n for n in names if n in wanted]
        for n in sorted(wanted - set(names)):
            print(f"{n}: in neither warehouse")
    differing = 0
    for name in names:
        if name not in tables_b or name not in tables_a:
            differing += 1
            print(f"{name}: only in {'A' if name in tables_a else 'B'}")
            continue
        diffs = cmp.compare(name, tables_a[name], tables_b[name])
        rows = con.execute(f"select count(*) from {tables_a[name]}").fetchone()[0]
        if diffs:
            differing += 1
            print(f"{name}: DIFFERS")
            for d in diffs:
                print(f"  {d}")
        else:
            print(f"{name}: identical ({rows} rows)")
    print("identical" if not differing else f"{differing} table(s) differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
