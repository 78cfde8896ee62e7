"""``newsetl query``: ad-hoc SQL on a read-only, sandboxed connection, results streamed.

The connection is read-only and DuckDB's own sandbox is set and locked (:data:`QUERY_SANDBOX`),
so a query reads the warehouse's tables and views and nothing else. Rows are fetched in chunks
as they are written out (table, CSV or JSON), so memory stays flat whatever the result's size;
control characters are escaped so that a hostile value cannot act on the terminal.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import json
import os
import re

from flows.errors import UserError

#: The query connection's sandbox, set by DuckDB itself and locked: no file outside the
#: warehouse's own tables is read, written or attached (``read_text``, ``COPY``, ``ATTACH``,
#: ``EXPORT``, ``read_parquet`` of the lake…), no extension is installed or loaded from disk,
#: and no ``SET``/``RESET``/``PRAGMA`` can change these settings back.
QUERY_SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "lock_configuration": True,
}
#: Where `newsetl query` looks up a name without a schema: the loaded tables, then the marts,
#: then the staging views (``select * from fct_quotes`` is ``marts.fct_quotes``).
QUERY_SEARCH_PATH = ("main", "marts", "staging")
#: Rows fetched at a time: results are streamed, never held whole.
FETCH_ROWS = 2048
#: Table output measures column widths on the first rows only, then streams the rest.
TABLE_SAMPLE_ROWS = 1000

# C0 and C1 control characters, DEL, and the bidirectional overrides that reorder a terminal
# line: shown as escapes (\x1b, \u202e) in table output instead of acting on the terminal.
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    if ch == "\n":
        return "⏎"
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """Text with control characters escaped, safe to print on a terminal."""
    return _UNSAFE_RE.sub(_escape_char, text)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return str(value) if isinstance(value, dt.timedelta) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)  # UUID, intervals, anything else DuckDB returns


def format_table(names: list[str], rows: list[tuple], max_width: int) -> str:
    """A whole result as an aligned table (control characters escaped)."""
    return "\n".join(table_lines(names, iter(rows), max_width))


def _is_number(value) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def table_lines(names: list[str], rows, max_width: int):
    """Yield the lines of an aligned table; widths come from the first rows, the rest streams.

    Columns whose values are all numbers (in those first rows) are aligned right, the others
    left; lines carry no trailing blanks.
    """
    max_width = max(max_width, 2)
    rows = iter(rows)

    def clip(text: str) -> str:
        text = terminal_safe(text)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    names = [clip(n) for n in names]
    raw: list[tuple] = []
    for row in rows:
        raw.append(row)
        if len(raw) >= TABLE_SAMPLE_ROWS:
            break
    head = [[clip(_cell(v)) for v in row] for row in raw]
    widths = [max([len(n)] + [len(r[i]) for r in head]) for i, n in enumerate(names)]
    right = [
        any(r[i] is not None for r in raw) and all(r[i] is None or _is_number(r[i]) for r in raw)
        for i in range(len(names))
    ]

    def line(cells: list[str]) -> str:
        return " | ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    yield line(names)
    yield "-+-".join("-" * w for w in widths)
    count = 0
    for cells in head:
        count += 1
        yield line(cells)
    for row in rows:
        count += 1
        yield line([clip(_cell(v)) for v in row])
    yield f"({count} row{'s' if count != 1 else ''})"


def _has_statement(sql: str) -> bool:
    """Is there anything but whitespace and comments?"""
    stripped = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.DOTALL)
    return bool(stripped.strip(" \t\r\n;"))


#: Functions that bypass the locked configuration: ``enable_logging`` turns on DuckDB's log
#: storage (to files: refused later by the sandbox, but DuckDB then aborts the whole process
#: instead of raising). Refused before the SQL runs; found with DuckDB's own tokenizer, so
#: the names inside string literals and comments do not count.
REFUSED_FUNCTIONS = frozenset({"enable_logging"})


def _refused_function(sql: str) -> str | None:
    import duckdb

    try:
        tokens = duckdb.tokenize(sql)
    except Exception:  # let DuckDB's parser report the syntax error
        return None
    ends = [pos for pos, _ in tokens[1:]] + [len(sql)]
    for (pos, kind), end in zip(tokens, ends, strict=True):
        if kind == duckdb.token_type.identifier:
            name = sql[pos:end].strip().strip('"').lower()
            if name in REFUSED_FUNCTIONS:
                return name
    return None


def _relations(con) -> str:
    """The warehouse's tables and views by schema, for an error that names a missing one."""
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
        "AND database_name = current_database() AND NOT starts_with(table_name, '_') "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database() ORDER BY ALL"
    ).fetchall()
    by_schema: dict[str, list[str]] = {}
    for schema, name in rows:
        by_schema.setdefault(schema, []).append(name)
    order = [s for s in QUERY_SEARCH_PATH if s in by_schema] + sorted(
        s for s in by_schema if s not in QUERY_SEARCH_PATH
    )
    return "; ".join(f"{s}: {', '.join(by_schema[s])}" for s in order) or "none (run first)"


def _query_error(exc: Exception, con=None) -> UserError:
    import duckdb

    lines = str(exc).strip().splitlines()
    message = " ".join((lines or [""])[0].split()) or type(exc).__name__
    low = message.lower()
    # DuckDB's suggestion ("Did you mean …", "Candidate bindings: …") is on a later line.
    hints = [
        " ".join(x.split())
        for x in lines[1:]
        if x.lower().startswith(("did you mean", "candidate bindings"))
    ]
    if con is not None and "table with name" in low and "does not exist" in low:
        with contextlib.suppress(duckdb.Error):
            hints.append(f"(tables and views — {_relations(con)})")
    if hints:
        message = " ".join([message, *hints])
        low = message.lower()
    if "read-only" in low or "read only" in low:
        return UserError(f"write refused: `newsetl query` is read-only ({message})")
    if "file system operations are disabled" in low or ("external" in low and "disabled" in low):
        return UserError(
            f"refused: `newsetl query` reads only the warehouse's tables, no other file ({message})"
        )
    if any(w in low for w in ("could not read enough bytes", "corrupt", "checksum")):
        return UserError(
            f"{message} — the warehouse's DuckDB file looks damaged: `newsetl check` tells, "
            "`newsetl repair` rebuilds it from the lake"
        )
    if "configuration has been locked" in low:
        return UserError(f"refused: the query connection's settings are locked ({message})")
    return UserError(message)


@contextlib.contextmanager
def query_cursor(settings, sql: str):
    """Run SQL on a sandboxed read-only connection; yields (column names, row iterator).

    Rows are fetched in chunks as they are consumed, so memory stays flat whatever the size
    of the result.
    """
    import duckdb

    from flows.warehouse import WarehouseError, connection

    if not _has_statement(sql):
        raise UserError('no SQL statement given: newsetl query "SELECT …"')
    refused = _refused_function(sql)
    if refused:
        raise UserError(
            f"refused: `newsetl query` cannot call {refused}() (it changes DuckDB's logging, "
            "outside the locked configuration)"
        )
    with contextlib.ExitStack() as stack:
        try:
            con = stack.enter_context(connection(settings, read_only=True, config=QUERY_SANDBOX))
        except WarehouseError as exc:
            raise UserError(str(exc)) from None
        stack.enter_context(_interrupts_query(con))
        have = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
        path = [s for s in QUERY_SEARCH_PATH if s in have]  # no marts before the first build
        con.execute(f"SET search_path = '{','.join(path)}'")
        try:
            cur = con.execute(sql)
        except duckdb.Error as exc:
            raise _query_error(exc, con) from None
        names = [d[0] for d in cur.description] if cur.description else []

        def rows():
            if not names:
                return
            while True:
                try:
                    chunk = cur.fetchmany(FETCH_ROWS)
                except duckdb.Error as exc:
                    raise _query_error(exc) from None
                if not chunk:
                    return
                yield from chunk

        yield names, rows()


#: how often a Ctrl-C's interrupt is repeated until the query command is over
INTERRUPT_REPEAT_S = 0.05


@contextlib.contextmanager
def _interrupts_query(con):
    """Ctrl-C stops a running query: DuckDB runs it in C++ where Python's signal handler cannot
    run, so a helper thread woken by the signal (``signal.set_wakeup_fd``) interrupts the
    connection; the handler then runs and the CLI prints its one line."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    over = threading.Event()

    def watch() -> None:
        while True:
            data = os.read(read_fd, 16)
            if not data:
                return
            if {signal.SIGINT, signal.SIGTERM} & set(data):
                # DuckDB forgets an interrupt that comes before its query starts (a Ctrl-C
                # while the statement is prepared): repeated until the command is over.
                while True:
                    with contextlib.suppress(Exception):
                        con.interrupt()
                    if over.wait(INTERRUPT_REPEAT_S):
                        return

    watcher = threading.Thread(target=watch, name="newsetl-query-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        over.set()
        signal.set_wakeup_fd(previous)
        os.close(write_fd)
        watcher.join(timeout=2)
        os.close(read_fd)


def run_query(settings, sql: str) -> tuple[list[str], list[tuple]]:
    """Run SQL on the sandboxed read-only connection; returns (column names, all rows)."""
    with query_cursor(settings, sql) as (names, rows):
        return names, list(rows)


def _json_text(record: dict) -> str:
    # JSON escapes C0 controls itself; C1 controls and bidi overrides are escaped here too.
    return _UNSAFE_RE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(record, ensure_ascii=False)
    )


def write_result(settings, sql: str, fmt: str, max_width: int, out) -> None:
    """Run the query and write its result to ``out`` as a table, CSV or JSON, streamed."""
    with query_cursor(settings, sql) as (names, rows):
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(names)
            for r in rows:
                writer.writerow([_cell(v) if v is not None else "" for v in r])
        elif fmt == "json":
            n = 0
            out.write("[")
            for r in rows:
                record = dict(zip(names, map(_jsonable, r), strict=True))
                out.write(("\n " if n == 0 else ",\n ") + _json_text(record))
                n += 1
            out.write("\n]\n" if n else "]\n")
        else:
            for line in table_lines(names, rows, max_width):
                out.write(line + "\n")
    out.flush()
