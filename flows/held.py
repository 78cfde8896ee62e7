"""The run's read-write connection to the DuckDB file, kept open from one batch's load to the
next batch's while the NLP workers are busy (:class:`flows.batches._BatchConnection`).

Closing the file checkpoints it: DuckDB rewrites every changed table's trailing row group
(and merges the small ones appended since), about half of the loader's CPU in a first run,
growing with the warehouse (docs/performance.md). Each batch's ``COMMIT`` is durable in
DuckDB's write-ahead log, so the file need not be checkpointed after every batch: a killed
run leaves the log, which the next connection to open the file replays (a read-only one
too). A file left with its log but closed costs that replay at every open (twice a batch:
the next batch's early plan and its link; measured in session 10, no gain); kept open, it is
not replayed at all, and the next batch's early plan, link and load use the same instance.

The file is let go — closed, and so checkpointed — when the workers are idle (the last
batch: the serial tail is not lengthened), unless the next batch, as long as the last one, would
be loaded within :data:`HOLD_SECONDS` of the file's opening (``newsetl query`` and other
readers wait for the file up to their lock timeout, 30 s by default: they get in after about
that long at most), at the end of the run's batches and on any error. DuckDB also checkpoints
on its own at a commit that leaves the log over its ``checkpoint_threshold`` (16 MB by
default). Every other open of the file in the run's process while it is held (the planner's
read-only connection, the fetch state's writes) gets a cursor on the held instance
(:func:`cursor`): DuckDB refuses a second instance of one file in a process with another
configuration.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

#: A file is kept open across batches only while it is expected to be let go within this long
#: of its opening (seconds).
HOLD_SECONDS = 15.0


@dataclass
class Held:
    """A connection kept open: its closer, the connection, and when the file was opened."""

    closer: contextlib.ExitStack
    con: object
    since: float


_HELD: dict[Path, Held] = {}
_LOADED: dict[Path, float] = {}  # when the last batch's load was done (may_keep)


def cursor(db_path: Path):
    """A new connection on the held instance of ``db_path`` (``None`` when it is not held)."""
    held = _HELD.get(db_path)
    return None if held is None else held.con.cursor()


def keep(db_path: Path, held: Held) -> None:
    _HELD[db_path] = held


def take(db_path: Path) -> Held | None:
    """The held connection of ``db_path``, now the caller's to keep again or close."""
    return _HELD.pop(db_path, None)


def may_keep(db_path: Path, held: Held, now: float | None = None) -> bool:
    """Whether the file, open since ``held.since``, may stay open for the next batch: when that
    batch, as long as the time since the previous call (the last batch), would be loaded within
    ``HOLD_SECONDS`` of the opening. Not on a run's first call (no batch's length known yet)."""
    now = time.monotonic() if now is None else now
    previous, _LOADED[db_path] = _LOADED.get(db_path), now
    return previous is not None and now - held.since + (now - previous) <= HOLD_SECONDS


def let_go(db_path: Path) -> None:
    """Close the held connection of ``db_path``, if any (DuckDB checkpoints it); the next
    run's first batch starts the count afresh."""
    _LOADED.pop(db_path, None)
    held = take(db_path)
    if held is not None:
        held.closer.close()
