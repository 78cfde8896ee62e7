"""dbt's parse of the SQL project, saved once for every warehouse (flows/models.py).

dbt saves its parse of the project in the target path (``partial_parse.msgpack``) and reuses it
only when the command line's vars and the profile's connection values are those it was made
with: every warehouse (its own path, passed as a var) started with a full parse of the project,
seconds before the first node. The parse does not depend on the warehouse: a node's database is
the file's stem, ``news``, in every warehouse, and no model reads the path. So it is saved here,
once per state of the project, under a key of dbt's versions, the project's folder and the
digest of every file of the project (``flows.models.project_digest``), and handed to dbt
(``dbtRunner(manifest=…)``), which then parses nothing. A changed file changes the key: dbt
parses, and the build saves that parse under the new key. Only the warehouses' builds use it
(the DuckLake's target parses as dbt does).

Where: ``$XDG_CACHE_HOME/newsetl/dbt`` (``~/.cache/newsetl/dbt``). A cache that cannot be read
or written is not an error: dbt parses.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path

#: dbt's saved parse in a target path
PARSE_FILE = "partial_parse.msgpack"
#: saved parses kept in the cache folder (the newest)
KEEP = 8


def cache_dir() -> Path:
    """The folder of the saved parses."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsetl" / "dbt"


def parse_key(project_dir: Path, project_digest: str, target: str, database: str) -> str:
    """What the parse depends on: dbt's versions, the project (its folder, the digest of its
    files), the profile's target and the database's name."""
    versions = [f"{d} {metadata.version(d)}" for d in ("dbt-core", "dbt-duckdb")]
    parts = [*versions, str(project_dir.resolve()), project_digest, target, database]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _path(key: str) -> Path:
    return cache_dir() / f"parse-{key}.msgpack"


def load(key: str):
    """The saved parse of ``key`` as dbt's Manifest, ready for ``dbtRunner(manifest=…)``, or
    None (not saved, unreadable)."""
    try:
        data = _path(key).read_bytes()
    except OSError:
        return None
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    try:
        manifest = Manifest.from_msgpack(data, decoder=extended_mashumuro_decoder)
    except Exception:  # a damaged or foreign file: dbt parses instead
        return None
    # what dbt does after reading its own saved parse (parser/manifest.py, get_full_manifest)
    manifest.build_parent_and_child_maps()
    manifest.build_group_map()
    manifest.build_flat_graph()
    return manifest


def save(key: str, target: Path) -> None:
    """Save the parse a build just made or checked (``target``'s partial_parse.msgpack) under
    ``key``; call only after dbt parsed the project (the build ran)."""
    source = target / PARSE_FILE
    with contextlib.suppress(OSError):
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".parse-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(source.read_bytes())
            os.replace(tmp, _path(key))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        prune(folder)


def _macros_path(key: str) -> Path:
    return cache_dir() / f"parse-{key}.macros"


def used_macros(key: str) -> list[str]:
    """The macros (unique ids) that the builds with the parse of ``key`` have used, saved by
    :func:`save_used_macros` (none saved: empty)."""
    try:
        return _macros_path(key).read_text().split()
    except OSError:
        return []


def save_used_macros(key: str, names: list[str]) -> None:
    """Add ``names`` to the macros saved for ``key`` (flows/dbt_server.py compiles their
    templates ahead of the next build)."""
    names = sorted(set(used_macros(key)) | set(names))
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=cache_dir(), prefix=".macros-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as out:
                out.write("\n".join(names) + "\n")
            os.replace(tmp, _macros_path(key))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Delete all but the ``keep`` most recently saved parses (each edit of the project, each
    checkout's folder and each dbt upgrade saves another, ~1 MB each)."""
    with contextlib.suppress(OSError):
        saved = sorted(folder.glob("parse-*.msgpack"), key=lambda p: p.stat().st_mtime_ns)
        for old in saved[:-keep] if keep else saved:
            with contextlib.suppress(OSError):
                old.unlink()
            with contextlib.suppress(OSError):
                old.with_suffix(".macros").unlink()
