"""flows.changes' row positions: after which row of a loaded table the rows loaded since a
build lie (the incremental build reads them by `rowid > N`, sql/macros/changed.sql)."""

from __future__ import annotations

import duckdb

from flows import changes, warehouse


def _mentions(con, article: str, n: int, start: int = 0, run: str = "r1") -> None:
    """``n`` mentions of ``article``, loaded by ``run`` (its articles row written again)."""
    con.execute("DELETE FROM articles WHERE article_id = ?", [article])
    con.execute(
        "INSERT INTO articles (article_id, source_uri, body, word_count, content_sha256, "
        "encoding, flags, ingested_at, run_id) VALUES (?, ?, 'x', 1, ?, 'utf-8', [], now(), ?)",
        [article, f"/{article}.txt", article, run],
    )
    con.execute(
        "INSERT INTO mentions (mention_id, article_id, sentence_index, start_char, end_char, "
        "text, label, origin) SELECT ? || '-' || range, ?, 0, 0, 1, 'x', 'ORG', 'model' "
        "FROM range(?, ?)",
        [article, article, start, start + n],
    )


def _after(con, recorded) -> set[str]:
    """The ids of the rows a build would read as loaded since ``recorded``."""
    bound = changes.rows_after(con, recorded)
    return {
        r[0]
        for r in con.execute(
            f"SELECT mention_id FROM mentions WHERE rowid > {bound['mentions']}"
        ).fetchall()
    }


def _two_articles(tmp_path):
    """A warehouse with a's 3 mentions and b's 2, checkpointed; the tails recorded then."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    _mentions(con, "a", 3)
    _mentions(con, "b", 2)
    con.execute("CHECKPOINT")
    return con, changes.tails(con)


def test_the_rows_loaded_since_lie_after_the_recorded_last_row(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    assert changes.tails(con) == {}  # empty tables: no bound
    _mentions(con, "a", 3)
    _mentions(con, "b", 2)
    con.execute("CHECKPOINT")
    recorded = changes.tails(con)
    assert recorded == {"articles": [1, "b", "r1"], "mentions": [4, "b-1", "r1"]}
    _mentions(con, "c", 2)
    _mentions(con, "d", 1)
    con.execute("CHECKPOINT")
    con.execute("DELETE FROM mentions WHERE article_id = 'c'")  # c replaced by a later load
    _mentions(con, "c", 1, start=10)
    con.execute("CHECKPOINT")
    assert _after(con, recorded) == {"d-0", "c-10"}


def test_no_bound_when_the_recorded_row_moved_or_went(tmp_path):
    con, recorded = _two_articles(tmp_path)
    assert recorded["mentions"] == [4, "b-1", "r1"]
    # a's rows deleted and the table compacted at the checkpoint: b's rows move to lower
    # rowids, and the rows loaded since with them
    con.execute("DELETE FROM mentions WHERE article_id = 'a'")
    _mentions(con, "c", 1)
    con.execute("CHECKPOINT")
    moved = con.execute("SELECT rowid FROM mentions WHERE mention_id = 'b-1'").fetchone()[0]
    assert moved < 4
    assert changes.rows_after(con, recorded) == {"articles": 1}  # b's row: c's after it
    # the recorded row itself deleted (its article replaced): no bound either
    recorded = changes.tails(con)
    con.execute("DELETE FROM mentions WHERE mention_id = 'c-0'")
    assert changes.rows_after(con, recorded) == {"articles": 2}
    assert changes.rows_after(con, None) == {}


def test_no_bound_when_the_recorded_row_was_loaded_again_with_the_same_ids(tmp_path):
    """Every article reprocessed by a later run (a new extraction version) with the same row
    ids: compacted, the new rows take the old rowids, the last with the recorded key — yet
    every row is loaded since. Only the article's run tells them apart."""
    con, recorded = _two_articles(tmp_path)
    con.execute("DELETE FROM mentions")
    _mentions(con, "a", 3, run="r2")
    _mentions(con, "b", 2, run="r2")
    con.execute("CHECKPOINT")
    assert con.execute("SELECT rowid FROM mentions WHERE mention_id = 'b-1'").fetchone() == (4,)
    assert changes.rows_after(con, recorded) == {}
    # a tail recorded before the run was (two fields): no bound
    assert changes.rows_after(con, {"mentions": [4, "b-1"]}) == {}
    # not loaded again: the bound holds
    assert changes.rows_after(con, changes.tails(con)) == {"articles": 1, "mentions": 4}
