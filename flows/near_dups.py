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

import duckdb
import pyarrow as pa

from flows.input_files import warehouse_state
from flows.warehouse import values_table
from transforms import dedup
from transforms.parse import Article

DDL = "CREATE TABLE IF NOT EXISTS _near_dup_bands (article_id VARCHAR NOT NULL, band_hash BIGINT)"
META_KEY = "near_dup_index"
#: The warehouse's state when the index was last found complete (ensure).
CHECKED_KEY = "near_dup_checked"
HEAL_BATCH = 2000


def ensure(con) -> int:
    """Create the table, drop stale rows, and index loaded articles that have none.

    Returns the number of articles indexed. Skipped while the warehouse is in the state the
    last one left (:func:`flows.input_files.warehouse_state`: nothing loaded, replaced or
    deleted since): the two anti-joins over the bands grew with the warehouse (0.16 s at 4,000
    articles, 0.63 s at 18,992 under load), every run."""
    con.execute(DDL)
    con.execute("CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    version = con.execute("SELECT value FROM _meta WHERE key = ?", [META_KEY]).fetchone()
    if version is None or version[0] != dedup.INDEX_VERSION:
        con.execute("DELETE FROM _near_dup_bands")
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", [META_KEY, dedup.INDEX_VERSION])
    state = _state(con)
    if state is not None and _checked(con) == (state,):
        return 0
    indexed = _heal(con)
    if state is not None:
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", [CHECKED_KEY, state])
    return indexed


def _state(con) -> str | None:
    """None: always checked (a DuckLake's loads count no changes, other writers load)."""
    if getattr(con, "shared", False):
        return None
    try:
        return f"{dedup.INDEX_VERSION}:{warehouse_state(con)}"
    except duckdb.Error:
        return None


def _checked(con) -> tuple | None:
    return con.execute("SELECT value FROM _meta WHERE key = ?", [CHECKED_KEY]).fetchone()


def _heal(con) -> int:
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
        record(con, {aid: dedup.fingerprint(body).bands for aid, body in rows})
        indexed += len(rows)


def record(con, bands: dict[str, tuple[int, ...]]) -> None:
    """Store the band hashes of loaded articles (replacing any they had), in a transaction."""
    if not bands:
        return
    try:
        con.execute("BEGIN TRANSACTION")
        write(con, bands)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def write(con, bands: dict[str, tuple[int, ...]], *, replace: bool = True) -> None:
    """:func:`record` inside the caller's transaction (a batch's load: the articles and their
    band hashes committed together). ``replace=False``: the articles are known to have no rows
    (:class:`LoadBands`), none are looked for."""
    if not bands:
        return
    ids, hashes = [], []
    for aid, article_bands in bands.items():
        for h in article_bands or (None,):
            ids.append(aid)
            hashes.append(h)
    table = pa.table(
        {"article_id": pa.array(ids, pa.string()), "band_hash": pa.array(hashes, pa.int64())}
    )
    con.register("_nd_new", table)
    try:
        if replace:
            con.execute(
                "DELETE FROM _near_dup_bands WHERE article_id IN (SELECT article_id FROM _nd_new)"
            )
        con.execute("INSERT INTO _near_dup_bands SELECT article_id, band_hash FROM _nd_new")
    finally:
        con.unregister("_nd_new")


class LoadBands:
    """The band hashes of a batch's articles (article id -> hashes), written by its load in its
    transaction (:func:`flows.warehouse.load_batch`'s ``also``: ``before`` runs first, ``after``
    last).

    When the index was complete in the state the load started from (:func:`ensure` found it so
    and nothing moved since) and the hashes are those of exactly the articles the load
    inserts, the load keeps it complete: the rows of the versions it replaced are deleted, its
    articles' rows inserted (a complete index holds rows of loaded articles only: a new
    article has none to delete), and the state it leaves is recorded as checked. The next
    run's ensure then skips its two anti-joins over every band row (0.9-1.3 CPU-s at 300,000
    articles, 9.6 M band rows), and the load its delete by the batch's ids (a scan of them).
    Otherwise the rows are replaced as :func:`write` does and the next ensure checks."""

    def __init__(self, bands: dict[str, tuple[int, ...]]):
        self.bands = bands
        self.current = False

    def before(self, con) -> None:
        state = _state(con)
        self.current = state is not None and _checked(con) == (state,)

    def after(self, con, article_ids: list[str], old: str | None) -> None:
        """``old``: the table of the article ids the load deleted (None: it deleted none)."""
        if not (self.current and self.bands.keys() == set(article_ids)):
            write(con, self.bands)
            return
        if old is not None:
            con.execute(
                f"DELETE FROM _near_dup_bands WHERE article_id IN (SELECT article_id FROM {old})"
            )
        write(con, self.bands, replace=False)
        con.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", [CHECKED_KEY, _state(con)])


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (a - b).days if a and b else None


def assign(
    con, articles: list[Article], bands: dict[str, tuple[int, ...]] | None = None
) -> dict[str, tuple[int, ...]]:
    """Set ``duplicate_of``/``duplicate_similarity`` on the articles (in order); returns their
    band hashes, to be recorded once the batch is loaded. ``bands``: the band hashes already
    computed for some of them (by the NLP workers); the others' are computed here.

    A loaded candidate's bands are read from ``_near_dup_bands`` (only those it shares with
    the batch: all the comparison needs), never recomputed from its body. An article's
    candidates are found through the bands (an index from band hash to articles), and its
    shingles and figures — what the comparison reads — are only computed when it has one or
    is one: most articles share no band with any other."""
    given = bands or {}
    batch = _Fingerprints({a.article_id: a.body for a in articles})
    ids = {a.article_id: batch.bands(a.article_id, given.get(a.article_id)) for a in articles}
    wanted = sorted({h for hashes in ids.values() for h in hashes})
    known: dict[str, dedup.Fingerprint | None] = {}  # None: in the batch, computed on demand
    index: dict[int, list[str]] = {}  # band hash -> articles in ``known`` (maybe stale)
    meta: dict[str, tuple] = {}  # article_id -> (source_uri, published_date, duplicate_of)
    if wanted:
        with values_table(con, "_nd_wanted", wanted, pa.int64()) as name:
            # the bands first, then their articles by rowid (a scan of article_id alone):
            # joined to the bands, the articles' scan read every body (0.54 -> 0.08 CPU-s
            # for 50 new stories at 300,000 articles)
            rows = con.execute(
                "WITH hits AS MATERIALIZED (SELECT article_id, band_hash FROM _near_dup_bands "
                f"WHERE band_hash IN (SELECT v FROM {name})) "
                "SELECT h.article_id, list(DISTINCT h.band_hash ORDER BY h.band_hash), "
                "any_value(a.source_uri), any_value(a.body), any_value(a.published_date), "
                "any_value(a.duplicate_of) FROM hits h JOIN (SELECT * FROM articles "
                "WHERE rowid IN (SELECT rowid FROM articles "
                "WHERE article_id IN (SELECT article_id FROM hits))) a USING (article_id) "
                "GROUP BY h.article_id"
            ).fetchall()
        for aid, shared, uri, body, published, dup_of in rows:
            known[aid] = dedup.fingerprint(body, tuple(shared))
            meta[aid] = (uri, published, dup_of)
            for h in shared:
                index.setdefault(h, []).append(aid)
    for art in articles:
        aid = art.article_id
        art.duplicate_of, art.duplicate_similarity = None, None
        hashes = set(ids[aid])
        if not hashes:
            continue  # too short to link (and no candidate of another)
        sharing = {other for h in hashes for other in index.get(h, ())}
        cands = {
            other: fp
            for other in sharing
            if other != aid
            and meta[other][0] != art.source_uri
            and hashes & set((fp := known[other] or batch.full(other)).bands)
        }
        if cands:
            days = {other: _days(art.published_date, meta[other][1]) for other in cands}
            match = dedup.best_match(batch.full(aid), cands, days)
            if match is not None:
                art.duplicate_of = meta[match[0]][2] or match[0]
                art.duplicate_similarity = round(match[1], 4)
        known[aid] = None
        meta[aid] = (art.source_uri, art.published_date, art.duplicate_of)
        for h in hashes:
            index.setdefault(h, []).append(aid)
    return ids


class _Fingerprints:
    """The batch's fingerprints, each computed once and only when asked for: the band hashes
    of every article (given by the NLP workers, else computed), the whole fingerprint
    (shingles, figures) of those compared."""

    def __init__(self, bodies: dict[str, str]):
        self.bodies = bodies
        self._bands: dict[str, tuple[int, ...]] = {}
        self._full: dict[str, dedup.Fingerprint] = {}

    def bands(self, aid: str, given: tuple[int, ...] | None) -> tuple[int, ...]:
        if given is None:
            return self.full(aid).bands
        self._bands[aid] = given
        return given

    def full(self, aid: str) -> dedup.Fingerprint:
        if aid not in self._full:
            self._full[aid] = dedup.fingerprint(self.bodies[aid], self._bands.get(aid))
        return self._full[aid]
