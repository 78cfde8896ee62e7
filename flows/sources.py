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
* Only regular files are read: a FIFO, socket or device — inside a directory, named directly or
  matched by a glob — is rejected (``unsupported_type``) without being opened for reading
  (files are opened non-blocking and checked again after opening, so a swap cannot hang a run).
* A file name that is not valid UTF-8 keeps its bytes as ``\\xNN`` escapes in its identity
  (``source_uri``); the file is read as usual.
* Nothing is held whole that can grow without bound: a JSON-lines file is read line by line
  and a ``.json`` array element by element, both from a byte offset (the cursor), each line
  or element capped at ``max_bytes`` (a longer one is skipped without being held and rejected
  ``too_large``).
* Files are never executed; they are opened for reading only.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import re
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from transforms.parse import SourceItem

TEXT_EXTS = {".txt", ".text"}
JSON_EXTS = {".json"}
JSONL_EXTS = {".jsonl", ".ndjson"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
FEED_EXTS = {".rss", ".atom", ".xml", ".opml"}
SUPPORTED_EXTS = TEXT_EXTS | JSON_EXTS | JSONL_EXTS | HTML_EXTS | FEED_EXTS
#: Transient OS errors worth retrying when reading (network filesystems, busy devices).
TRANSIENT_ERRNOS = {errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE}
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class Entry:
    """A discovered file (or a problem found while discovering one)."""

    uri: str  # absolute path as given (symlinks not resolved), the source identity
    kind: str  # "text" | "json" | "jsonl" | "html" | "feed" | "page" | "item" | "error"
    reason: str | None = None
    detail: str | None = None
    path: str | None = None  # the file system path, when it differs from the uri (bad names)
    #: "page": the flows.web.PageRef to fetch; "item": a SourceItem already in hand.
    meta: dict | None = field(default=None, compare=False, hash=False)

    @property
    def fs_path(self) -> str:
        return self.path if self.path is not None else self.uri


def path_text(path: str) -> str:
    """A path as valid text: bytes that are not UTF-8 (``os.fsdecode``'s surrogate escapes)
    are written ``\\xNN``, so the name can be stored, printed and compared."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _entry(path: str | os.PathLike, kind: str, reason=None, detail=None) -> Entry:
    raw = os.path.abspath(os.fspath(path))
    uri = path_text(raw)
    return Entry(uri, kind, reason, detail, None if uri == raw else raw)


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
    if ext in HTML_EXTS:
        return "html"
    if ext in FEED_EXTS:
        return "feed"
    return None


def _entry_for_file(path: Path, uri: str | None = None) -> Entry:
    """The entry of a file: its kind by extension; anything but a regular file is rejected."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _error_for_stat(path, exc)
    if not stat.S_ISREG(mode):
        return _entry(path, "error", "unsupported_type", f"not a regular file ({_file_type(mode)})")
    kind = _kind(path)
    if kind is None:
        return _entry(
            path, "error", "unsupported_type", f"extension {path_text(path.suffix) or '(none)'!r}"
        )
    return _entry(path, kind)


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _error_for_stat(path: Path, exc: OSError) -> Entry:
    if exc.errno == errno.ELOOP:
        return _entry(path, "error", "symlink_loop", "symbolic link loop")
    if os.path.islink(path) and exc.errno == errno.ENOENT:
        return _entry(path, "error", "unreadable", "dangling symbolic link")
    return _entry(path, "error", "unreadable", exc.strerror or str(exc))


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
            yield _entry(
                folder, "error", "unreadable", f"cannot list directory: {exc.strerror or exc}"
            )
            continue
        subdirs = []
        for child in children:
            if child.name.startswith("."):
                continue
            path = Path(child.path)
            if child.is_symlink():
                try:
                    target = Path(child.path).resolve(strict=True)
                except RuntimeError:
                    yield _entry(path, "error", "symlink_loop", "symbolic link loop")
                    continue
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        yield _entry(path, "error", "symlink_loop", "symbolic link loop")
                    else:
                        yield _entry(
                            path, "error", "unreadable", f"dangling link: {exc.strerror or exc}"
                        )
                    continue
                if not _inside(str(target), real_root):
                    yield _entry(
                        path, "error", "symlink_outside", f"points to {path_text(str(target))}"
                    )
                    continue
                if target.is_dir():
                    continue  # reached through its real path inside the root
                yield _entry_for_file(path)
            elif child.is_dir(follow_symlinks=False):
                subdirs.append(path)
            else:
                yield _entry_for_file(path)
        stack.extend(reversed(subdirs))


def discover(sources: Iterable[str | os.PathLike]) -> list[Entry]:
    """Expand local sources into entries, sorted within each source, each file once.

    URLs (feeds, pages, ``s3://`` …) are discovered by flows.remote.discover, which calls
    this for the local ones."""
    out: list[Entry] = []
    seen: set[str] = set()

    def add(entry: Entry) -> None:
        if entry.uri not in seen:
            seen.add(entry.uri)
            out.append(entry)

    for source in sources:
        text = os.fspath(source)
        path = Path(text)
        if any(ch in text for ch in "*?[") and not os.path.lexists(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                add(_entry(path, "error", "unreadable", "glob matched no file"))
            for match in matches:
                mpath = Path(match)
                if mpath.is_dir():
                    for entry in _walk(mpath):
                        add(entry)
                elif not mpath.name.startswith("."):
                    add(_entry_for_file(mpath))
            continue
        if path.is_dir():
            for entry in _walk(path):
                add(entry)
        elif os.path.lexists(path):
            add(_url_list_or(_entry_for_file(path)))
        else:
            add(_entry(path, "error", "unreadable", "no such file or directory"))
    return out


def _url_list_or(entry: Entry) -> Entry:
    """A text file named directly whose every line is a URL is a feed list, not an article
    (inside a directory a .txt is always an article: no network access by surprise)."""
    if entry.kind != "text":
        return entry
    from transforms.feeds import sniff

    try:
        with _open_regular(entry.fs_path) as fh:
            head = fh.read(65536)
    except OSError:
        return entry
    if sniff(head) == "urls":
        return Entry(entry.uri, "feed", path=entry.path)
    return entry


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or directory: never read (it could block forever)."""


def _open_regular(path: str):
    """Open a file for reading without ever blocking: a FIFO or device is refused.

    An fsspec URL (``s3://bucket/key``) is opened as a seekable stream by flows.remote."""
    if "://" in path:
        import io

        import fsspec

        # Buffered like a local file, so that readline(limit) and seek behave the same.
        return io.BufferedReader(fsspec.open(path, "rb").open(), buffer_size=1 << 20)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({_file_type(mode)})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a whole file, retrying transient errors; raises OSError or ValueError."""
    for attempt in range(READ_ATTEMPTS):
        try:
            with _open_regular(path) as fh:
                data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ValueError(f"file larger than {max_bytes:,} bytes")
            return data
        except OSError as exc:
            if exc.errno not in TRANSIENT_ERRNOS or attempt == READ_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def _error_item(entry: Entry, reason: str, detail: str, position: str | None = None) -> SourceItem:
    return SourceItem(entry.uri, "error", reason=reason, detail=detail, position=position)


def _os_error_item(entry: Entry, exc: OSError) -> SourceItem:
    if isinstance(exc, NotRegularFile):
        return _error_item(entry, "unsupported_type", exc.strerror or str(exc))
    return _error_item(entry, "unreadable", f"{exc.strerror or exc}")


def read_batch(
    entries: list[Entry], cursor: Cursor, max_items: int, *, max_bytes: int
) -> tuple[list[SourceItem], Cursor]:
    """Read up to ``max_items`` items starting at ``cursor``; returns them and the next cursor.

    Whole files are read for text files and single JSON records; JSON-lines files and JSON
    arrays are read record by record from the cursor's byte offset, so a huge one never sits
    in memory whole, and each record is capped at ``max_bytes``.
    """
    items: list[SourceItem] = []
    index, offset, line = cursor.entry, cursor.offset, cursor.line
    while index < len(entries) and len(items) < max_items:
        entry = entries[index]
        room = max_items - len(items)
        done = True
        try:
            if entry.kind == "error":
                items.append(_error_item(entry, entry.reason or "unreadable", entry.detail or ""))
            elif entry.kind == "page":
                items.append(SourceItem(entry.uri, "page", meta=dict(entry.meta or {})))
            elif entry.kind == "item":
                items.append((entry.meta or {})["item"])
            elif entry.kind == "jsonl":
                offset, line, done = _read_lines(entry, offset, line, room, items, max_bytes)
            elif entry.kind == "json" and (offset or line or _is_array(entry)):
                offset, line, done = _read_array(entry, offset, line, room, items, max_bytes)
            else:
                try:
                    data = _read_bytes(entry.fs_path, max_bytes)
                    items.append(SourceItem(entry.uri, entry.kind, data))
                except ValueError as exc:
                    items.append(_error_item(entry, "too_large", str(exc)))
        except OSError as exc:
            items.append(_os_error_item(entry, exc))
            done = True
        if not done:
            return items, Cursor(index, offset, line)
        index, offset, line = index + 1, 0, 0
    return items, Cursor(index, 0, 0)


def _skip_line(fh, hasher) -> None:
    """Consume the rest of an over-long line without holding it (hashing it as it goes)."""
    while True:
        chunk = fh.readline(1 << 20)
        if not chunk:
            return
        hasher.update(chunk.rstrip(b"\r\n"))
        if chunk.endswith(b"\n"):
            return


def _read_lines(
    entry: Entry, offset: int, line: int, room: int, items: list[SourceItem], max_bytes: int
) -> tuple[int, int, bool]:
    """Append up to ``room`` non-blank lines of a JSONL file; returns (offset, line, done).

    A line longer than ``max_bytes`` is skipped without being held and rejected as
    ``too_large`` (its identity: a hash of its bytes).
    """
    taken = 0
    start = offset
    with _open_regular(entry.fs_path) as fh:
        fh.seek(offset)
        while taken < room:
            raw = fh.readline(max_bytes + 1)
            if not raw:
                if start == 0 and taken == 0:
                    detail = "no bytes" if line == 0 else "whitespace only"
                    items.append(_error_item(entry, "empty", detail))
                return fh.tell(), line, True
            line += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                hasher = hashlib.sha256(raw)
                _skip_line(fh, hasher)
                items.append(
                    _error_item(
                        entry,
                        "too_large",
                        f"line {line} is longer than {max_bytes:,} bytes",
                        f"json:{hasher.hexdigest()[:16]}",
                    )
                )
                taken += 1
                continue
            if not raw.strip():
                continue
            items.append(SourceItem(entry.uri, "jsonl", raw.rstrip(b"\r\n"), f"L{line}"))
            taken += 1
        # Peek: at end of file we are done with this entry.
        pos = fh.tell()
        done = not fh.read(1)
        return pos, line, done


# --------------------------------------------------------------------------- JSON arrays

_WS = b" \t\r\n"
_OUTSIDE_RE = re.compile(rb'["\[\]{},]')
_INSIDE_RE = re.compile(rb'["\\]')
CHUNK = 1 << 20


def _first_byte(path: str) -> tuple[bytes, int]:
    """The first significant byte of a file and its offset (after a UTF-8 BOM and blanks)."""
    with _open_regular(path) as fh:
        head = fh.read(4096)
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while pos < len(head) and head[pos] in _WS:
        pos += 1
    return head[pos : pos + 1], pos


def _is_array(entry: Entry) -> bool:
    """Does this .json file hold a top-level array (read element by element)?"""
    first, _ = _first_byte(entry.fs_path)
    return first == b"["


class _Scanner:
    """Reads the elements of a top-level JSON array from a byte offset, one at a time.

    Tracks only nesting and strings (a small state machine that jumps between the bytes that
    matter), so deep nesting costs no recursion, and an element larger than ``limit`` is
    skipped while being hashed, never held.
    """

    def __init__(self, fh, limit: int):
        self.fh = fh
        self.limit = limit
        self.base = fh.tell()  # file offset of buf[0]
        self.buf = b""
        self.pos = 0

    def offset(self) -> int:
        return self.base + self.pos

    def _next_chunk(self) -> bool:
        data = self.fh.read(CHUNK)
        self.base += len(self.buf)
        self.buf, self.pos = data, 0
        return bool(data)

    def skip_separators(self) -> bytes:
        """Skip blanks and commas; return the next significant byte (b'' at end of file)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in b" \t\r\n,":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos : self.pos + 1]
            if not self._next_chunk():
                return b""

    def element(self) -> tuple[bytes | None, str, bool]:
        """Read one element: (its bytes, or None when larger than the limit; sha256; complete)."""
        hasher = hashlib.sha256()
        kept = bytearray()
        size = 0
        depth = 0
        in_string = escape = False
        start = self.pos

        def consume(end: int) -> None:
            nonlocal size
            piece = self.buf[start:end]
            hasher.update(piece)
            size += len(piece)
            if size <= self.limit:
                kept.extend(piece)
            else:
                kept.clear()

        while True:
            if self.pos >= len(self.buf):
                consume(len(self.buf))
                start = 0
                if not self._next_chunk():
                    return (bytes(kept) if size <= self.limit else None), hasher.hexdigest(), False
                continue
            if escape:
                self.pos += 1
                escape = False
                continue
            if in_string:
                m = _INSIDE_RE.search(self.buf, self.pos)
                if m is None:
                    self.pos = len(self.buf)
                elif m.group() == b"\\":
                    self.pos, escape = m.end(), True
                else:
                    self.pos, in_string = m.end(), False
                continue
            m = _OUTSIDE_RE.search(self.buf, self.pos)
            if m is None:
                self.pos = len(self.buf)
                continue
            ch = m.group()
            if ch == b'"':
                self.pos, in_string = m.end(), True
            elif ch in b"[{":
                self.pos, depth = m.end(), depth + 1
            elif ch in b"]}" and depth > 0:
                self.pos, depth = m.end(), depth - 1
                if depth == 0:
                    break
            elif depth == 0:  # the comma or closing bracket after a scalar element
                self.pos = m.start()
                break
            else:
                self.pos = m.end()
        consume(self.pos)
        if size > self.limit:
            return None, hasher.hexdigest(), True
        return bytes(kept).strip(_WS), hasher.hexdigest(), True


def _read_array(
    entry: Entry, offset: int, index: int, room: int, items: list[SourceItem], max_bytes: int
) -> tuple[int, int, bool]:
    """Append up to ``room`` elements of a JSON array file; returns (offset, index, done)."""
    if offset == 0:
        _, pos = _first_byte(entry.fs_path)
        offset = pos + 1  # just after the opening bracket
    with _open_regular(entry.fs_path) as fh:
        fh.seek(offset)
        scan = _Scanner(fh, max_bytes)
        taken = 0
        while taken < room:
            nxt = scan.skip_separators()
            if nxt == b"]":
                scan.pos += 1
                if scan.skip_separators():
                    items.append(
                        _error_item(
                            entry,
                            "malformed_json",
                            f"unexpected data after the JSON array at byte {scan.offset():,}",
                            "tail",
                        )
                    )
                elif index == 0:
                    items.append(_error_item(entry, "empty", "an empty JSON array"))
                return scan.offset(), index, True
            if not nxt:
                items.append(
                    _error_item(
                        entry,
                        "malformed_json",
                        f"the JSON array is not closed after {index} element(s) (truncated?)",
                        "tail",
                    )
                )
                return scan.offset(), index, True
            data, digest, complete = scan.element()
            position = f"[{index}]"
            index += 1
            taken += 1
            if data is None:
                items.append(
                    _error_item(
                        entry,
                        "too_large",
                        f"array element {position} is larger than {max_bytes:,} bytes",
                        f"json:{digest[:16]}",
                    )
                )
            elif not complete:
                items.append(
                    _error_item(
                        entry,
                        "malformed_json",
                        f"array element {position} is cut off by the end of the file",
                        f"json:{digest[:16]}",
                    )
                )
                return scan.offset(), index, True
            else:
                items.append(SourceItem(entry.uri, "jsonl", data, position))
        return scan.offset(), index, False
