"""What the web sources remember between runs (:mod:`flows.web`): the ETag, Last-Modified,
content hash and outcome of every feed and page fetched, and a feed's last body, in the
warehouse's ``_fetch_state`` table."""

from __future__ import annotations

import contextlib

STATE_DDL = """CREATE TABLE IF NOT EXISTS _fetch_state (
  url VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, etag VARCHAR, last_modified VARCHAR,
  content_sha256 VARCHAR, entry_fingerprint VARCHAR, outcome VARCHAR NOT NULL,
  http_status INTEGER, feed_body BLOB, checked_at TIMESTAMPTZ NOT NULL)"""
STATE_COLS = (
    "url",
    "kind",
    "etag",
    "last_modified",
    "content_sha256",
    "entry_fingerprint",
    "outcome",
    "http_status",
    "feed_body",
    "checked_at",
)


def load_state(con) -> dict[str, dict]:
    con.execute(STATE_DDL)
    cols = ", ".join(STATE_COLS)
    rows = con.execute(f"SELECT {cols} FROM _fetch_state").fetchall()
    return {r[0]: dict(zip(STATE_COLS, r, strict=True)) for r in rows}


def save_state(con, rows: list[dict]) -> None:
    """Upsert fetch state rows (one transaction)."""
    if not rows:
        return
    import pyarrow as pa

    con.execute(STATE_DDL)
    table = pa.Table.from_pylist(
        [{c: r.get(c) for c in STATE_COLS} for r in rows],
        schema=pa.schema(
            [
                ("url", pa.string()),
                ("kind", pa.string()),
                ("etag", pa.string()),
                ("last_modified", pa.string()),
                ("content_sha256", pa.string()),
                ("entry_fingerprint", pa.string()),
                ("outcome", pa.string()),
                ("http_status", pa.int32()),
                ("feed_body", pa.binary()),
                ("checked_at", pa.timestamp("us", tz="UTC")),
            ]
        ),
    )
    con.register("_fs_new", table)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM _fetch_state WHERE url IN (SELECT url FROM _fs_new)")
        con.execute(f"INSERT INTO _fetch_state ({', '.join(STATE_COLS)}) SELECT * FROM _fs_new")
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_fs_new")
