"""Input files unchanged since a run settled them are not read again.

A run reads, parses and plans every record of every input file; with nothing new, that is all
it does, and it grew with the input (18,992 Reuters records: ~2 s more than 4,000). A file is
*settled* by a run when every one of its records was loaded or rejected for a reason that the
file and the warehouse's rows of this same file alone decide: then reading it again would plan
every article ``unchanged`` and find every reject recorded with the same verdict. Such a file
is remembered in ``_input_files`` with

* its fingerprint: size, mtime and ctime (ns), inode, and a hash of its first and last 64 KiB
  (the whole file when smaller);
* the settings its outcome depends on (:func:`settings_key`: NLP version, models, size caps,
  the parsing and planning code), and the day when a date was judged against today;
* the warehouse's state (:func:`warehouse_state`) when the run ended: the database file's
  identity, the loaded tables' change counters and the articles' and rejects' row counts;
* the counts a reading would add (records, rejects and their reasons), restored instead.

A later run does not read a file whose fingerprint, settings and warehouse state all match.
Why other files' loads leave such a file's outcome alone: a record's identity starts with its
file's (``<file>#…``), so another file's load touches neither its articles (a body already
loaded from this file is rejected as a duplicate, not taken over: a takeover needs the owner
read in the same batch) nor its rejects. A run that ends therefore restamps, with its final
state, the rows that matched when it started. Not remembered (read by every run): a file with a
record rejected as a duplicate of another file's article (that article may go), one whose
article failed its NLP (retried), one unreadable half-way, a file that changed while it was
read. Anything else that changes the warehouse (a repair, rows deleted by hand, a failed run's
partial loads) changes its state: every file is read again. A full refresh reads everything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pyarrow as pa

from flows import sources as src
from flows import warehouse

#: Files read whole by the local reader (feeds and URL lists fetch pages: never skipped).
KINDS = {"text", "json", "jsonl", "html"}
EDGE = 1 << 16
#: Reject reasons that say nothing final about the record (read again next time).
TRANSIENT_REASONS = {"unreadable"}
_ROOT = Path(__file__).resolve().parents[1]


def fingerprint(entry: src.Entry) -> str | None:
    """The file's identity and content check, or None when it cannot be taken (then read)."""
    path = entry.fs_path
    if entry.kind not in KINDS or "://" in path:
        return None
    try:
        with src._open_regular(path) as fh:
            st = os.fstat(fh.fileno())
            digest = hashlib.sha256()
            if st.st_size <= 2 * EDGE:
                digest.update(fh.read())
            else:
                digest.update(fh.read(EDGE))
                fh.seek(st.st_size - EDGE)
                digest.update(fh.read(EDGE))
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{digest.hexdigest()[:32]}"


@functools.cache
def code_digest() -> str:
    """A digest of the code that turns a file into planned records (parsing, planning, this)."""
    digest = hashlib.sha256()
    files = sorted((_ROOT / "transforms").rglob("*"))
    files += [_ROOT / "flows" / name for name in ("sources.py", "planning.py", "input_files.py")]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def settings_key(settings, nlp_version: str | None) -> str:
    """What a file's outcome depends on besides its bytes and the warehouse."""
    parts = {
        "nlp_version": nlp_version,
        "model": settings.model,
        "language_models": [list(p) for p in settings.language_models],
        "max_chars": settings.max_chars,
        "max_bytes": settings.max_bytes,
        "code": code_digest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def warehouse_state(con) -> str:
    """The warehouse's identity and the state of what planning reads (constant time)."""
    queries = (
        "SELECT value FROM _meta WHERE key = 'warehouse_id'",
        "SELECT table_name, version FROM _table_versions ORDER BY 1",
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM rejects)",
    )
    text = repr([con.execute(sql).fetchall() for sql in queries])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclasses.dataclass
class _Tally:
    """What a run saw of one input file."""

    records: int = 0
    rejected: int = 0
    reasons: Counter = dataclasses.field(default_factory=Counter)
    settled: bool = True
    dated: bool = False  # a date was judged against today (future_date): valid that day only


class InputFiles:
    """The run's input files: which are not read (:meth:`skip`), what was seen of the others
    (:meth:`tally`, batch by batch) and what is remembered at the end (:meth:`record`)."""

    def __init__(self, run, entries: list[src.Entry]):
        self.run = run
        self.enabled = not run.settings.catalog  # a DuckLake has other writers meanwhile
        self.key = settings_key(run.settings, run.nlp_version)
        self.prints: dict[str, str] = {}
        self.kinds = {e.uri: e.kind for e in entries}
        self.tallies: dict[str, _Tally] = {}
        self.skipped: list[str] = []
        self.state: str | None = None
        self.recorded: set[str] = set()  # the files with a row, whatever it holds

    def skip(self, con, entries: list[src.Entry]) -> list[src.Entry]:
        """The entries to read: those remembered as they are now are left out, their counts
        added to the run's."""
        if not self.enabled:
            return entries
        self.state = warehouse_state(con)
        for entry in entries:
            fp = fingerprint(entry)
            if fp is not None:
                self.prints[entry.uri] = fp
        if self.run.full_refresh or not self.prints:
            return entries
        known = {}
        with warehouse.values_table(con, "_input_uris", list(self.prints), pa.string()) as uris:
            for uri, *row in con.execute(
                "SELECT uri, fingerprint, settings_key, warehouse_state, day, records, rejected, "
                f"reasons FROM _input_files WHERE uri IN (SELECT v FROM {uris})"
            ).fetchall():
                fp, key, state, day, *counts = row
                self.recorded.add(uri)
                if (fp, key, state) == (self.prints[uri], self.key, self.state) and day in (
                    None,
                    self.run.today,
                ):
                    known[uri] = counts
        if not known:
            return entries
        c = self.run.counts
        for records, rejected, reasons in known.values():
            c.records_seen += records
            c.articles_unchanged += records - rejected
            c.rejected += rejected
            for reason, n in json.loads(reasons).items():
                c.reject_reasons[reason] = c.reject_reasons.get(reason, 0) + n
        self.skipped = [e.uri for e in entries if e.uri in known]
        self.run.logger.info(
            "%d input file(s) unchanged since a run settled them: not read (%d record(s))",
            len(known), sum(r[0] for r in known.values()),
        )  # fmt: skip
        return [e for e in entries if e.uri not in known]

    def tally(self, files: set[str], articles, rejects, plan, loaded) -> None:
        """Count one planned and processed batch per file: ``articles`` and ``rejects`` as
        parsed, ``plan`` as processed (its rejects include the NLP failures), ``loaded``."""
        if not self.enabled:
            return
        tallies = {f: self.tallies.setdefault(f, _Tally()) for f in files if f in self.prints}
        if not tallies:
            return
        owner_files: dict[str, str | None] = {}

        def file_of(uri: str) -> str | None:
            if uri not in owner_files:
                owner_files[uri] = _file_of(uri, files)
            return owner_files[uri]

        done = {a.source_uri for a in loaded}
        unknown = False
        for art in articles:
            f = file_of(art.source_uri)
            unknown |= f is None
            if f not in tallies:
                continue
            tallies[f].records += 1
            tallies[f].dated |= "future_date" in art.flags
        for rej in rejects:
            f = file_of(rej.source_uri)
            unknown |= f is None
            if f in tallies:
                tallies[f].records += 1
        for rej in plan.rejects:
            f = file_of(rej.source_uri)
            unknown |= f is None
            if f not in tallies:
                continue
            tallies[f].rejected += 1
            tallies[f].reasons[rej.reason] += 1
            owner = plan.owners.get(rej.source_uri)
            if rej.reason in TRANSIENT_REASONS or (owner is not None and file_of(owner) != f):
                tallies[f].settled = False
        for art in plan.process:
            if art.source_uri not in done:  # its NLP failed: tried again next run
                f = file_of(art.source_uri)
                if f in tallies:
                    tallies[f].settled = False
        if unknown:
            for t in tallies.values():
                t.settled = False

    def record(self, read_only, connect) -> None:
        """Remember the settled files read in this run, forget the others read in it, and
        restamp the rows that matched when the run started with the warehouse's state now.
        ``read_only()``, ``connect()``: connections to read and to write (opened on demand)."""
        if not self.enabled or self.state is None:
            return
        read = [u for u in self.prints if u not in self.skipped]
        rows = []
        for uri in read:
            t = self.tallies.get(uri)
            if t is None or not t.settled or t.records == 0:
                continue
            entry = src.Entry(uri, self.kinds[uri])
            if fingerprint(entry) != self.prints[uri]:  # changed while it was read
                continue
            day = self.run.today if t.dated or self.kinds[uri] == "html" else None
            reasons = json.dumps(dict(sorted(t.reasons.items())))
            rows.append((uri, self.prints[uri], self.key, day, t.records, t.rejected, reasons))
        if (
            not rows
            and not self.recorded.intersection(read)
            and warehouse_state(read_only()) == self.state
        ):
            return  # nothing to remember, nothing to forget, nothing to restamp
        con = connect()
        con.execute("BEGIN TRANSACTION")
        try:
            state = warehouse_state(con)
            now = dt.datetime.now(dt.UTC)
            con.execute(
                "UPDATE _input_files SET warehouse_state = ? WHERE warehouse_state = ?",
                [state, self.state],
            )
            with warehouse.values_table(con, "_input_uris", read, pa.string()) as uris:
                con.execute(f"DELETE FROM _input_files WHERE uri IN (SELECT v FROM {uris})")
            if rows:
                cols = ("uri", "fingerprint", "settings_key", "day", "records", "rejected")
                table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
                table = table.append_column("reasons", pa.array([r[6] for r in rows]))
                con.register("_input_rows", table)
                con.execute(
                    "INSERT INTO _input_files SELECT uri, fingerprint, settings_key, day, ?, "
                    "records, rejected, reasons, ? FROM _input_rows",
                    [state, now],
                )
                con.unregister("_input_rows")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


class StateMark:
    """A check's mark in ``_meta``: the warehouse's state and the settings when the check last
    found nothing to do (:func:`flows.batches.backfill_batches`: no stale article). None on a
    DuckLake (other writers)."""

    def __init__(self, run, key: str):
        self.settings, self.key = run.settings, key
        self.value = f"{settings_key(run.settings, run.nlp_version)}:"

    def unchanged(self) -> bool:
        if self.settings.catalog:
            return False
        with warehouse.connection(self.settings, read_only=True) as con:
            row = con.execute("SELECT value FROM _meta WHERE key = ?", [self.key]).fetchone()
            return row == (self.value + warehouse_state(con),)

    def save(self) -> None:
        if self.settings.catalog:
            return
        with warehouse.connection(self.settings, read_only=False) as con:
            value = self.value + warehouse_state(con)
            con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", [self.key, value])


def _file_of(uri: str, files: set[str]) -> str | None:
    """The input file a record's identity belongs to: the file itself, ``<file>#…`` or a
    numbered copy ``<identity>~n``."""
    if uri in files:
        return uri
    cut = len(uri)
    while True:
        cut = max(uri.rfind("#", 0, cut), uri.rfind("~", 0, cut))
        if cut <= 0:
            return None
        if uri[:cut] in files:
            return uri[:cut]
