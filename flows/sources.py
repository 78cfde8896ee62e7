"""Extract: find source files and read them, in resumable batches. All the I/O of E lives here.

A *source* named by the user is a file, a directory (walked recursively) or a glob pattern.
Rules (documented in README "Input formats"):

* ``.txt``/``.text`` files are articles in the seed format; ``.json`` holds one record or a
  list of records; ``.jsonl``/``.ndjson`` hold one record per line.
* Inside a directory, hidden files and folders (``.name``) are skipped; any other file with an
  unsupported extension is rejected (``unsupported_type``), so every file is accounted for.
* Symbolic links are never followed outside what the user named: a link inside a named
  directory is read only when its target lies inside that directory; otherwise it is
  rejected (``symlink_outside``). Links to directories are not descended into (their files
  are reached through the real path when inside, rejected when outside); loops are
  rejected (``symlink_loop``). A file the user names directly is read even if it is a link.
* Files are never executed; they are opened for reading only.
"""

from __future__ import annotations

import errno
import glob
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from transforms.parse import SourceItem

TEXT_EXTS = {".txt", ".text"}
JSON_EXTS = {".json"}
JSONL_EXTS = {".jsonl", ".ndjson"}
SUPPORTED_EXTS = TEXT_EXTS | JSON_EXTS | JSONL_EXTS
#: Transient OS errors worth retrying when reading (network filesystems, busy devices).
TRANSIENT_ERRNOS = {errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE}
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class Entry:
    """A discovered file (or a problem found while discovering one)."""

    uri: str  # absolute path as given (symlinks not resolved), the source identity
    kind: str  # "text" | "json" | "jsonl" | "error"
    reason: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Where reading stopped: the next entry, and the byte offset/line inside a JSONL file."""

    entry: int = 0
    offset: int = 0
    line: int = 0


def _kind(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in TEXT_EXTS:
        return "text"
    if ext in JSON_EXTS:
        return "json"
    if ext in JSONL_EXTS:
        return "jsonl"
    return None


def _entry_for_file(path: Path, uri: str) -> Entry:
    kind = _kind(path)
    if kind is None:
        return Entry(uri, "error", "unsupported_type", f"extension {path.suffix or '(none)'!r}")
    return Entry(uri, kind)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: Path) -> Iterator[Entry]:
    real_root = os.path.realpath(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Entry(str(folder), "error", "unreadable", f"cannot list directory: {exc}")
            continue
        subdirs = []
        for child in children:
            if child.name.startswith("."):
                continue
            path = Path(child.path)
            uri = os.path.abspath(path)
            if child.is_symlink():
                try:
                    target = Path(child.path).resolve(strict=True)
                except RuntimeError:
                    yield Entry(uri, "error", "symlink_loop", "symbolic link loop")
                    continue
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        yield Entry(uri, "error", "symlink_loop", "symbolic link loop")
                    else:
                        yield Entry(uri, "error", "unreadable", f"dangling link: {exc}")
                    continue
                if not _inside(str(target), real_root):
                    yield Entry(uri, "error", "symlink_outside", f"points to {target}")
                    continue
                if target.is_dir():
                    continue  # reached through its real path inside the root
                yield _entry_for_file(path, uri)
            elif child.is_dir(follow_symlinks=False):
                subdirs.append(path)
            elif child.is_file(follow_symlinks=False):
                yield _entry_for_file(path, uri)
            else:
                yield Entry(uri, "error", "unsupported_type", "not a regular file")
        stack.extend(reversed(subdirs))


def discover(sources: Iterable[str | os.PathLike]) -> list[Entry]:
    """Expand sources into entries, sorted within each source, each file once."""
    out: list[Entry] = []
    seen: set[str] = set()

    def add(entry: Entry) -> None:
        if entry.uri not in seen:
            seen.add(entry.uri)
            out.append(entry)

    for source in sources:
        text = os.fspath(source)
        path = Path(text)
        if any(ch in text for ch in "*?[") and not path.exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                add(Entry(os.path.abspath(path), "error", "unreadable", "glob matched no file"))
            for match in matches:
                mpath = Path(match)
                if mpath.is_dir():
                    for entry in _walk(mpath):
                        add(entry)
                elif not mpath.name.startswith("."):
                    add(_entry_for_file(mpath, os.path.abspath(mpath)))
            continue
        if path.is_dir():
            for entry in _walk(path):
                add(entry)
        elif path.exists():
            add(_entry_for_file(path, os.path.abspath(path)))
        else:
            add(Entry(os.path.abspath(path), "error", "unreadable", "no such file or directory"))
    return out


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a whole file, retrying transient errors; raises OSError or ValueError."""
    for attempt in range(READ_ATTEMPTS):
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ValueError(f"file larger than {max_bytes:,} bytes")
            return data
        except OSError as exc:
            if exc.errno not in TRANSIENT_ERRNOS or attempt == READ_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def _error_item(entry: Entry, reason: str, detail: str) -> SourceItem:
    return SourceItem(entry.uri, "error", reason=reason, detail=detail)


def read_batch(
    entries: list[Entry], cursor: Cursor, max_items: int, *, max_bytes: int
) -> tuple[list[SourceItem], Cursor]:
    """Read up to ``max_items`` items starting at ``cursor``; returns them and the next cursor.

    Whole files are read for text and JSON entries; JSON-lines files are read line by line from
    the cursor's byte offset, so a huge JSONL never sits in memory whole.
    """
    items: list[SourceItem] = []
    index, offset, line = cursor.entry, cursor.offset, cursor.line
    while index < len(entries) and len(items) < max_items:
        entry = entries[index]
        if entry.kind == "error":
            items.append(_error_item(entry, entry.reason or "unreadable", entry.detail or ""))
        elif entry.kind == "jsonl":
            try:
                offset, line, done = _read_lines(entry, offset, line, max_items - len(items), items)
            except OSError as exc:
                items.append(_error_item(entry, "unreadable", f"{exc.strerror or exc}"))
                done = True
            if not done:
                return items, Cursor(index, offset, line)
        else:
            try:
                data = _read_bytes(entry.uri, max_bytes)
                items.append(SourceItem(entry.uri, entry.kind, data))
            except ValueError as exc:
                items.append(_error_item(entry, "too_large", str(exc)))
            except OSError as exc:
                items.append(_error_item(entry, "unreadable", f"{exc.strerror or exc}"))
        index, offset, line = index + 1, 0, 0
    return items, Cursor(index, 0, 0)


def _read_lines(
    entry: Entry, offset: int, line: int, room: int, items: list[SourceItem]
) -> tuple[int, int, bool]:
    """Append up to ``room`` non-blank lines of a JSONL file; returns (offset, line, done)."""
    taken = 0
    start = offset
    with open(entry.uri, "rb") as fh:
        fh.seek(offset)
        while taken < room:
            raw = fh.readline()
            if not raw:
                if start == 0 and taken == 0:
                    detail = "no bytes" if line == 0 else "whitespace only"
                    items.append(_error_item(entry, "empty", detail))
                return fh.tell(), line, True
            line += 1
            if not raw.strip():
                continue
            items.append(SourceItem(entry.uri, "jsonl", raw.rstrip(b"\r\n"), f"L{line}"))
            taken += 1
        # Peek: at end of file we are done with this entry.
        pos = fh.tell()
        done = not fh.read(1)
        return pos, line, done
