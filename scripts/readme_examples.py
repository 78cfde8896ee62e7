"""Write the output of README.md's example queries from a warehouse, or check that it is true.

    make run && .venv/bin/python scripts/readme_examples.py            # rewrites README.md
    .venv/bin/python scripts/readme_examples.py --check                # exit 1 when stale
    .venv/bin/python scripts/readme_examples.py --warehouse DIR

An example in README.md is a ```` ```sql ```` block followed at once by a ```` ```text ````
block: the text block is exactly what ``newsetl query "<the SQL>"`` prints (table format, its
default width) on the warehouse that ``make run`` builds from ``data/sample``.
``tests/test_readme.py`` builds that warehouse the same way and compares every block, so an
extractor change that changes the sample's output fails there until this script is run.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

README = ROOT / "README.md"
EXAMPLE_RE = re.compile(r"```sql\n(?P<sql>.*?)```\n```text\n(?P<out>.*?)```", re.DOTALL)
# `newsetl query "select …"` anywhere in the README (a command line or inline code; not the
# placeholder "SQL").
COMMAND_RE = re.compile(r'newsetl query "(?P<sql>[^"]*\s[^"]*)"')


class Example(NamedTuple):
    sql: str
    shown: str  # the output block as the README shows it


def examples(text: str) -> list[Example]:
    """The (SQL, shown output) pairs of a README."""
    return [Example(m["sql"], m["out"]) for m in EXAMPLE_RE.finditer(text)]


def commands(text: str) -> list[str]:
    """The SQL of every ``newsetl query "…"`` the README shows (with or without output)."""
    return [" ".join(m["sql"].split()) for m in COMMAND_RE.finditer(text)]


def output(warehouse: str | Path, sql: str) -> str:
    """What ``newsetl query`` prints for ``sql`` (table format), newline-terminated."""
    from flows.query import query_cursor, table_lines
    from flows.settings import load_settings

    parser_default = 60  # `newsetl query --max-width` default
    with query_cursor(load_settings(warehouse), sql) as (names, rows):
        return "".join(line + "\n" for line in table_lines(names, rows, parser_default))


def render(text: str, warehouse: str | Path) -> str:
    """The README with every example's output block replaced by the warehouse's output."""

    def fill(m: re.Match) -> str:
        return f"```sql\n{m['sql']}```\n```text\n{output(warehouse, m['sql'])}```"

    return EXAMPLE_RE.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warehouse", default=str(ROOT / "warehouse"))
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = render(text, args.warehouse)
    if new == text:
        print(f"README.md: {len(examples(text))} example outputs are current")
        return 0
    if args.check:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(True), new.splitlines(True), "README.md", "from the warehouse"
            )
        )
        return 1
    README.write_text(new, encoding="utf-8")
    print(f"README.md: example outputs rewritten from {args.warehouse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
