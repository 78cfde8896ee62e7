"""The table registry and the contract (transforms/schemas.py): every table declared once, and
rows that break the contract rejected at once, for every table."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pytest

from transforms.events.rows import Event
from transforms.parse import Article, Reject
from transforms.pipeline import NlpInput, extract
from transforms.schemas import (
    TABLES,
    ContractError,
    derived_tables,
    duckdb_ddl,
    key_column,
    lake_tables,
    nlp_tables,
    schema_of,
    to_table,
)

NOW = dt.datetime(2024, 4, 1, 12, 0, tzinfo=dt.UTC)
VALUES = {
    pa.string(): "x",
    pa.int32(): 7,
    pa.int64(): 7,
    pa.float32(): 0.5,
    pa.float64(): 0.5,
    pa.bool_(): True,
    pa.date32(): dt.date(2024, 2, 16),
    pa.timestamp("us", tz="UTC"): NOW,
    pa.list_(pa.string()): ["a"],
    pa.map_(pa.string(), pa.int64()): {"a": 1},
}


def valid_row(table: str) -> dict:
    return {f.name: VALUES[f.type] for f in schema_of(table)}


def test_the_registry():
    assert list(TABLES) == ["articles", "mentions", "quotes", "events", "rejects", "runs"]
    assert lake_tables() == ("articles", "mentions", "quotes", "events")
    assert derived_tables() == nlp_tables() == ("mentions", "quotes", "events")
    keys = {n: t.key for n, t in TABLES.items()}
    assert keys == {
        "articles": "article_id",
        "mentions": "mention_id",
        "quotes": "quote_id",
        "events": "event_id",
        "rejects": "source_uri",
        "runs": "run_id",
    }
    assert all(key_column(n) == k for n, k in keys.items())
    assert {t.partition for t in TABLES.values()} == {"published_month", None}
    assert TABLES["events"].grain == "one row per (trigger, actor, target) event"
    # the loaded tables' ids (articles and the derived tables) are checked by the loader, not
    # by a PRIMARY KEY (its index is rewritten by every checkpoint); the other tables keep theirs
    assert '"event_id" VARCHAR NOT NULL,' in duckdb_ddl("events")
    assert [n for n in TABLES if "PRIMARY KEY" in duckdb_ddl(n)] == ["rejects", "runs"]
    assert f'"{key_column("articles")}" VARCHAR NOT NULL,' in duckdb_ddl("articles")
    assert '"negated" BOOLEAN NOT NULL' in duckdb_ddl("events")


def test_row_classes_build_exactly_the_columns(nlp):
    """The row class of each table makes rows with every column and nothing else."""
    assert {n: t.row_type() for n, t in TABLES.items()} == {
        "articles": Article,
        "mentions": TABLES["mentions"].row_type(),
        "quotes": TABLES["quotes"].row_type(),
        "events": Event,
        "rejects": Reject,
        "runs": None,
    }
    assert [f.name for f in dataclasses.fields(Event)] == schema_of("events").names
    text = "Rebels attacked Goma on Friday, police said. “We will stay,” said Ana Berg."
    rows = extract(nlp(text), NlpInput("a1", text, dt.date(2024, 2, 16))).tables
    assert list(rows) == list(nlp_tables())
    for table, table_rows in rows.items():
        assert table_rows, table
        assert all(list(r) == schema_of(table).names for r in table_rows), table
        assert to_table(table, table_rows).num_rows == len(table_rows)
    reject = Reject("file:///x.txt", "empty_body", "no body").row(run_id="r", rejected_at=NOW)
    assert set(reject) == set(schema_of("rejects").names)


@pytest.mark.parametrize("table", list(TABLES))
def test_a_valid_row_builds_the_table(table):
    got = to_table(table, [valid_row(table)])
    assert got.schema.equals(schema_of(table)) and got.num_rows == 1
    assert to_table(table, []).num_rows == 0


@pytest.mark.parametrize("table", list(TABLES))
def test_an_unknown_key_raises(table):
    row = {**valid_row(table), "speaker_nmae": "typo"}
    with pytest.raises(ContractError, match=r"row 0 has unknown column\(s\) \['speaker_nmae'\]"):
        to_table(table, [row])


@pytest.mark.parametrize("table", list(TABLES))
def test_a_missing_key_raises_even_for_a_nullable_column(table):
    schema = schema_of(table)
    required = next(f.name for f in schema if not f.nullable)
    nullable = next(f.name for f in schema if f.nullable)
    for name in (required, nullable):
        row = valid_row(table)
        del row[name]
        with pytest.raises(ContractError, match=rf"row 1 has .* lacks column\(s\) \['{name}'\]"):
            to_table(table, [valid_row(table), row])


@pytest.mark.parametrize("table", list(TABLES))
def test_a_null_in_any_not_null_column_raises(table):
    not_null = [f.name for f in schema_of(table) if not f.nullable]
    assert not_null
    for name in not_null:
        row = {**valid_row(table), name: None}
        with pytest.raises(ContractError, match=rf"row 2 has NULL in NOT NULL column {name}$"):
            to_table(table, [valid_row(table), valid_row(table), row])
    nullable = [f.name for f in schema_of(table) if f.nullable]
    assert to_table(table, [{**valid_row(table), **dict.fromkeys(nullable)}]).num_rows == 1


@pytest.mark.parametrize("table", list(TABLES))
def test_a_value_of_the_wrong_type_raises(table):
    name = next(f.name for f in schema_of(table) if f.type == pa.string())
    with pytest.raises(ContractError, match="does not fit its column"):
        to_table(table, [{**valid_row(table), name: {"not": "a string"}}])
