"""Sources named by URL: web feeds and pages (flows.web), and any fsspec file system —
``s3://bucket/prefix/``, ``gs://…``, ``az://…``, ``file:///path``, ``memory://…``.

An fsspec URL is listed recursively like a local directory (hidden names skipped, other
extensions rejected as ``unsupported_type``) or matched as a glob, and each file is read as
a stream (JSON lines by byte offset, never whole). Credentials come only from the standard
environment of each file system (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``,
``GOOGLE_APPLICATION_CREDENTIALS``, …); a ``user:secret@`` part in a URL is refused, never
stored or logged.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from flows.sources import Entry, _kind
from transforms.parse import SourceItem

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(source: str) -> bool:
    return bool(_SCHEME_RE.match(source))


def _has_secret(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return False


def discover(sources, web) -> list[Entry]:
    """Every source (paths, globs, URLs) into entries, each once, in the order given; feed
    files and feed lists expanded into the pages they link."""
    from flows import sources as local

    found: list[Entry] = []
    for source in sources:
        text = str(source)
        found += discover_url(text, web) if is_url(text) else local.discover([text])
    out: list[Entry] = []
    seen: set[str] = set()
    for entry in expand_feeds(found, web):
        if entry.uri not in seen:  # a page linked by two feeds (or named too) is read once
            seen.add(entry.uri)
            out.append(entry)
    return out


def discover_url(url: str, web) -> list[Entry]:
    """Entries for one URL source."""
    from flows import web as webmod

    if _has_secret(url):
        return [
            Entry(
                re.sub(r"//[^/@]*@", "//***@", url),
                "error",
                "unreadable",
                "credentials in a URL are refused: use the file system's environment variables",
            )
        ]
    if webmod.is_web(url):
        if web is None:
            return [Entry(url, "error", "unreadable", "web sources need a fetch context")]
        refs, items = webmod.expand_url(web, url)
        return _web_entries(refs, items)
    if url.lower().startswith("file://"):
        from flows.sources import discover as discover_local

        return discover_local([urlsplit(url).path])
    return _list_fsspec(url)


def _web_entries(refs, items: list[SourceItem]) -> list[Entry]:
    out = [Entry(i.source_uri, "item", meta={"item": i}) for i in items]
    out += [Entry(r.url, "page", meta={"ref": r}) for r in refs]
    return out


def _list_fsspec(url: str) -> list[Entry]:
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        return [Entry(url, "error", "unreadable", f"no file system for this URL: {exc}")]
    protocol = url.split("://", 1)[0]

    def uri(p: str) -> str:
        return f"{protocol}://{p.lstrip('/')}" if protocol != "file" else p

    try:
        if any(ch in path for ch in "*?["):
            paths = sorted(fs.glob(path))
            if not paths:
                return [Entry(url, "error", "unreadable", "glob matched no file")]
        elif fs.isdir(path):
            paths = sorted(fs.find(path))
        elif fs.exists(path):
            paths = [path]
        else:
            return [Entry(url, "error", "unreadable", "no such file or prefix")]
    except Exception as exc:  # each backend raises its own errors (botocore, gcsfs, …)
        return [
            Entry(url, "error", "unreadable", f"cannot list: {type(exc).__name__}: {exc}"[:300])
        ]
    out = []
    base = path.rstrip("/")
    for p in paths:
        rel = p[len(base) :].lstrip("/") if p.startswith(base) else posixpath.basename(p)
        if any(part.startswith(".") for part in rel.split("/") if part):
            continue
        kind = _kind(PurePosixPath(p))
        if kind is None:
            ext = PurePosixPath(p).suffix or "(none)"
            out.append(Entry(uri(p), "error", "unsupported_type", f"extension {ext!r}"))
        else:
            out.append(Entry(uri(p), kind))
    return out


def expand_feeds(entries: list[Entry], web) -> list[Entry]:
    """Replace local or remote feed files (and feed lists) by the pages their entries link."""
    from flows import sources
    from flows import web as webmod

    if not any(e.kind == "feed" for e in entries):
        return entries
    out: list[Entry] = []
    for entry in entries:
        if entry.kind != "feed":
            out.append(entry)
            continue
        try:
            data = sources._read_bytes(entry.fs_path, 50_000_000)
        except (OSError, ValueError) as exc:
            out.append(Entry(entry.uri, "error", "unreadable", str(exc)))
            continue
        if web is None:
            out.append(Entry(entry.uri, "error", "unreadable", "feeds need a fetch context"))
            continue
        base = entry.uri if is_url(entry.uri) else "file://" + entry.uri
        refs, items = webmod.expand_payload(web, data, base, entry.uri)
        out += _web_entries(refs, items)
    return out


__all__ = ["discover", "discover_url", "expand_feeds", "is_url"]
