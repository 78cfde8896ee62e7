"""Errors the user can act on, the CLI's exit codes, and the one line an error becomes."""

from __future__ import annotations

import errno

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NOTHING, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 75, 130
#: Every exit code and what it means (README "Exit codes" shows this table).
EXIT_CODES = {
    EXIT_OK: "done (a run that found nothing new is done too)",
    EXIT_FAIL: "failed: the one line on stderr says why; nothing is half-loaded",
    EXIT_USAGE: "bad command line (unknown option, bad value)",
    EXIT_NOTHING: "`run` loaded nothing: no supported file in the sources, or every input "
    "rejected (the formats are listed; the rejects are in `rejects`; models not built)",
    EXIT_BUSY: "the warehouse is busy: another run holds its lock, or a reader its file, "
    "longer than --lock-timeout; nothing changed, try again later (sysexits EX_TEMPFAIL)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C or SIGTERM); nothing is half-loaded",
}


class WarehouseError(Exception):
    """A problem with the warehouse that the user can act on (message says how)."""


class WarehouseBusy(WarehouseError):
    pass


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code ``code``."""

    code = EXIT_FAIL


class NothingLoaded(UserError):
    """A run that could use none of its input."""

    code = EXIT_NOTHING


def exit_code(exc: BaseException) -> int:
    """EXIT_BUSY when the warehouse was busy (however wrapped), else EXIT_FAIL."""

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, WarehouseBusy):
            return EXIT_BUSY
        exc = exc.__cause__ or exc.__context__
    return EXIT_FAIL


def describe_error(exc: BaseException) -> str:
    """One line for any error that reached the top: what failed, in the user's terms."""
    from flows import interrupt
    from flows.prefect_env import ServerError
    from flows.settings import SettingsError

    if isinstance(exc, WarehouseError | SettingsError | ServerError | interrupt.Interrupted):
        return str(exc)
    if disk_full(exc):
        return (
            "disk full: no space left on the device holding the warehouse; free some space "
            "and run again (the warehouse stays consistent and the next run resumes)"
        )
    cause = _root_cause(exc)
    if isinstance(cause, WarehouseError | SettingsError):
        return str(cause)
    if isinstance(cause, PermissionError):
        where = cause.filename or ""
        return f"permission denied: {where}".rstrip(": ")
    if isinstance(cause, OSError) and ("spaCy model" in str(cause) or "[E050]" in str(cause)):
        return str(cause).splitlines()[0]
    if isinstance(cause, OSError) and cause.strerror:
        where = f": {cause.filename}" if cause.filename else ""
        return f"{cause.strerror}{where}"
    try:
        import duckdb

        if isinstance(cause, duckdb.Error):
            return f"DuckDB: {str(cause).splitlines()[0] if str(cause) else type(cause).__name__}"
    except ImportError:  # pragma: no cover
        pass
    text = str(cause).splitlines()[0] if str(cause) else ""
    return (
        f"internal error: {type(cause).__name__}: {text[:300]} (a bug: please report it; "
        "NEWSETL_DEBUG=1 shows the traceback)"
    )


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception a wrapper (Prefect, dbt) raised from."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc


def disk_full(exc: BaseException) -> bool:
    """ENOSPC, however it is wrapped (OSError, pyarrow, DuckDB, Prefect)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "errno", None) == errno.ENOSPC or "No space left on device" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
