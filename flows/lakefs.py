"""The lake in object storage: ``NEWSETL_LAKE_URL=s3://bucket/prefix`` (``--lake-url``).

The warehouse's DuckDB file stays on local disk; the Parquet parts go to
``<url>/lake/<table>/published_month=YYYY-MM/part-….parquet`` — the same relative paths as in
a local warehouse (``_lake_parts.path``), resolved under the URL instead of the warehouse
folder. Parts are written through fsspec (s3fs): an object appears whole or not at all, so no
temporary name is needed. DuckDB reads them with its ``httpfs`` extension, installed offline
from the PyPI package ``duckdb-extension-httpfs`` (``INSTALL '<file>'``: nothing is downloaded
at run time; the package exists for DuckDB 1.5.5, the version this project pins).

Credentials come only from the standard environment variables (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_DEFAULT_REGION``/``AWS_REGION``),
read by s3fs/botocore and handed to DuckDB as a temporary (in-memory) secret; they are never
written to a file or a log. ``NEWSETL_S3_ENDPOINT`` (else ``AWS_ENDPOINT_URL``) points both at
an S3-compatible store (MinIO, Ceph, moto), addressed path-style.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMES = ("s3",)


class LakeError(ValueError):
    """The lake URL or its store cannot be used; the message says why (no credentials)."""


def is_url(value: str | os.PathLike | None) -> bool:
    return isinstance(value, str) and "://" in value


def check_url(url: str) -> str:
    """``s3://bucket[/prefix]`` without a trailing slash, or LakeError."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.netloc:
        raise LakeError(
            f"lake URL must look like s3://bucket/prefix, got {url!r} "
            f"(supported schemes: {', '.join(SCHEMES)})"
        )
    return url.rstrip("/")


class RemotePath:
    """A file or folder of the remote lake, with the few ``pathlib`` operations the lake code
    uses (``/``, ``parent``, ``name``, ``exists``, ``open``, ``unlink``…)."""

    def __init__(self, url: str, endpoint_url: str | None = None):
        self.url = url.rstrip("/") if url.count("/") > 2 else url
        self.endpoint_url = endpoint_url

    def __repr__(self) -> str:
        return f"RemotePath({self.url!r})"

    def __str__(self) -> str:
        return self.url

    def __eq__(self, other) -> bool:
        return isinstance(other, RemotePath) and other.url == self.url

    def __lt__(self, other: RemotePath) -> bool:
        return self.url < other.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __truediv__(self, rel: str | os.PathLike) -> RemotePath:
        return RemotePath(posixpath.join(self.url, Path(rel).as_posix()), self.endpoint_url)

    def __getstate__(self) -> dict:
        return {"url": self.url, "endpoint_url": self.endpoint_url}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @cached_property
    def fs(self):
        import fsspec

        kwargs = {}
        if self.endpoint_url:
            kwargs["client_kwargs"] = {"endpoint_url": self.endpoint_url}
        return fsspec.filesystem("s3", **kwargs)

    @property
    def parent(self) -> RemotePath:
        return RemotePath(posixpath.dirname(self.url), self.endpoint_url)

    @property
    def name(self) -> str:
        return posixpath.basename(self.url)

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.name)[1]

    def with_name(self, name: str) -> RemotePath:
        return self.parent / name

    def relative_to(self, other: RemotePath) -> Path:
        prefix = other.url.rstrip("/") + "/"
        if not self.url.startswith(prefix):
            raise ValueError(f"{self.url} is not under {other.url}")
        return Path(self.url[len(prefix) :])

    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        """Object stores have no folders: nothing to do."""

    def exists(self) -> bool:
        return self.fs.exists(self.url)

    def is_file(self) -> bool:
        return self.fs.isfile(self.url)

    def open(self, mode: str = "rb"):
        return self.fs.open(self.url, mode)

    def read_bytes(self) -> bytes:
        return self.fs.cat_file(self.url)

    def unlink(self, missing_ok: bool = False) -> None:
        try:
            self.fs.rm_file(self.url)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def files(self) -> list[RemotePath]:
        """Every object under this prefix (the lake's ``rglob``), sorted."""
        try:
            found = self.fs.find(self.url)
        except FileNotFoundError:
            return []
        scheme = urlsplit(self.url).scheme
        return [RemotePath(f"{scheme}://{key}", self.endpoint_url) for key in sorted(found)]


def base(
    warehouse_dir: Path, lake_url: str | None, endpoint_url: str | None = None
) -> Path | RemotePath:
    """What the parts' relative paths (``lake/…``) resolve under (``endpoint_url``: the
    S3-compatible store's, ``Settings.s3_endpoint``)."""
    if lake_url:
        return RemotePath(check_url(lake_url), endpoint_url)
    return warehouse_dir


def write_table(table: pa.Table, path: RemotePath, compression: str) -> str:
    """Write one Parquet object (whole: an upload is atomic); returns its SHA-256."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=compression)
    data = sink.getvalue().to_pybytes()
    path.fs.pipe_file(path.url, data)
    return hashlib.sha256(data).hexdigest()


def read_table(path: RemotePath, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(pa.BufferReader(path.read_bytes()), columns=columns)


def read_schema(path: RemotePath) -> pa.Schema:
    with path.open("rb") as fh:
        return pq.read_schema(fh)


# --------------------------------------------------------------------------- DuckDB


def httpfs_file() -> Path:
    """The httpfs extension shipped by the PyPI package duckdb-extension-httpfs."""
    import duckdb_extension_httpfs

    root = Path(duckdb_extension_httpfs.__file__).parent
    found = sorted(root.rglob("httpfs.duckdb_extension"))
    if not found:
        raise LakeError(f"the package duckdb-extension-httpfs holds no extension file in {root}")
    return found[0]


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def attach(con, path: RemotePath) -> None:
    """Let a DuckDB connection read the lake: httpfs installed from its package and loaded,
    and a temporary secret from the environment's credentials (kept in memory only)."""
    import duckdb

    con.execute(f"INSTALL {_sql_string(str(httpfs_file()))}")
    con.execute("LOAD httpfs")
    options = ["TYPE s3"]
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        options += [f"KEY_ID {_sql_string(key)}", f"SECRET {_sql_string(secret)}"]
        token = os.environ.get("AWS_SESSION_TOKEN")
        if token:
            options.append(f"SESSION_TOKEN {_sql_string(token)}")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        options.append(f"REGION {_sql_string(region)}")
    if path.endpoint_url:
        parts = urlsplit(path.endpoint_url)
        options += [
            f"ENDPOINT {_sql_string(parts.netloc)}",
            "URL_STYLE 'path'",
            f"USE_SSL {'true' if parts.scheme == 'https' else 'false'}",
        ]
    bucket = urlsplit(path.url).netloc
    options.append(f"SCOPE {_sql_string(f's3://{bucket}')}")
    try:
        con.execute(f"CREATE OR REPLACE TEMPORARY SECRET newsetl_lake ({', '.join(options)})")
    except duckdb.Error as exc:  # never show the statement: it holds the credentials
        raise LakeError(
            f"DuckDB could not take the lake's S3 settings: {type(exc).__name__}"
        ) from None
