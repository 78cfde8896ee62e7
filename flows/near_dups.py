"""Near-duplicates in the warehouse: link each new article to the first occurrence of its
story (transforms.dedup decides; this module finds the candidates in DuckDB).

The LSH band hashes of every loaded article live in ``_near_dup_bands`` (article_id,
band_hash; one NULL row for a body too short to have bands). Candidates for a batch are the
loaded articles sharing a band hash with one of its articles, plus the articles earlier in
the same batch. An article links to the *root* of its candidate (the first occurrence, never
another reprint). The table is derived data: rows of articles that are gone are dropped, and
articles without rows (an interrupted run, an older warehouse, a new index version) get
theirs at the start of the next run.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from flows.warehouse import values_table
from transforms import dedup
from transforms.parse import Article

DDL = "CREATE TABLE IF NOT EXISTS _near_dup_bands (article_id VARCHAR NOT NULL, band_hash BIGINT)"
META_KEY = "near_dup_index"
HEAL_BATCH = 2000


def ensure(con) -> int:
    """Create the table, drop stale rows, and index loaded articles that have none.

    Returns the number of articles indexed."""
    con.execute(DDL)
    con.execute("CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    version = con.execute("SELECT value FROM _meta WHERE key = ?", [META_KEY]).fetchone()
    if version is None or version[0] != dedup.INDEX_VERSION:
        con.execute("DELETE FROM _near_dup_bands")
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", [META_KEY, dedup.INDEX_VERSION])
    con.execute(
        "DELETE FROM _near_dup_bands WHERE article_id NOT IN (SELECT article_id FROM articles)"
    )
    indexed = 0
    while True:
        rows = con.execute(
            "SELECT article_id, body FROM articles WHERE article_id NOT IN "
            "(SELECT article_id FROM _near_dup_bands) ORDER BY article_id LIMIT ?",
            [HEAL_BATCH],
        ).fetchall()
        if not rows:
            return indexed
        record(con, {aid: dedup.fingerprint(body) for aid, body in rows})
        indexed += len(rows)


def record(con, fingerprints: dict[str, dedup.Fingerprint]) -> None:
    """Store the band hashes of loaded articles (replacing any they had), in a transaction."""
    if not fingerprints:
        return
    try:
        con.execute("BEGIN TRANSACTION")
        write(con, fingerprints)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def write(con, fingerprints: dict[str, dedup.Fingerprint]) -> None:
    """:func:`record` inside the caller's transaction (a batch's load: the articles and their
    band hashes committed together)."""
    if not fingerprints:
        return
    ids, hashes = [], []
    for aid, fp in fingerprints.items():
        for h in fp.bands or (None,):
            ids.append(aid)
            hashes.append(h)
    table = pa.table(
        {"article_id": pa.array(ids, pa.string()), "band_hash": pa.array(hashes, pa.int64())}
    )
    con.register("_nd_new", table)
    try:
        con.execute(
            "DELETE FROM _near_dup_bands WHERE article_id IN (SELECT article_id FROM _nd_new)"
        )
        con.execute("INSERT INTO _near_dup_bands SELECT article_id, band_hash FROM _nd_new")
    finally:
        con.unregister("_nd_new")


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (a - b).days if a and b else None


def assign(
    con, articles: list[Article], bands: dict[str, tuple[int, ...]] | None = None
) -> dict[str, dedup.Fingerprint]:
    """Set ``duplicate_of``/``duplicate_similarity`` on the articles (in order); returns their
    fingerprints, to be recorded once the batch is loaded. ``bands``: the band hashes already
    computed for some of them (by the NLP workers); the others' are computed here.

    A loaded candidate's bands are read from ``_near_dup_bands`` (only those it shares with
    the batch: all the comparison needs), never recomputed from its body."""
    bands = bands or {}
    fps = {a.article_id: dedup.fingerprint(a.body, bands.get(a.article_id)) for a in articles}
    wanted = sorted({h for fp in fps.values() for h in fp.bands})
    known: dict[str, dedup.Fingerprint] = {}
    meta: dict[str, tuple] = {}  # article_id -> (source_uri, published_date, duplicate_of)
    if wanted:
        with values_table(con, "_nd_wanted", wanted, pa.int64()) as name:
            rows = con.execute(
                "SELECT b.article_id, list(DISTINCT b.band_hash ORDER BY b.band_hash), "
                "any_value(a.source_uri), any_value(a.body), any_value(a.published_date), "
                "any_value(a.duplicate_of) "
                "FROM _near_dup_bands b JOIN articles a USING (article_id) "
                f"WHERE b.band_hash IN (SELECT v FROM {name}) GROUP BY b.article_id"
            ).fetchall()
        for aid, shared, uri, body, published, dup_of in rows:
            known[aid] = dedup.fingerprint(body, tuple(shared))
            meta[aid] = (uri, published, dup_of)
    for art in articles:
        fp = fps[art.article_id]
        art.duplicate_of, art.duplicate_similarity = None, None
        if not fp.bands:
            continue
        bands_set = set(fp.bands)
        cands = {
            aid: other
            for aid, other in known.items()
            if aid != art.article_id
            and meta[aid][0] != art.source_uri
            and bands_set & set(other.bands)
        }
        days = {aid: _days(art.published_date, meta[aid][1]) for aid in cands}
        match = dedup.best_match(fp, cands, days)
        if match is not None:
            root = meta[match[0]][2] or match[0]
            art.duplicate_of = root
            art.duplicate_similarity = round(match[1], 4)
        known[art.article_id] = fp
        meta[art.article_id] = (art.source_uri, art.published_date, art.duplicate_of)
    return fps
