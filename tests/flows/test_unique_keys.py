"""flows/unique_keys.py on real DuckDB files and real Parquet parts: a run's keys checked
without a scan of the tables it found empty, every duplicate still failing its batch with the
same error — twice in one batch, against an earlier batch of the run, against an earlier run."""

from __future__ import annotations

import pytest

from flows import unique_keys, warehouse
from flows.errors import WarehouseError
from flows.settings import load_settings
from tests.flows.test_warehouse import _b1_with_mentions, batch, changed_a1, counts, reject_rows
from tests.warehouse_rows import RUN_ID, rows


class _Scans:
    """A connection that lists the exact checks' joins over a whole table."""

    def __init__(self, con):
        self._con, self.scanned = con, []

    def execute(self, sql, *args):
        if "SEMI JOIN" in sql:
            self.scanned.append(sql.split('FROM "')[1].split('"')[0])
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.fixture
def settings(tmp_path):
    settings = load_settings(tmp_path / "wh")
    with warehouse.connection(settings, read_only=False) as con:
        warehouse.ensure_schema(con)
    return settings


def _load(con, settings, given, run_id, n, keys):
    args = batch(given, settings, run_id, n)
    load = dict(rejects=reject_rows(), keys=keys, **args)
    return warehouse.load_batch(con, settings.warehouse_dir, **load)


def _mention_of(article: str) -> str:
    return min(m["mention_id"] for m in rows()["mentions"] if m["article_id"] == article)


def test_a_run_reads_the_tables_it_finds_empty(settings):
    with warehouse.connection(settings, read_only=False) as con:
        first = unique_keys.RunKeys.of(con)
        _load(con, settings, rows(), RUN_ID, 1, first)
        later = unique_keys.RunKeys.of(con)
    assert sorted(first.held) == ["articles", "events", "mentions", "quotes"]
    assert {t: len(h) for t, h in first.held.items()} == {
        "articles": 4,
        "mentions": 21,
        "quotes": 5,
        "events": 7,
    }
    assert later.held == {}  # every table holds rows: each batch is checked by the join


def test_new_distinct_keys_are_not_joined_with_the_tables_and_met_ones_are(settings):
    with warehouse.connection(settings, read_only=False) as con:
        keys = unique_keys.RunKeys.of(con)
        scans = _Scans(con)
        _load(scans, settings, rows(), RUN_ID, 1, keys)
        first = list(scans.scanned)
        scans.scanned.clear()
        # b1 replaces a1 in the same run with two new mentions: its article id is new, its
        # mention ids too; then b1 again (its own keys met): the joins decide, and it loads
        _load(scans, settings, _b1_with_mentions("m-new", "m-new2"), "r2", 2, keys)
        second = list(scans.scanned)
        scans.scanned.clear()
        _load(scans, settings, _b1_with_mentions("m-new", "m-new2"), "r2", 3, keys)
        third = list(scans.scanned)
        got = con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone()
        # without the run's keys, every table the batch loads is joined
        scans.scanned.clear()
        _load(scans, settings, _b1_with_mentions("m-new", "m-new2"), "r2", 4, None)
    assert (first, second, third) == ([], [], ["articles", "mentions"])
    assert scans.scanned == ["articles", "mentions"]
    assert got == (21 - 8 + 2, 21 - 8 + 2)  # a1's eight mentions replaced by b1's two
    assert len(keys.held["mentions"]) == 21 + 2 + 2  # the replaced ones' hashes stay


@pytest.mark.parametrize(
    "case", ["twice in the first batch", "an earlier batch's", "an earlier run's"]
)
def test_a_duplicated_key_fails_its_batch_with_the_same_error_and_loads_nothing(settings, case):
    given = rows()
    with warehouse.connection(settings, read_only=False) as con:
        keys = unique_keys.RunKeys.of(con)
        if case == "twice in the first batch":
            given["mentions"].append(dict(given["mentions"][-1]))
            dup = given["mentions"][-1]["mention_id"]
            held, n = given["mentions"][-1]["article_id"], 1
        else:
            _load(con, settings, given, RUN_ID, 1, keys)
            if case == "an earlier run's":
                keys = unique_keys.RunKeys.of(con)
            dup, held, n = _mention_of("a2"), "a2, b1", 2
            given = _b1_with_mentions(dup)
        before = counts(con)
        held_before = {t: len(h) for t, h in keys.held.items()}
        with pytest.raises(WarehouseError) as err:
            _load(con, settings, given, "r2", n, keys)
        assert counts(con) == before
        assert {t: len(h) for t, h in keys.held.items()} == held_before
        # the same batch with distinct ids loads, and a duplicate among them still fails
        ok = changed_a1() if n == 2 else rows()
        _load(con, settings, ok, "r2", n + 1, keys)
        with pytest.raises(WarehouseError, match="mention_id 'm-x' would be held by 2 rows"):
            _load(con, settings, _b1_with_mentions("m-x", "m-x"), "r2", n + 2, keys)
    assert str(err.value) == (
        f"mentions: mention_id {dup!r} would be held by 2 rows (articles {held}); "
        "ids must be unique: the batch is not loaded"
    )
