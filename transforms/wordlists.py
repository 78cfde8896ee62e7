"""Word lists kept as data: named lists of words in ``transforms/data/*.txt``.

The rules of the extractors are code; the words they apply to are data, so that a list can be
read, reviewed and extended without reading the code. A file holds named lists:

    # comments start with "#", anywhere on a line
    [future_governors]
    # Verbs whose complement happens later: "plans to visit".
    plan intend expect aim
    hope schedule

``[name]`` opens a list; its words follow, separated by spaces or line breaks, exactly as
written (no case folding). :func:`word_lists` reads a file once per process and returns
``{name: frozenset(words)}``; a name given twice or a word before any ``[name]`` is an error.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
_HEADER_RE = re.compile(r"^\[([a-z0-9_]+)\]$")


class WordListError(ValueError):
    """A malformed word-list file."""


def parse_word_lists(text: str, source: str = "<text>") -> dict[str, frozenset[str]]:
    """Parse the text of a word-list file (see the module docstring)."""
    lists: dict[str, list[str]] = {}
    current: list[str] | None = None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        header = _HEADER_RE.match(line)
        if header is not None:
            name = header.group(1)
            if name in lists:
                raise WordListError(f"{source}:{n}: list [{name}] is defined twice")
            current = lists[name] = []
            continue
        if current is None:
            raise WordListError(f"{source}:{n}: words before any [name] line")
        current.extend(line.split())
    return {name: frozenset(words) for name, words in lists.items()}


@functools.cache
def word_lists(filename: str) -> dict[str, frozenset[str]]:
    """The lists of ``transforms/data/<filename>``, read once per process."""
    path = DATA_DIR / filename
    return parse_word_lists(path.read_text(encoding="utf-8"), str(path))
